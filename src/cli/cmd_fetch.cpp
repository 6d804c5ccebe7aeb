// promptctl fetch [REMOTE]: bring in a remote's commits, tags and notes.
#include "cli/merge_report.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string remote;
  bool json = false;
};
Options& options() {
  static Options instance;
  return instance;
}

void add_options(CLI::App& sub) {
  add_remote_arguments(sub, options().remote, options().json);
}

int run(Session& session) {
  std::string remote = chosen_remote(session, options().remote);
  std::vector<std::string> notices = session.repository().fetch(remote);
  for (const std::string& notice : notices) {
    session.out().warn(notice);
  }
  if (options().json) {
    session.out().json({{"remote", remote}, {"notices", notices}});
  } else {
    session.out().line("Fetched from " + remote);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_fetch{"fetch", "Fetch commits, tags and notes from a remote",
                                     Completes::nothing, add_options, run};

}  // namespace promptctl::cli
