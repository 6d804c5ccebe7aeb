// Approvals and rejections, one JSON line each in a note on the commit they were given at.
// Notes under refs/notes/promptctl travel with push and fetch, and when both sides added lines
// they are merged line by line (repo/notes.hpp), so a decision is never one of several fields
// to reconcile.
#include <algorithm>

#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

std::string text_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

PromptVersionRef committed_version(Workspace& workspace, std::string_view argument) {
  PromptAddress address = parse_address(argument);
  bool from_head = address.revision.empty();
  PromptVersionRef version;
  version.prompt = address.name;
  version.resolved =
      resolve_prompt(workspace, address.name + "@" + (from_head ? "HEAD" : address.revision));
  version.revision = *version.resolved.revision;
  version.content = content_identity(version.resolved.source(), version.resolved.prompt).hash;
  if (from_head && workspace.exists(address.name) &&
      content_identity(workspace, address.name).hash != version.content) {
    throw Error(ErrorKind::invalid_input,
                "'" + address.name +
                    "' has uncommitted changes; only committed versions are "
                    "approved and deployed",
                {}, "commit them first, or name a version: " + address.name + "@REV");
  }
  return version;
}

nlohmann::json Decision::to_json() const {
  return {{"verdict", verdict == Verdict::approve ? "approve" : "reject"},
          {"prompt", prompt},
          {"content", content},
          {"commit", commit},
          {"stage", stage},
          {"name", name},
          {"email", email},
          {"time_ms", time_ms},
          {"comment", comment}};
}

std::string Decision::to_line() const {
  nlohmann::json line = to_json();
  line["type"] = "promptctl-decision";
  return line.dump();
}

std::optional<Decision> Decision::from_line(std::string_view line) {
  nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
  if (!object.is_object() || text_field(object, "type") != "promptctl-decision") {
    return std::nullopt;
  }
  Decision decision;
  std::string verdict = text_field(object, "verdict");
  if (verdict != "approve" && verdict != "reject") {
    return std::nullopt;
  }
  decision.verdict = verdict == "approve" ? Verdict::approve : Verdict::reject;
  decision.prompt = text_field(object, "prompt");
  decision.content = text_field(object, "content");
  decision.commit = text_field(object, "commit");
  decision.stage = text_field(object, "stage");
  decision.name = text_field(object, "name");
  decision.email = text_field(object, "email");
  decision.comment = text_field(object, "comment");
  if (auto it = object.find("time_ms"); it != object.end() && it->is_number_integer()) {
    decision.time_ms = it->get<std::int64_t>();
  }
  if (decision.prompt.empty() || decision.content.empty() || decision.stage.empty()) {
    return std::nullopt;
  }
  return decision;
}

ApprovalBook::ApprovalBook(const repo::Repository& repository) {
  for (const auto& [object, text] : repository.notes(k_approvals_ref)) {
    for (std::string_view line : util::split(text, '\n')) {
      if (util::trim(line).empty()) {
        continue;
      }
      if (auto decision = Decision::from_line(line)) {
        m_decisions.push_back(std::move(*decision));
      } else {
        ++m_foreign_lines;
      }
    }
  }
  std::stable_sort(m_decisions.begin(), m_decisions.end(),
                   [](const Decision& a, const Decision& b) { return a.time_ms < b.time_ms; });
}

std::vector<Decision> ApprovalBook::for_version(const std::string& prompt,
                                                const std::string& content) const {
  std::vector<Decision> out;
  for (const Decision& decision : m_decisions) {
    if (decision.prompt == prompt && decision.content == content) {
      out.push_back(decision);
    }
  }
  return out;
}

const char* to_string(StageState state) {
  switch (state) {
    case StageState::approved:
      return "approved";
    case StageState::rejected:
      return "rejected";
    case StageState::missing:
      return "missing";
  }
  return "missing";
}

nlohmann::json StageStatus::to_json() const {
  return {{"stage", stage},
          {"state", to_string(state)},
          {"decision", decision ? decision->to_json() : nlohmann::json(nullptr)},
          {"approvers", approvers}};
}

std::string StageStatus::describe() const {
  switch (state) {
    case StageState::approved:
      return stage + ": approved by " + decision->approver();
    case StageState::rejected:
      return stage + ": rejected by " + decision->approver() +
             (decision->comment.empty() ? "" : ": " + decision->comment);
    case StageState::missing:
      break;
  }
  std::string who;
  for (const std::string& pattern : approvers) {
    who += (who.empty() ? "" : ", ") + pattern;
  }
  return stage + ": missing (" + (who.empty() ? "anyone" : who) + " may approve)";
}

std::vector<StageStatus> evaluate_stages(const EnvironmentPolicy& policy,
                                         const std::vector<Decision>& decisions) {
  std::vector<StageStatus> out;
  for (const std::string& stage : policy.requires_stages) {
    StageStatus status;
    status.stage = stage;
    if (auto it = policy.approvers.find(stage); it != policy.approvers.end()) {
      status.approvers = it->second;
    }
    // Decisions are oldest first: the last one that counts here decides.
    for (const Decision& decision : decisions) {
      if (decision.stage == stage && policy.may_approve(stage, decision.email)) {
        status.state =
            decision.verdict == Verdict::approve ? StageState::approved : StageState::rejected;
        status.decision = decision;
      }
    }
    out.push_back(std::move(status));
  }
  return out;
}

