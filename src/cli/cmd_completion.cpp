// promptctl completion bash|zsh|fish: print the completion script for a shell, for users who
// install promptctl by hand (packages install the same scripts where each shell looks).
#include "cli/command.hpp"
#include "completion_scripts.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string shell;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("SHELL", o.shell, "bash, zsh or fish")->required();
}

int run(Session& session, const Options& o) {
  const std::string& shell = o.shell;
  if (shell != "bash" && shell != "zsh" && shell != "fish") {
    throw Error(ErrorKind::usage,
                "no completion script for the shell '" + util::printable(shell) + "'", {},
                "choose bash, zsh or fish");
  }
  session.out().print(shell == "bash"  ? completion_scripts::k_bash
                      : shell == "zsh" ? completion_scripts::k_zsh
                                       : completion_scripts::k_fish);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_completion{"completion", "Print the shell completion script",
                                          Completes::nothing, Setup::none,
                                          declare<Options, add_options, run>};

}  // namespace promptctl::cli
