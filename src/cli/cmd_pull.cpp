// promptctl pull [REMOTE]: fetch, then merge the remote's branch of the same name.
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
  repo::Repository& repository = session.repository();
  std::string branch = repository.current_branch();
  if (branch.empty()) {
    throw Error(ErrorKind::invalid_input, "HEAD is detached: there is no branch to pull into");
  }
  std::string remote = chosen_remote(session, o.remote);
  for (const std::string& notice : repository.fetch(remote)) {
    session.out().warn(notice);
  }
  std::string tracking = remote + "/" + branch;
  repo::Revision theirs = repository.resolve("refs/remotes/" + tracking);
  repo::MergeResult result =
      repository.merge(theirs, tracking, "Merge branch '" + branch + "' of " + remote + "\n");
  return report_merge(session, result, tracking, o.json, {{"remote", remote}});
}

}  // namespace

extern const CommandSpec k_cmd_pull{"pull", "Fetch from a remote and merge its branch",
                                    Completes::nothing, Setup::workspace,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
