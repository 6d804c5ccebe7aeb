// promptctl push [REMOTE]: send the branch, tags and notes to a remote.
#include "cli/merge_report.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string remote;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  add_remote_arguments(sub, o.remote, o.json);
}

int run(Session& session, const Options& o) {
  std::string remote = chosen_remote(session, o.remote);
  std::vector<std::string> refs = session.repository().push(remote);
  if (o.json) {
    session.out().document({{"remote", remote}, {"refs", refs}});
  } else {
    session.out().line("Pushed " + util::counted(refs.size(), "ref") + " to " + remote);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_push{"push", "Push the branch, tags and notes to a remote",
                                    Completes::nothing, Setup::workspace,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
