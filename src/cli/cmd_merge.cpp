// promptctl merge BRANCH | --continue | --abort: bring another line of work in.
#include "cli/merge_report.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string revision;
  bool abort = false;
  bool resume = false;
  bool json = false;
};
Options& options() {
  static Options instance;
  return instance;
}

void add_options(CLI::App& sub) {
  sub.add_option("BRANCH", options().revision,
                 "The branch (or any revision) to merge into the current branch");
  sub.add_flag("--continue", options().resume,
               "Commit the merge in progress once its conflicts are resolved");
  sub.add_flag("--abort", options().abort,
               "Abandon the merge in progress and restore the state before it");
  sub.add_flag("--json", options().json, "Print the result as JSON");
}

int finish(Session& session) {
  auto [author, committer] = session.repository().identities();
  repo::CommitResult result = session.repository().merge_continue(author, committer);
  if (options().json) {
    session.out().json({{"outcome", "merged"}, {"commit", result.commit_id}, {"conflicts", {}}});
  } else {
    session.out().line("Merge committed: " + result.commit_id.substr(0, 7));
  }
  return 0;
}

int abandon(Session& session) {
  session.repository().merge_abort();
  repo::Revision head = session.repository().resolve("HEAD");
  if (options().json) {
    session.out().json({{"outcome", "aborted"}, {"commit", head.commit_id}, {"conflicts", {}}});
  } else {
    session.out().line("Merge aborted; back at " + head.short_id());
  }
  return 0;
}

// "Merge branch 'x'" for a local branch, as git words it; "Merge 'x'" for other revisions.
std::string merge_message(Session& session) {
  std::string into = session.repository().current_branch();
  std::string what = "'" + options().revision + "'";
  for (const repo::BranchInfo& branch : session.repository().branches()) {
    if (branch.name == options().revision) {
      what = "branch " + what;
    }
  }
  return "Merge " + what +
         (into.empty() || into == "main" || into == "master" ? "" : " into " + into) + "\n";
}

int run(Session& session) {
  const Options& o = options();
  if (static_cast<int>(o.abort) + static_cast<int>(o.resume) + (o.revision.empty() ? 0 : 1) != 1) {
    throw Error(ErrorKind::usage, "give one of BRANCH, --continue or --abort");
  }
  if (o.resume) {
    return finish(session);
  }
  if (o.abort) {
    return abandon(session);
  }
  repo::Repository& repository = session.repository();
  repo::Revision revision = repository.resolve(o.revision);
  repo::MergeResult result = repository.merge(revision, o.revision, merge_message(session));
  return report_merge(session, result, o.revision, o.json);
}

}  // namespace

extern const CommandSpec k_cmd_merge{"merge", "Merge a branch into the current branch",
                                     Completes::revisions, add_options, run};

}  // namespace promptctl::cli
