// What deploy, promote, rollback and guard share: gating a plan on its policy, committing it,
// and reporting the outcome.
#pragma once

#include "cli/command.hpp"
#include "promptctl/deploy_gate.hpp"

namespace promptctl::cli {

/// `plan_deploy_of` in the session's repository.
DeployPlan plan_address(Session& session, const std::string& address, const DeployRequest& request);

/// `carry_out_deploy`, showing the tests' progress at a terminal.
DeployOutcome carry_out(Session& session, DeployPlan& plan, bool dry_run);

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
