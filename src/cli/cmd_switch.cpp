// promptctl switch NAME [-c]: move to another branch.
#include "cli/command.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  bool create = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The branch to switch to")->required();
  sub.add_flag("-c,--create", o.create, "Create the branch at HEAD first");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

int run(Session& session, const Options& o) {
  repo::Repository& repository = session.repository();
  if (o.create) {
    repository.create_branch(o.name, repository.resolve("HEAD"));
  }
  repository.switch_branch(o.name);
  repo::Revision head = repository.resolve("HEAD");
  Output& out = session.out();
  if (o.json) {
    out.document({{"branch", o.name}, {"commit", head.commit_id}, {"created", o.create}});
  } else {
    out.line(std::string(o.create ? "Switched to a new branch '" : "Switched to branch '") +
             o.name + "'");
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_switch{"switch", "Switch to another branch", Completes::branches,
                                      Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
