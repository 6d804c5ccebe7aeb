// promptctl init [DIR]: create a prompt repository.
#include "cli/command.hpp"
#include "promptctl/scaffold.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string directory = ".";
  bool json = false;
};
Options& options() {
  static Options instance;
  return instance;
}

void add_options(CLI::App& sub) {
  sub.add_option("DIR", options().directory, "Folder to make a prompt repository (default: .)");
  sub.add_flag("--json", options().json, "Print the result as JSON");
}

int run(Session& session) {
  std::filesystem::path dir = options().directory;
  InitReport report = init_repository(dir.is_absolute() ? dir : session.start() / dir);
  if (options().json) {
    session.out().json({{"root", report.root.string()},
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
                                    add_options, run};

}  // namespace promptctl::cli
