// promptctl pull [REMOTE]: fetch, then merge the remote's branch of the same name.
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
  repo::Repository& repository = session.repository();
  std::string branch = repository.current_branch();
  if (branch.empty()) {
    throw Error(ErrorKind::invalid_input, "HEAD is detached: there is no branch to pull into");
  }
  std::string remote = chosen_remote(session, options().remote);
  for (const std::string& notice : repository.fetch(remote)) {
    session.out().warn(notice);
  }
  std::string tracking = remote + "/" + branch;
  repo::Revision theirs = repository.resolve("refs/remotes/" + tracking);
  repo::MergeResult result =
      repository.merge(theirs, tracking, "Merge branch '" + branch + "' of " + remote + "\n");
  return report_merge(session, result, tracking, options().json, {{"remote", remote}});
}

}  // namespace

extern const CommandSpec k_cmd_pull{"pull", "Fetch from a remote and merge its branch",
                                    Completes::nothing, add_options, run};

}  // namespace promptctl::cli
