// Governance: approvals recorded in git notes, deploys and rollbacks as commits of the pins
// file, guards over the ledger, and the audit trail. Nothing here prints.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/address.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/pins.hpp"
#include "promptctl/policy.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// The notes ref approvals live under; it travels with push, fetch and clone.
inline constexpr const char* k_approvals_ref = "refs/notes/promptctl";

/// A committed prompt version: what approvals and deploys name.
struct PromptVersionRef {
  std::string prompt;
  repo::Revision revision;
  std::string content;  ///< the content hash
  ResolvedPrompt resolved;
};

/// The version `argument` ("NAME", "NAME@REV", "NAME@ENV") names. NAME alone is HEAD's
/// version; throws `Error` (invalid_input) when the working tree's differs, since only
/// committed content can be approved or deployed. Throws as `resolve_prompt` does otherwise.
PromptVersionRef committed_version(Workspace& workspace, std::string_view argument);

enum class Verdict { approve, reject };

/// Whether a decision's signature shows who made it. `unchecked` until `ApprovalBook` has
/// checked it against the repository's allowed signers.
enum class SignatureState { none, unchecked, verified, invalid };
/// "unsigned", "unchecked", "verified", "unverified".
const char* to_string(SignatureState state);

/// One approval or rejection, as a line of a note on the commit it was given at.
struct Decision {
  Verdict verdict = Verdict::approve;
  std::string prompt;
  std::string content;
  std::string commit;
  std::string stage;
  std::string name;  ///< the approver's git identity
  std::string email;
  std::int64_t time_ms = 0;
  std::string comment;
  /// An armored SSH signature over `signed_payload()`, or "" for an unsigned decision.
  std::string signature;
  SignatureState signature_state = SignatureState::none;
  std::string signature_problem;  ///< why the signature did not verify

  [[nodiscard]] std::string approver() const { return name + " <" + email + ">"; }
  /// The bytes a signature covers: every field above but the signature, canonically.
  [[nodiscard]] std::string signed_payload() const;
  /// "signed, verified", "signature does not verify: why", or "" without a checked signature.
  [[nodiscard]] std::string describe_signature() const;
  /// The decision for output, with the signature's state rather than the signature.
  [[nodiscard]] nlohmann::json to_json() const;
  /// The note line: one JSON object, so that notes merged line by line stay readable.
  [[nodiscard]] std::string to_line() const;
  /// Nothing for a line that is not a promptctl decision.
  static std::optional<Decision> from_line(std::string_view line);
};

/// Every decision recorded in the repository, read once.
class ApprovalBook {
 public:
  /// Signatures are checked against the workspace's allowed signers file.
  ApprovalBook(const Workspace& workspace, const repo::Repository& repository);
  /// Decisions on one version, oldest first, their signatures checked.
  [[nodiscard]] std::vector<Decision> for_version(const std::string& prompt,
                                                  const std::string& content) const;
  /// Every decision, oldest first; signatures are left unchecked.
  [[nodiscard]] const std::vector<Decision>& all() const { return m_decisions; }
  /// Note lines that were not promptctl decisions (left alone).
  [[nodiscard]] std::size_t foreign_lines() const { return m_foreign_lines; }
  /// Sets `decision`'s signature state from its signature and the allowed signers file.
  void check_signature(Decision& decision) const;

 private:
  std::vector<Decision> m_decisions;
  std::size_t m_foreign_lines = 0;
  std::filesystem::path m_allowed_signers;
};

enum class StageState { approved, rejected, missing };
const char* to_string(StageState state);

/// Where one required stage stands for a version under one environment's policy: the latest
/// decision by someone allowed to make it counts.
struct StageStatus {
  std::string stage;
  StageState state = StageState::missing;
  std::optional<Decision> decision;
  std::vector<std::string> approvers;  ///< who may approve (empty: anyone)
  /// Decisions on this stage that did not count because the policy requires signatures and
  /// theirs were missing or did not verify.
  std::size_t unsigned_decisions = 0;

  [[nodiscard]] nlohmann::json to_json() const;
  /// "qa: missing (bob@example.com may approve)", "technical: rejected by A <a@x>: reason".
  [[nodiscard]] std::string describe() const;
};

/// The state of each stage `policy` requires, in its order, from one version's decisions.
std::vector<StageStatus> evaluate_stages(const EnvironmentPolicy& policy,
                                         const std::vector<Decision>& decisions);

/// Whether every stage is approved.
bool all_approved(const std::vector<StageStatus>& stages);

/// The key that signs decisions when none is named: git's `user.signingkey` when
/// `gpg.format` is `ssh`, as git signs with; "" otherwise.
std::string default_signing_key(const repo::Repository& repository);

