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

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("BRANCH", o.revision,
                 "The branch (or any revision) to merge into the current branch");
  sub.add_flag("--continue", o.resume,
               "Commit the merge in progress once its conflicts are resolved");
  sub.add_flag("--abort", o.abort, "Abandon the merge in progress and restore the state before it");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

int finish(Session& session, const Options& o) {
  auto [author, committer] = session.repository().identities();
  repo::CommitResult result = session.repository().merge_continue(author, committer);
  if (o.json) {
    session.out().document(
        {{"outcome", "merged"}, {"commit", result.commit_id}, {"conflicts", {}}});
  } else {
    session.out().line("Merge committed: " + result.commit_id.substr(0, 7));
  }
  return 0;
}

int abandon(Session& session, const Options& o) {
  session.repository().merge_abort();
  repo::Revision head = session.repository().resolve("HEAD");
  if (o.json) {
    session.out().document({{"outcome", "aborted"}, {"commit", head.commit_id}, {"conflicts", {}}});
  } else {
    session.out().line("Merge aborted; back at " + head.short_id());
  }
  return 0;
}

// "Merge branch 'x'" for a local branch, as git words it; "Merge 'x'" for other revisions.
std::string merge_message(Session& session, const Options& o) {
  std::string into = session.repository().current_branch();
  std::string what = "'" + o.revision + "'";
  for (const repo::BranchInfo& branch : session.repository().branches()) {
    if (branch.name == o.revision) {
      what = "branch " + what;
    }
  }
  return "Merge " + what +
         (into.empty() || into == "main" || into == "master" ? "" : " into " + into) + "\n";
}

int run(Session& session, const Options& o) {
  if (static_cast<int>(o.abort) + static_cast<int>(o.resume) + (o.revision.empty() ? 0 : 1) != 1) {
    throw Error(ErrorKind::usage, "give one of BRANCH, --continue or --abort");
  }
  if (o.resume) {
    return finish(session, o);
  }
  if (o.abort) {
    return abandon(session, o);
  }
  repo::Repository& repository = session.repository();
  repo::Revision revision = repository.resolve(o.revision);
  repo::MergeResult result = repository.merge(revision, o.revision, merge_message(session, o));
  return report_merge(session, result, o.revision, o.json);
}

}  // namespace

extern const CommandSpec k_cmd_merge{"merge", "Merge a branch into the current branch",
                                     Completes::revisions, Setup::workspace,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
