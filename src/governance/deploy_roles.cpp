// Who may move a pin: the environment's deployers, checked when a deploy is made and again,
// from the commit that set each pin and its signature, when `check` reads the pins.
#include "governance/deploy_roles.hpp"

#include "governance/signatures.hpp"
#include "promptctl/governance.hpp"
#include "util/dates.hpp"

namespace promptctl {
namespace {

bool is_emergency(const DeployPlan& plan) {
  return plan.request.action == DeployAction::emergency_rollback || plan.skips_approvals();
}

std::string who(const repo::Identity& identity) {
  return identity.name + " <" + identity.email + ">";
}

std::string setting_for(const EnvironmentPolicy& policy, bool emergency) {
  return "environments." + policy.name +
         (emergency && !policy.emergency_deployers.empty() ? ".emergency_deployers" : ".deployers");
}

}  // namespace

void require_deploy_role(const DeployPlan& plan, const repo::Repository& repository) {
  if (!plan.policy || !plan.policy->has_deployers()) {
    return;
  }
  const EnvironmentPolicy& policy = *plan.policy;
  repo::Identity committer = repository.identities().second;
  bool emergency = is_emergency(plan);
  if (!policy.may_deploy(committer.email, emergency)) {
    throw Error(ErrorKind::refused,
                who(committer) + " may not " +
                    (emergency ? "move a pin past missing approvals" : "deploy") + " in " +
                    policy.name,
                {}, "promptctl.yaml's '" + setting_for(policy, emergency) + "' says who may");
  }
  if (policy.require_signed && plan.request.signing_key.empty()) {
    throw Error(ErrorKind::refused, policy.name + " requires signed deploys", {},
                "sign with --signing-key FILE, or set git's gpg.format=ssh and user.signingkey");
  }
}

namespace governance_detail {

repo::CommitSigner deploy_signer(const std::string& key, const repo::Identity& committer,
                                 const EnvironmentPolicy* policy,
                                 const std::filesystem::path& allowed_signers) {
  if (key.empty()) {
    return {};
  }
  return [=](const std::string& text) {
    std::string signature = sign_payload(text, key, k_commit_namespace);
    // Where signatures count, a deploy that `check` would reject is not made at all.
    if (policy && policy->require_signed && policy->has_deployers()) {
      std::int64_t time_ms = committer.time ? committer.time * 1000 : util::now_ms();
      if (auto problem = signature_problem(text, signature, committer.email, allowed_signers,
                                           time_ms, k_commit_namespace)) {
        throw Error(ErrorKind::refused,
                    "the deploy commit's signature does not verify: " + *problem);
      }
    }
    return signature;
  };
}

std::vector<std::string> deploy_commit_problems(const Workspace& workspace,
                                                const repo::Repository& repository,
                                                const EnvironmentPolicy& policy,
                                                const std::string& prompt, const Pin& pin) {
  std::vector<PinChange> history = pin_history(workspace, repository, prompt, policy.name);
  if (history.empty() || !history.front().after || !history.front().after->same_version(pin)) {
    return {"no commit in HEAD's history set this pin, so who set it cannot be checked"};
  }
  const repo::CommitInfo& commit = history.front().commit;
  std::string set_by = "set by commit " + commit.id.substr(0, 7) + " of " + who(commit.committer);
  std::vector<std::string> problems;
  if (!policy.may_deploy(commit.committer.email, pin.emergency)) {
    problems.push_back(set_by + ", who may not deploy here ('" +
                       setting_for(policy, pin.emergency) + "')");
  }
  if (policy.require_signed) {
    std::optional<repo::CommitSignature> signature = repository.commit_signature(commit.id);
    std::filesystem::path signers = workspace.root() / workspace.settings().allowed_signers;
    if (!signature) {
      problems.push_back(set_by + ", which is not signed; " + policy.name +
                         " requires signed deploys");
    } else if (auto problem = signature_problem(signature->signed_text, signature->signature,
                                                commit.committer.email, signers,
                                                commit.committer.time * 1000, k_commit_namespace)) {
      problems.push_back(set_by + ", whose signature does not verify: " + *problem);
    }
  }
  return problems;
}

}  // namespace governance_detail
}  // namespace promptctl
