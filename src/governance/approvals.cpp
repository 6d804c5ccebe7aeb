// Approvals and rejections, one JSON line each in a note on the commit they were given at.
// Notes under refs/notes/promptctl travel with push and fetch, and when both sides added lines
// they are merged line by line (repo/notes.hpp), so a decision is never one of several fields
// to reconcile.
#include <algorithm>

#include "governance/signatures.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"
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

namespace {

// The fields a signature covers, as the note line stores them.
nlohmann::json signed_fields(const Decision& decision) {
  return {{"type", "promptctl-decision"},
          {"verdict", decision.verdict == Verdict::approve ? "approve" : "reject"},
          {"prompt", decision.prompt},
          {"content", decision.content},
          {"commit", decision.commit},
          {"stage", decision.stage},
          {"name", decision.name},
          {"email", decision.email},
          {"time_ms", decision.time_ms},
          {"comment", decision.comment}};
}

}  // namespace

const char* to_string(SignatureState state) {
  switch (state) {
    case SignatureState::none:
      return "unsigned";
    case SignatureState::unchecked:
      return "unchecked";
    case SignatureState::verified:
      return "verified";
    case SignatureState::invalid:
      return "unverified";
  }
  return "unsigned";
}

std::string Decision::signed_payload() const {
  // nlohmann::json keeps keys sorted, so the same fields always give the same bytes.
  return "promptctl decision v1\n" + signed_fields(*this).dump() + "\n";
}

std::string Decision::describe_signature() const {
  switch (signature_state) {
    case SignatureState::verified:
      return "signed, verified";
    case SignatureState::invalid:
      return "signature does not verify: " + signature_problem;
    case SignatureState::none:
    case SignatureState::unchecked:
      break;
  }
  return "";
}

nlohmann::json Decision::to_json() const {
  // The vocabulary's names (promptctl-json(7)); the note line keeps the signed ones.
  return {{"verdict", verdict == Verdict::approve ? "approve" : "reject"},
          {"prompt", prompt},
          {"content_hash", content},
          {"commit", commit},
          {"stage", stage},
          {"decided_by", util::identity_json(name, email)},
          {"decided_at", util::format_utc_ms(time_ms)},
          {"comment", util::text_or_null(comment)},
          {"signature", to_string(signature_state)},
          {"signature_problem", util::text_or_null(signature_problem)}};
}

std::string Decision::to_line() const {
  nlohmann::json line = signed_fields(*this);
  if (!signature.empty()) {
    line["ssh_signature"] = signature;
  }
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
  decision.signature = text_field(object, "ssh_signature");
  decision.signature_state =
      decision.signature.empty() ? SignatureState::none : SignatureState::unchecked;
  if (auto it = object.find("time_ms"); it != object.end() && it->is_number_integer()) {
    decision.time_ms = it->get<std::int64_t>();
  }
  if (decision.prompt.empty() || decision.content.empty() || decision.stage.empty()) {
    return std::nullopt;
  }
  return decision;
}

ApprovalBook::ApprovalBook(const Workspace& workspace, const repo::Repository& repository)
    : m_allowed_signers(workspace.root() / workspace.settings().allowed_signers) {
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
      check_signature(out.back());
    }
  }
  return out;
}

void ApprovalBook::check_signature(Decision& decision) const {
  if (decision.signature.empty()) {
    decision.signature_state = SignatureState::none;
    return;
  }
  std::optional<std::string> problem =
      governance_detail::signature_problem(decision.signed_payload(), decision.signature,
                                           decision.email, m_allowed_signers, decision.time_ms);
  decision.signature_state = problem ? SignatureState::invalid : SignatureState::verified;
  decision.signature_problem = problem.value_or("");
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
          {"approvers", approvers},
          {"unsigned_decisions", unsigned_decisions}};
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
  std::string ignored;
  if (unsigned_decisions > 0) {
    ignored = "; " + std::to_string(unsigned_decisions) +
              (unsigned_decisions == 1 ? " decision does" : " decisions do") +
              " not count without a verified signature";
  }
  return stage + ": missing (" + (who.empty() ? "anyone" : who) + " may approve" + ignored + ")";
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
      if (decision.stage != stage || !policy.may_approve(stage, decision.email)) {
        continue;
      }
      if (policy.require_signed && decision.signature_state != SignatureState::verified) {
        ++status.unsigned_decisions;
        continue;
      }
      status.state =
          decision.verdict == Verdict::approve ? StageState::approved : StageState::rejected;
      status.decision = decision;
    }
    out.push_back(std::move(status));
  }
  return out;
}

