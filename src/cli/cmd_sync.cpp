// promptctl fetch | pull | push [REMOTE]: exchange commits, tags and notes with a remote.
#include "cli/command.hpp"
#include "promptctl/changes.hpp"

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
  sub.add_option("REMOTE", options().remote,
                 "The remote (default: the current branch's upstream, else 'origin')");
  sub.add_flag("--json", options().json, "Print the result as JSON");
}

std::string chosen_remote(Session& session) {
  return options().remote.empty() ? session.repository().default_remote() : options().remote;
}

int run_fetch(Session& session) {
  std::string remote = chosen_remote(session);
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

int run_push(Session& session) {
  std::string remote = chosen_remote(session);
  std::vector<std::string> refs = session.repository().push(remote);
  if (options().json) {
    session.out().json({{"remote", remote}, {"refs", refs}});
  } else {
    session.out().line("Pushed " + std::to_string(refs.size()) + " ref(s) to " + remote);
  }
  return 0;
}

int run_pull(Session& session) {
  repo::Repository& repository = session.repository();
  std::string branch = repository.current_branch();
  if (branch.empty()) {
    throw Error(ErrorKind::invalid_input, "HEAD is detached: there is no branch to pull into");
  }
  std::string remote = chosen_remote(session);
  for (const std::string& notice : repository.fetch(remote)) {
    session.out().warn(notice);
  }
  std::string tracking = remote + "/" + branch;
  repo::Revision theirs = repository.resolve("refs/remotes/" + tracking);
  repo::MergeResult result =
      repository.merge(theirs, tracking, "Merge branch '" + branch + "' of " + remote + "\n");
  Output& out = session.out();
  if (options().json) {
    out.json({{"remote", remote},
              {"outcome", to_string(result.outcome)},
              {"commit", result.commit_id},
              {"conflicts", result.conflicts}});
  } else if (result.outcome == repo::MergeOutcome::conflicts) {
    for (const std::string& path : result.conflicts) {
      out.line(out.paint("conflict  ", Style::red) + path);
    }
    (void)out.flush();
    out.warn(
        "the pull stopped with conflicts: resolve them, then 'promptctl merge --continue' "
        "(or 'promptctl merge --abort')");
  } else {
    out.line(
        std::string(result.outcome == repo::MergeOutcome::up_to_date     ? "Already up to date"
                    : result.outcome == repo::MergeOutcome::fast_forward ? "Fast-forward to "
                                                                         : "Merged: ") +
        (result.outcome == repo::MergeOutcome::up_to_date ? "" : result.commit_id.substr(0, 7)));
  }
  return result.outcome == repo::MergeOutcome::conflicts ? 1 : 0;
}

}  // namespace

extern const CommandSpec k_cmd_fetch{"fetch", "Fetch commits, tags and notes from a remote",
                                     Completes::nothing, add_options, run_fetch};
extern const CommandSpec k_cmd_pull{"pull", "Fetch from a remote and merge its branch",
                                    Completes::nothing, add_options, run_pull};
extern const CommandSpec k_cmd_push{"push", "Push the branch, tags and notes to a remote",
                                    Completes::nothing, add_options, run_push};

}  // namespace promptctl::cli
