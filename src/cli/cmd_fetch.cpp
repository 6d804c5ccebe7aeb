// promptctl fetch [REMOTE]: bring in a remote's commits, tags and notes.
#include "cli/merge_report.hpp"

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
  std::vector<std::string> notices = session.repository().fetch(remote);
  for (const std::string& notice : notices) {
    session.out().warn(notice);
  }
  if (o.json) {
    session.out().document({{"remote", remote}, {"notices", notices}});
  } else {
    session.out().line("Fetched from " + remote);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_fetch{"fetch", "Fetch commits, tags and notes from a remote",
                                     Completes::nothing, Setup::workspace,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