bool all_approved(const std::vector<StageStatus>& stages) {
  return std::all_of(stages.begin(), stages.end(),
                     [](const StageStatus& s) { return s.state == StageState::approved; });
}

Decision record_decision(const Workspace& workspace, repo::Repository& repository,
                         const ApprovalBook& book, const PromptVersionRef& version, Verdict verdict,
                         const std::string& stage, const std::string& comment) {
  const Environments& environments = workspace.settings().environments;
  std::vector<std::string> stages = all_stages(environments);
  if (std::find(stages.begin(), stages.end(), stage) == stages.end()) {
    std::string known;
    for (const std::string& s : stages) {
      known += (known.empty() ? "" : ", ") + s;
    }
    throw Error(
        ErrorKind::not_found,
        "no environment requires a stage named '" + stage + "'" + util::did_you_mean(stage, stages),
        {}, known.empty() ? "promptctl.yaml declares no approval stages" : "stages: " + known);
  }
  if (verdict == Verdict::reject && util::trim(comment).empty()) {
    throw Error(ErrorKind::usage, "a rejection needs a reason: -m REASON");
  }
  repo::Identity who = repository.identities().first;
  std::string denied;
  bool allowed = false;
  for (const EnvironmentPolicy& policy : environments) {
    if (!policy.has_stage(stage)) {
      continue;
    }
    if (policy.may_approve(stage, who.email)) {
      allowed = true;
    } else {
      std::string patterns;
      for (const std::string& p : policy.approvers.at(stage)) {
        patterns += (patterns.empty() ? "" : ", ") + p;
      }
      denied += (denied.empty() ? "" : "; ") + policy.name + ": " + patterns;
    }
  }
  if (!allowed) {
    throw Error(ErrorKind::refused,
                who.email + " may not decide stage '" + stage + "' in any environment", {},
                "who may: " + denied);
  }
  // The same person repeating the latest decision on this stage changes nothing; deciding
  // again after someone else did (approving after a rejection) is a new decision.
  for (auto it = book.all().rbegin(); it != book.all().rend(); ++it) {
    if (it->prompt != version.prompt || it->content != version.content || it->stage != stage) {
      continue;
    }
    if (it->verdict == verdict && util::to_lower(it->email) == util::to_lower(who.email)) {
      throw Error(ErrorKind::already_exists,
                  who.email + " already " +
                      (verdict == Verdict::approve ? "approved" : "rejected") + " stage '" + stage +
                      "' of " + version.prompt + " (content " + short_hash(version.content) + ")");
    }
    break;
  }
  Decision decision;
  decision.verdict = verdict;
  decision.prompt = version.prompt;
  decision.content = version.content;
  decision.commit = version.revision.commit_id;
  decision.stage = stage;
  decision.name = who.name;
  decision.email = who.email;
  decision.time_ms = util::now_ms();
  decision.comment = comment;
  std::string word = verdict == Verdict::approve ? "Approve" : "Reject";
  repository.append_note(k_approvals_ref, decision.commit, decision.to_line(), who,
                         word + " " + stage + " of " + version.prompt + "\n");
  return decision;
}

std::vector<PendingApproval> pending_approvals(Workspace& workspace,
                                               const std::shared_ptr<repo::Repository>& repository,
                                               const ApprovalBook& book,
                                               const std::string& approver) {
  std::vector<PendingApproval> out;
  std::optional<repo::Revision> committed = head_if_any(*repository);
  if (!committed) {
    return out;  // nothing is committed, so nothing can be approved
  }
  const repo::Revision& head = *committed;
  std::string prefix = repository_prefix(workspace, *repository);
  PinFile pins = pins_at(*repository, head, prefix);
  RevisionSource source(repository, head, prefix);
  for (const std::string& name : prompt_names_at(*repository, head, prefix)) {
    std::string content = content_identity(source, name).hash;
    std::vector<Decision> decisions = book.for_version(name, content);
    for (const EnvironmentPolicy& policy : workspace.settings().environments) {
      const Pin* pin = pins.find(policy.name, name);
      if (policy.requires_stages.empty() || (pin && pin->content == content)) {
        continue;
      }
      PendingApproval pending{name, head.commit_id, content, policy.name, {}};
      for (StageStatus& status : evaluate_stages(policy, decisions)) {
        bool open = status.state != StageState::approved;
        if (!approver.empty()) {
          open = open && policy.may_approve(status.stage, approver) &&
                 std::none_of(decisions.begin(), decisions.end(), [&](const Decision& d) {
                   return d.stage == status.stage &&
                          util::to_lower(d.email) == util::to_lower(approver);
                 });
        }
        if (open) {
          pending.stages.push_back(std::move(status));
        }
      }
      if (!pending.stages.empty()) {
        out.push_back(std::move(pending));
      }
    }
  }
  return out;
}

}  // namespace promptctl
