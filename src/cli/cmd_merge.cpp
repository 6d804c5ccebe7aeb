// promptctl merge BRANCH | --continue | --abort: bring another line of work in.
#include "cli/command.hpp"
#include "promptctl/address.hpp"
#include "promptctl/changes.hpp"

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

// The conflicted files, by prompt.
std::vector<PromptChange> conflicts_by_prompt(Session& session,
                                              const std::vector<std::string>& paths) {
  std::vector<repo::FileChange> files;
  for (const std::string& path : paths) {
    files.push_back({repo::ChangeKind::modified, path, ""});
  }
  return group_changes(files, repository_prefix(session.workspace(), session.repository()));
}

int report_conflicts(Session& session, const repo::MergeResult& result) {
  std::vector<PromptChange> conflicts = conflicts_by_prompt(session, result.conflicts);
  Output& out = session.out();
  if (options().json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PromptChange& conflict : conflicts) {
      list.push_back({{"name", conflict.name}, {"paths", conflict.paths}});
    }
    out.json({{"outcome", "conflicts"}, {"commit", result.commit_id}, {"conflicts", list}});
    return 1;
  }
  for (const PromptChange& conflict : conflicts) {
    out.line(out.paint("conflict  ", Style::red) + pad(conflict.name, 32) + " " +
             out.paint(conflict.paths.front(), Style::dim));
  }
  (void)out.flush();  // the list first, then the advice
  out.warn(
      "the merge stopped with conflicts: edit the files above to resolve them, then run "
      "'promptctl merge --continue' (or 'promptctl merge --abort' to give up)");
  return 1;
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
  if (result.outcome == repo::MergeOutcome::conflicts) {
    return report_conflicts(session, result);
  }
  Output& out = session.out();
  if (o.json) {
    out.json({{"outcome", to_string(result.outcome)},
              {"commit", result.commit_id},
              {"conflicts", nlohmann::json::array()}});
    return 0;
  }
  switch (result.outcome) {
    case repo::MergeOutcome::up_to_date:
      out.line("Already up to date.");
      break;
    case repo::MergeOutcome::fast_forward:
      out.line("Fast-forward to " + result.commit_id.substr(0, 7));
      break;
    default:
      out.line("Merged '" + o.revision + "': " + result.commit_id.substr(0, 7));
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_merge{"merge", "Merge a branch into the current branch",
                                     Completes::revisions, add_options, run};

}  // namespace promptctl::cli