/// Records an approval or rejection of `version` at `stage` by the git identity, signed with
/// `signing_key` (a key file) unless it is empty; the returned decision's signature is
/// checked. Throws
/// `Error`: not_found for a stage no environment requires; refused when the identity may not
/// decide that stage anywhere; already_exists when its latest decision there is the same;
/// usage for a rejection without a reason.
Decision record_decision(const Workspace& workspace, repo::Repository& repository,
                         const ApprovalBook& book, const PromptVersionRef& version, Verdict verdict,
                         const std::string& stage, const std::string& comment,
                         const std::string& signing_key = {});

/// A committed version that an environment would need approvals for.
struct PendingApproval {
  std::string prompt;
  std::string commit;
  std::string content;
  std::string environment;
  std::vector<StageStatus> stages;  ///< those not approved
  /// The environment pins this version already, deployed in an emergency without approvals.
  bool emergency = false;
};

/// Versions pinned in an emergency that still lack approvals, first; then HEAD's versions
/// that differ from what an environment pins and lack approvals there. With
/// `approver` (an e-mail address), only stages that person may approve and has not decided.
std::vector<PendingApproval> pending_approvals(Workspace& workspace,
                                               const std::shared_ptr<repo::Repository>& repository,
                                               const ApprovalBook& book,
                                               const std::string& approver);

// ---- deploys --------------------------------------------------------------------------------

enum class DeployAction { deploy, promote, rollback, emergency_rollback, auto_rollback, edit };
const char* to_string(DeployAction action);

struct DeployRequest {
  std::string environment;
  DeployAction action = DeployAction::deploy;
  std::string message;  ///< added to the commit message
  std::string reason;   ///< why, for rollbacks
  /// The SSH key that signs the deploy commit as git signs commits; "" leaves it unsigned.
  std::string signing_key;
};

/// What a deploy would do, worked out before anything is written.
struct DeployPlan {
  DeployRequest request;
  const EnvironmentPolicy* policy = nullptr;
  PromptVersionRef target;
  std::optional<Pin> current;
  std::vector<StageStatus> stages;
  /// An emergency or automatic rollback, or an environment that approves automatically.
  bool bypasses_approvals = false;
  /// The environment already pins this content (not by an emergency).
  bool unchanged = false;

  /// What is missing for the deploy to go ahead ("qa: missing (…)"); empty when nothing is.
  [[nodiscard]] std::vector<std::string> missing() const;
  /// Whether this deploy goes ahead without approvals its environment requires: an emergency
  /// or automatic rollback to content some required stage has not approved. Only such a pin
  /// is marked emergency.
  [[nodiscard]] bool skips_approvals() const;
  /// Whether the policy wants the tests run first (never for automatic rollbacks).
  [[nodiscard]] bool needs_tests() const;
};

DeployPlan plan_deploy(Workspace& workspace, const std::shared_ptr<repo::Repository>& repository,
                       PromptVersionRef target, const DeployRequest& request,
                       const ApprovalBook& book);

/// Throws `Error` (refused) listing exactly what is missing, unless the plan bypasses
/// approvals or nothing is.
void require_approvals(const DeployPlan& plan);

/// Throws `Error` (refused) when the committer may not make this deploy under the
/// environment's `deployers` and `emergency_deployers`, or the environment requires signed
/// deploys (`require_signed` with deployers named) and the plan has no signing key.
void require_deploy_role(const DeployPlan& plan, const repo::Repository& repository);

/// The branch that pins are committed to: `deploy_branch` from promptctl.yaml, else the
/// repository's default branch, else (a repository with none of those names) the current one.
std::string deploy_branch(const Workspace& workspace, const repo::Repository& repository);

/// Throws `Error` (refused) unless HEAD is on the deploy branch: a pin committed elsewhere
/// would not be seen from the branch that everyone deploys from.
void require_deploy_branch(const Workspace& workspace, const repo::Repository& repository);

/// Checks that the target renders: with no inputs leniently (its partials exist and do not
/// loop) and strictly with each test case's own variables. Throws `Error` (invalid_input).
void check_renders(PromptVersionRef& target);

/// Commits the plan's pin: the pins file is rewritten atomically and committed alone, leaving
/// anything else staged as it was. Deploys are serialised by a lock under the git directory,
/// and each reads the pins afresh under it, so concurrent deploys of different pins both land.
/// Nothing when a concurrent deploy pinned the same version meanwhile. Throws `Error`: refused
/// when the pin moved elsewhere since the plan was made or the pins file has uncommitted
/// changes, git when HEAD moved meanwhile (the file is put back then).
std::optional<repo::CommitResult> apply_deploy(Workspace& workspace, repo::Repository& repository,
                                               const DeployPlan& plan);