bool all_approved(const std::vector<StageStatus>& stages) {
  return std::all_of(stages.begin(), stages.end(),
                     [](const StageStatus& s) { return s.state == StageState::approved; });
}

std::string default_signing_key(const repo::Repository& repository) {
  if (repository.config_value("gpg.format") != "ssh") {
    return "";
  }
  return repository.config_value("user.signingkey").value_or("");
}

Decision record_decision(const Workspace& workspace, repo::Repository& repository,
                         const ApprovalBook& book, const PromptVersionRef& version, Verdict verdict,
                         const std::string& stage, const std::string& comment,
                         const std::string& signing_key) {
  const Environments& environments = workspace.settings().environments;
  std::vector<std::string> stages = all_stages(environments);
  if (std::find(stages.begin(), stages.end(), stage) == stages.end()) {
    std::string known = util::join(stages, ", ");
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
    // Signing what was decided without a signature that verifies adds what the first lacked.
    bool adds_signature = false;
    if (!signing_key.empty()) {
      Decision earlier = *it;
      book.check_signature(earlier);
      adds_signature = earlier.signature_state != SignatureState::verified;
    }
    if (it->verdict == verdict && util::to_lower(it->email) == util::to_lower(who.email) &&
        !adds_signature) {
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
  if (!signing_key.empty()) {
    decision.signature = governance_detail::sign_payload(decision.signed_payload(), signing_key);
    book.check_signature(decision);
  }
  std::string word = verdict == Verdict::approve ? "Approve" : "Reject";
  repository.append_note(k_approvals_ref, decision.commit, decision.to_line(), who,
                         word + " " + stage + " of " + version.prompt + "\n");
  return decision;
}

namespace {

// The stages of one version still open under `policy`: not approved, and with `approver`, only
// those that person may approve and has not decided.
std::vector<StageStatus> open_stages(const EnvironmentPolicy& policy,
                                     const std::vector<Decision>& decisions,
                                     const std::string& approver) {
  std::vector<StageStatus> out;
  for (StageStatus& status : evaluate_stages(policy, decisions)) {
    bool open = status.state != StageState::approved;
    if (!approver.empty()) {
      open =
          open && policy.may_approve(status.stage, approver) &&
          std::none_of(decisions.begin(), decisions.end(), [&](const Decision& d) {
            return d.stage == status.stage && util::to_lower(d.email) == util::to_lower(approver);
          });
    }
    if (open) {
      out.push_back(std::move(status));
    }
  }
  return out;
}

}  // namespace

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
  for (const EnvironmentPolicy& policy : workspace.settings().environments) {
    if (policy.requires_stages.empty()) {
      continue;
    }
    if (auto it = pins.environments.find(policy.name); it != pins.environments.end()) {
      for (const auto& [name, pin] : it->second) {
        if (!pin.emergency) {
          continue;
        }
        PendingApproval pending{name, pin.commit, pin.content, policy.name, {}, true};
        pending.stages = open_stages(policy, book.for_version(name, pin.content), approver);
        if (!pending.stages.empty()) {
          out.push_back(std::move(pending));
        }
      }
    }
  }
  RevisionSource source(repository, head, prefix);
  std::optional<IdentityCache> identities;
  if (std::optional<std::filesystem::path> state = workspace.state_dir()) {
    identities.emplace(*state / "identities.json");
  }
  for (const std::string& name : prompt_names_at(*repository, head, prefix)) {
    std::string content =
        identities ? identities->identity(source, name).hash : content_identity(source, name).hash;
    std::vector<Decision> decisions = book.for_version(name, content);
    for (const EnvironmentPolicy& policy : workspace.settings().environments) {
      const Pin* pin = pins.find(policy.name, name);
      if (policy.requires_stages.empty() || (pin && pin->content == content)) {
        continue;  // an emergency pin of this content is listed above
      }
      PendingApproval pending{name, head.commit_id, content, policy.name, {}, false};
      pending.stages = open_stages(policy, decisions, approver);
      if (!pending.stages.empty()) {
        out.push_back(std::move(pending));
      }
    }
  }
  if (identities) {
    identities->save();
  }
  return out;
}

}  // namespace promptctl
