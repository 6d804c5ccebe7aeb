// promptctl init [DIR]: create a prompt repository.
#include "cli/command.hpp"
#include "promptctl/scaffold.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string directory = ".";
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("DIR", o.directory, "Folder to make a prompt repository (default: .)");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

int run(Session& session, const Options& o) {
  std::filesystem::path dir = o.directory;
  InitReport report = init_repository(dir.is_absolute() ? dir : session.start() / dir);
  if (o.json) {
    session.out().document({{"root", report.root.string()},
                            {"created_git_repository", report.created_git_repository},
                            {"files", report.files}});
    return 0;
  }
  session.out().line("Initialized prompt repository in " + report.root.string());
  if (!report.created_git_repository) {
    session.out().line("(inside an existing git repository; no new one was created)");
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_init{"init", "Create a prompt repository", Completes::nothing,
                                    Setup::none, declare<Options, add_options, run>};

}  // namespace promptctl::cli
