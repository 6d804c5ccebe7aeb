// What deploy, promote, rollback and guard share: gating a plan on its policy, committing it,
// and reporting the outcome.
#pragma once

#include "cli/command.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/testing.hpp"

namespace promptctl::cli {

/// The result of carrying out one plan.
struct DeployOutcome {
  std::optional<repo::CommitResult> commit;  ///< nothing for a dry run or no change
  std::optional<TestSummary> tests;          ///< when the policy ran them
};

/// The plan for deploying the committed version `address` names ("NAME", "NAME@REV",
/// "NAME@ENV") under `request`: the environment is checked before the version is loaded, and
/// the approvals are read from the repository.
DeployPlan plan_address(Session& session, const std::string& address, const DeployRequest& request);

/// Checks the plan (renders, approvals unless bypassed, tests when the policy wants them)
/// and, unless `dry_run`, commits it. Throws `Error` (refused) naming what stands in the way.
DeployOutcome carry_out(Session& session, DeployPlan& plan, bool dry_run);

/// The plan and its outcome, as --json prints them.
nlohmann::json deploy_json(const DeployPlan& plan, const DeployOutcome& outcome, bool dry_run);

/// One line saying what happened ("Deployed …", "Would roll back …").
void print_deploy(const Output& out, const DeployPlan& plan, const DeployOutcome& outcome,
                  bool dry_run);

/// The outcome as JSON, or as a line of text.
void report_deploy(const Output& out, const DeployPlan& plan, const DeployOutcome& outcome,
                   bool dry_run, bool json);

/// Stage statuses as an aligned list, each marked approved, rejected or missing.
void print_stages(const Output& out, const std::vector<StageStatus>& stages,
                  const std::string& indent);

}  // namespace promptctl::cli
