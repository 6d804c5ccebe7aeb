// The deploy gate: what stands between a deploy plan and its commit (the deploy branch, renders,
// approvals, the deployer's role and, when the policy asks, the target's tests), and the JSON
// of its outcome. Every front end deploys, promotes and rolls back through these calls.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "promptctl/governance.hpp"
#include "promptctl/testing.hpp"

namespace promptctl {

/// The result of carrying out one plan.
struct DeployOutcome {
  std::optional<repo::CommitResult> commit;  ///< nothing for a dry run or no change
  std::optional<TestSummary> tests;          ///< when the policy ran them
};

/// How to carry out a plan.
struct DeployGate {
  bool dry_run = false;  ///< check everything, commit nothing
  /// Called as the target's tests finish, with how many are done out of how many.
  std::function<void(std::size_t, std::size_t)> on_test_progress;
};

/// The plan for deploying the committed version `address` names ("NAME", "NAME@REV",
/// "NAME@ENV") under `request`: the environment is checked before the version is loaded, and
/// the approvals are read from the repository.
DeployPlan plan_deploy_of(Workspace& workspace, const std::shared_ptr<repo::Repository>& repository,
                          const std::string& address, const DeployRequest& request);

/// Checks the plan (deploy branch, renders, approvals unless bypassed, role, and tests when the
/// policy wants them; tests open the repository's ledger and cache) and, unless a dry run,
/// commits it. Throws `Error` (refused) naming what stands in the way.
DeployOutcome carry_out_deploy(Workspace& workspace,
                               const std::shared_ptr<repo::Repository>& repository,
                               DeployPlan& plan, const DeployGate& gate);

/// The plan and its outcome, as `--json` gives them.
nlohmann::json deploy_json(const DeployPlan& plan, const DeployOutcome& outcome, bool dry_run);

}  // namespace promptctl