/// One change of one pin, from the pins file's history.
struct PinChange {
  repo::CommitInfo commit;
  std::string environment;
  std::string prompt;
  std::optional<Pin> before;
  std::optional<Pin> after;  ///< nothing when the pin was removed
  DeployAction action = DeployAction::edit;
  std::string reason;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// Pin changes reachable from HEAD, newest first, for one prompt and environment when given.
std::vector<PinChange> pin_history(const Workspace& workspace, const repo::Repository& repository,
                                   const std::string& prompt, const std::string& environment);

/// The pin a rollback returns to: deploys stack up, rollbacks take them off again, so
/// rolling back twice goes back two deploys. Nothing when there is no earlier deploy.
std::optional<Pin> rollback_target(const std::vector<PinChange>& history_newest_first);

// ---- guard ----------------------------------------------------------------------------------

/// A pin's health over the guard window.
struct GuardReport {
  std::string prompt;
  Pin pin;
  /// Runs answered by the provider: cache hits (counted in `cached`) and runs that failed
  /// before sending anything say nothing about the pinned version's health.
  std::int64_t runs = 0;
  std::int64_t cached = 0;
  double success_rate = 0;
  double p95_ms = 0;
  std::optional<double> cost_per_run;  ///< over the runs with a known cost
  bool enough_runs = false;
  std::vector<std::string> breaches;  ///< "success rate 0.80 below 0.95", …

  [[nodiscard]] nlohmann::json to_json() const;
};

/// The health of every pin of `environment` (or only `prompts`) from the ledger runs in that
/// environment of the pinned content since `now_ms - thresholds.window_seconds`.
std::vector<GuardReport> guard_environment(const PinFile& pins, const std::string& environment,
                                           const std::vector<std::string>& prompts,
                                           const GuardThresholds& thresholds, const Ledger& ledger,
                                           std::int64_t now_ms);

// ---- check, export, audit -------------------------------------------------------------------

/// One pin checked against its environment's policy.
struct PinCheck {
  std::string environment;
  std::string prompt;
  Pin pin;
  std::vector<std::string> problems;  ///< empty: the pin is sound
  bool emergency = false;             ///< sound only because it bypassed approvals

  [[nodiscard]] nlohmann::json to_json() const;
};

/// A change to the approval notes that took a decision away: the history of refs/notes/promptctl
/// only ever grows (decisions are added and notes merged line by line), so a removed or
/// rewritten line is tampering, or a mistake to look into.
struct NotesTampering {
  std::string commit;   ///< the notes commit that lost the line
  repo::Identity who;   ///< who made that commit
  std::string removed;  ///< the decision that is gone, described
  [[nodiscard]] nlohmann::json to_json() const;
  /// "notes commit 1a2b3c4 by A <a@x> removed or rewrote: approve qa of hello by q@x".
  [[nodiscard]] std::string describe() const;
};

/// Every decision that a commit in the history of the approval notes removed or rewrote.
std::vector<NotesTampering> check_notes_history(const repo::Repository& repository);

/// Checks every pin in `pins`: the environment is declared, the commit exists and holds the
/// prompt with that content, and the approvals its policy requires are present for that
/// content. Where the policy names deployers, the commit in HEAD's history that set the pin
/// was made by one of them, and signed by a key the allowed signers file gives them where
/// signatures are required. `source_path` names the file in messages.
std::vector<PinCheck> check_pins(Workspace& workspace,
                                 const std::shared_ptr<repo::Repository>& repository,
                                 const PinFile& pins, const ApprovalBook& book);

/// One JSON bundle of every prompt `environment` pins: message templates with the partials
/// they use, the variables as a JSON Schema, model settings and version ids.
nlohmann::json export_environment(Workspace& workspace,
                                  const std::shared_ptr<repo::Repository>& repository,
                                  const std::string& environment);

/// Something that happened to a prompt, for the audit trail.
struct AuditEvent {
  std::int64_t time = 0;  ///< seconds since the epoch
  std::string prompt;
  std::string action;  ///< created, changed, renamed, deleted, approved, rejected, released,
                       ///< deployed, promoted, rolled-back, …, ran
  std::string who;
  std::string revision;  ///< a commit, tag or content hash, as fits
  std::string environment;
  std::string detail;  ///< a stage, reason, comment or count

  [[nodiscard]] nlohmann::json to_json() const;
};

/// The audit trail, newest first, from the git history of the prompts, the approval notes,
/// the pins file's history, release tags and (when given) the ledger's runs per environment.
/// `prompt` empty: every prompt.
std::vector<AuditEvent> audit_trail(const Workspace& workspace,
                                    const std::shared_ptr<repo::Repository>& repository,
                                    const std::string& prompt, std::optional<std::int64_t> since,
                                    const Ledger* ledger);

}  // namespace promptctl
