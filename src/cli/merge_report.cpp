#include "cli/merge_report.hpp"

#include "promptctl/address.hpp"
#include "promptctl/changes.hpp"

namespace promptctl::cli {

namespace {

// The conflicted files, by prompt.
std::vector<PromptChange> conflicts_by_prompt(Session& session,
                                              const std::vector<std::string>& paths) {
  std::vector<repo::FileChange> files;
  for (const std::string& path : paths) {
    files.push_back({repo::ChangeKind::modified, path, ""});
  }
  return group_changes(files, repository_prefix(session.workspace(), session.repository()));
}

void print_outcome(const Output& out, const repo::MergeResult& result, const std::string& merged) {
  switch (result.outcome) {
    case repo::MergeOutcome::up_to_date:
      out.line("Already up to date.");
      break;
    case repo::MergeOutcome::fast_forward:
      out.line("Fast-forward to " + result.commit_id.substr(0, 7));
      break;
    default:
      out.line("Merged '" + merged + "': " + result.commit_id.substr(0, 7));
  }
}

void print_conflicts(const Output& out, const std::vector<PromptChange>& conflicts) {
  for (const PromptChange& conflict : conflicts) {
    out.line(out.paint("conflict  ", Style::red) + pad(conflict.name, 32) + " " +
             out.paint(conflict.paths.front(), Style::dim));
  }
  (void)out.flush();  // the list first, then the advice
  out.warn(
      "the merge stopped with conflicts: edit the files above to resolve them, then run "
      "'promptctl merge --continue' (or 'promptctl merge --abort' to give up)");
}

}  // namespace

int report_merge(Session& session, const repo::MergeResult& result, const std::string& merged,
                 bool json, nlohmann::json extra) {
  bool stopped = result.outcome == repo::MergeOutcome::conflicts;
  std::vector<PromptChange> conflicts =
      stopped ? conflicts_by_prompt(session, result.conflicts) : std::vector<PromptChange>();
  Output& out = session.out();
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PromptChange& conflict : conflicts) {
      list.push_back({{"name", conflict.name}, {"paths", conflict.paths}});
    }
    extra["outcome"] = to_string(result.outcome);
    extra["commit"] = result.commit_id;
    extra["conflicts"] = list;
    out.document(extra);
  } else if (stopped) {
    print_conflicts(out, conflicts);
  } else {
    print_outcome(out, result, merged);
  }
  return stopped ? 1 : 0;
}

void add_remote_arguments(CLI::App& sub, std::string& remote, bool& json) {
  sub.add_option("REMOTE", remote,
                 "The remote (default: the current branch's upstream, else 'origin')");
  sub.add_flag("--json", json, "Print the result as JSON");
}

std::string chosen_remote(Session& session, const std::string& remote) {
  return remote.empty() ? session.repository().default_remote() : remote;
}

}  // namespace promptctl::cli
