// The audit trail: who changed, approved, released, deployed and rolled back what, and when,
// gathered from the commits, the approval notes, the pins file, release tags and the ledger.
#include <algorithm>
#include <map>
#include <tuple>

#include "promptctl/changes.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

std::string who_of(const repo::Identity& identity) {
  return identity.name + " <" + identity.email + ">";
}

const char* change_action(repo::ChangeKind kind) {
  switch (kind) {
    case repo::ChangeKind::added:
      return "created";
    case repo::ChangeKind::deleted:
      return "deleted";
    case repo::ChangeKind::renamed:
      return "renamed";
    default:
      return "changed";
  }
}

struct Gatherer {
  const std::string& prompt;
  std::optional<std::int64_t> since;
  std::vector<AuditEvent> events;

  bool wants(const std::string& name, std::int64_t time) const {
    return (prompt.empty() || name == prompt) && (!since || time >= *since);
  }
  void add(AuditEvent event) {
    if (wants(event.prompt, event.time)) {
      events.push_back(std::move(event));
    }
  }
};

// One prompt's changes come from its file's history (renames followed), which compares tree
// entries instead of diffing every commit.
void add_prompt_commits(Gatherer& out, const Workspace& workspace,
                        const std::shared_ptr<repo::Repository>& repository,
                        const repo::Revision& head) {
  std::vector<PromptVersion> versions = prompt_history(workspace, repository, head, out.prompt);
  for (size_t i = 0; i < versions.size(); ++i) {
    const PromptVersion& version = versions[i];
    const repo::CommitInfo& commit = version.change.commit;
    bool first = i + 1 == versions.size();
    repo::ChangeKind kind = first ? repo::ChangeKind::added : version.change.kind;
    AuditEvent event{commit.author.time, out.prompt, change_action(kind), who_of(commit.author),
                     commit.id,          "",         commit.summary};
    if (kind == repo::ChangeKind::renamed) {
      event.detail = "from " + version.old_name + ": " + commit.summary;
    }
    out.add(std::move(event));
  }
}

void add_commits(Gatherer& out, const Workspace& workspace,
                 const std::shared_ptr<repo::Repository>& repository, const repo::Revision& head) {
  if (!out.prompt.empty()) {
    add_prompt_commits(out, workspace, repository, head);
    return;
  }
  std::string prefix = repository_prefix(workspace, *repository);
  for (const repo::CommitInfo& commit : repository->log(head)) {
    if (out.since && commit.author.time < *out.since) {
      break;  // the log is newest first
    }
    std::vector<repo::FileChange> files;
    repo::Revision at{commit.id, commit.id};
    if (commit.parents.empty()) {
      for (const std::string& path : repository->list_files(at, prefix + "prompts/")) {
        files.push_back({repo::ChangeKind::added, path, {}});
      }
    } else {
      repo::Revision parent{commit.parents.front(), commit.parents.front()};
      files = repository->diff_files(parent, at, {prefix + Workspace::k_prompts_dir});
    }
    for (const PromptChange& change : group_changes(files, prefix)) {
      if (change.subject != Subject::prompt) {
        continue;
      }
      AuditEvent event{commit.author.time,    change.name, change_action(change.kind),
                       who_of(commit.author), commit.id,   "",
                       commit.summary};
      if (change.kind == repo::ChangeKind::renamed) {
        event.detail = "from " + change.old_name + ": " + commit.summary;
      }
      out.add(std::move(event));
    }
  }
}

void add_decisions(Gatherer& out, const ApprovalBook& book) {
  for (const Decision& decision : book.all()) {
    std::string detail = "stage " + decision.stage;
    if (!decision.comment.empty()) {
      detail += ": " + decision.comment;
    }
    out.add({decision.time_ms / 1000, decision.prompt,
             decision.verdict == Verdict::approve ? "approved" : "rejected", decision.approver(),
             decision.content, "", detail});
  }
}

void add_deploys(Gatherer& out, const Workspace& workspace, const repo::Repository& repository) {
  static const std::map<DeployAction, const char*> words = {
      {DeployAction::deploy, "deployed"},
      {DeployAction::promote, "promoted"},
      {DeployAction::rollback, "rolled-back"},
      {DeployAction::emergency_rollback, "emergency-rolled-back"},
      {DeployAction::auto_rollback, "auto-rolled-back"},
      {DeployAction::edit, "pin-edited"}};
  for (const PinChange& change : pin_history(workspace, repository, out.prompt, "")) {
    std::string detail = change.reason;
    if (change.before) {
      detail = "from " + change.before->commit.substr(0, 7) + (detail.empty() ? "" : ": ") + detail;
    }
    out.add({change.commit.author.time, change.prompt,
             change.after ? words.at(change.action) : "undeployed", who_of(change.commit.author),
             change.after ? change.after->commit : change.commit.id, change.environment, detail});
  }
}

void add_releases(Gatherer& out, const repo::Repository& repository) {
  for (const repo::TagInfo& tag : repository.tags(out.prompt.empty() ? "*@*" : out.prompt + "@*")) {
    size_t at = tag.name.rfind('@');
    std::int64_t time = tag.tagger ? tag.tagger->time : 0;
    out.add({time, tag.name.substr(0, at), "released", tag.tagger ? who_of(*tag.tagger) : "",
             tag.name, "", tag.name.substr(at + 1)});
  }
}

// One event per prompt version that ran in a declared environment: how often, and until when.
void add_runs(Gatherer& out, const Workspace& workspace, const Ledger& ledger) {
  for (const EnvironmentPolicy& policy : workspace.settings().environments) {
    RunFilter filter;
    filter.prompt = out.prompt;
    filter.environment = policy.name;
    if (out.since) {
      filter.since_ms = *out.since * 1000;
    }
    std::map<std::pair<std::string, std::string>,
             std::tuple<std::int64_t, std::int64_t, std::int64_t>>
        tally;  // (prompt, content) -> runs, errors, last start
    for (const RunRecord& run : ledger.runs(filter)) {
      auto& [count, errors, last] = tally[{run.prompt, run.content_hash}];
      ++count;
      errors += run.status == "ok" ? 0 : 1;
      last = std::max(last, run.started_ms);
    }
    for (const auto& [key, figures] : tally) {
      const auto& [count, errors, last] = figures;
      out.add({last / 1000, key.first, "ran", "", key.second, policy.name,
               util::counted(count, "run") + ", " + std::to_string(errors) + " failed"});
    }
  }
}

}  // namespace

nlohmann::json AuditEvent::to_json() const {
  return {{"occurred_at", util::format_utc(time)},
          {"prompt", prompt},
          {"action", action},
          {"actor", util::identity_json(who)},
          {"target", util::text_or_null(revision)},
          {"environment", util::text_or_null(environment)},
          {"detail", util::text_or_null(detail)}};
}

std::vector<AuditEvent> audit_trail(const Workspace& workspace,
                                    const std::shared_ptr<repo::Repository>& repository,
                                    const std::string& prompt, std::optional<std::int64_t> since,
                                    const Ledger* ledger) {
  Gatherer out{prompt, since, {}};
  std::optional<repo::Revision> head = head_if_any(*repository);
  if (!head) {
    return {};
  }
  add_commits(out, workspace, repository, *head);
  add_decisions(out, ApprovalBook(workspace, *repository));
  add_deploys(out, workspace, *repository);
  add_releases(out, *repository);
  if (ledger) {
    add_runs(out, workspace, *ledger);
  }
  std::stable_sort(out.events.begin(), out.events.end(),
                   [](const AuditEvent& a, const AuditEvent& b) { return a.time > b.time; });
  return out.events;
}

}  // namespace promptctl
