// promptctl clone URL [DIR]: copy a prompt repository.
#include <filesystem>

#include "cli/command.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string url;
  std::string directory;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("URL", o.url, "Where the repository is: a path, file://, https:// or ssh:// URL")
      ->required();
  sub.add_option("DIR", o.directory,
                 "The folder to create (default: the URL's last part without .git)");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

// "https://host/team/prompts.git" -> "prompts"
std::string default_directory(std::string url) {
  while (!url.empty() && (url.back() == '/' || url.back() == '\\')) {
    url.pop_back();
  }
  std::string last = url.substr(url.find_last_of("/:") + 1);
  if (last.ends_with(".git")) {
    last.resize(last.size() - 4);
  }
  return last;
}

int run(Session& session, const Options& o) {
  std::string directory = o.directory.empty() ? default_directory(o.url) : o.directory;
  if (directory.empty()) {
    throw Error(ErrorKind::usage, "cannot name a folder after '" + o.url + "'", {},
                "give one: 'promptctl clone URL DIR'");
  }
  std::filesystem::path target = session.start() / directory;
  repo::Repository cloned = repo::Repository::clone(o.url, target);
  bool is_prompt_repository = std::filesystem::exists(target / Workspace::k_settings_file);
  Output& out = session.out();
  if (!is_prompt_repository) {
    out.warn("'" + directory + "' has no " + Workspace::k_settings_file +
             ": it is not a prompt repository yet ('promptctl init " + directory + "')");
  }
  if (o.json) {
    out.document({{"directory", target.lexically_normal().string()},
                  {"branch", util::text_or_null(cloned.current_branch())},
                  {"prompt_repository", is_prompt_repository}});
    return 0;
  }
  out.line("Cloned into '" + directory + "'");
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_clone{"clone", "Clone a prompt repository", Completes::nothing,
                                     Setup::none, declare<Options, add_options, run>};

}  // namespace promptctl::cli
