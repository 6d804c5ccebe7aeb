#include "cli/deploying.hpp"

#include "promptctl/check.hpp"
#include "promptctl/history.hpp"

namespace promptctl::cli {
namespace {

const char* verb(DeployAction action, bool dry_run) {
  switch (action) {
    case DeployAction::promote:
      return dry_run ? "Would promote" : "Promoted";
    case DeployAction::rollback:
      return dry_run ? "Would roll back" : "Rolled back";
    case DeployAction::emergency_rollback:
      return dry_run ? "Would roll back (emergency)" : "Rolled back (emergency)";
    case DeployAction::auto_rollback:
      return dry_run ? "Would roll back automatically" : "Rolled back automatically";
    default:
      return dry_run ? "Would deploy" : "Deployed";
  }
}

}  // namespace

DeployPlan plan_address(Session& session, const std::string& address,
                        const DeployRequest& request) {
  return plan_deploy_of(session.workspace(), session.shared_repository(), address, request);
}

DeployOutcome carry_out(Session& session, DeployPlan& plan, bool dry_run) {
  PROMPTCTL_CHECK(session.setup() == Setup::ledger);  // the tests a policy asks for record runs
  DeployGate gate;
  gate.dry_run = dry_run;
  const Output& out = session.out();
  gate.on_test_progress = [&out](std::size_t done, std::size_t total) {
    out.progress("tests: " + std::to_string(done) + "/" + std::to_string(total));
  };
  DeployOutcome outcome =
      carry_out_deploy(session.workspace(), session.shared_repository(), plan, gate);
  out.end_progress();
  return outcome;
}

void print_deploy(const Output& out, const DeployPlan& plan, const DeployOutcome& outcome,
                  bool dry_run) {
  std::string version =
      plan.target.revision.short_id() + " (content " + short_hash(plan.target.content) + ")";
  if (plan.unchanged) {
    out.line(plan.request.environment + " already runs " + plan.target.prompt + " " + version +
             "; nothing to do");
    return;
  }
  std::string text = std::string(verb(plan.request.action, dry_run)) + " " +
                     out.paint(plan.target.prompt, Style::bold) + " in " +
                     plan.request.environment + " to " + version;
  if (plan.current) {
    text += ", from " + plan.current->commit.substr(0, 7);
  }
  if (outcome.commit) {
    text += ": commit " + outcome.commit->commit_id.substr(0, 7);
  }
  out.line(text);
  if (outcome.tests) {
    out.line("  tests: " + std::to_string(outcome.tests->passed) + " of " +
             std::to_string(outcome.tests->total) + " passed");
  }
  if (plan.skips_approvals()) {
    out.line("  approvals bypassed" +
             (plan.request.reason.empty() ? std::string() : ": " + plan.request.reason));
  }
}

void report_deploy(const Output& out, const DeployPlan& plan, const DeployOutcome& outcome,
                   bool dry_run, bool json) {
  if (json) {
    out.document(deploy_json(plan, outcome, dry_run));
  } else {
    print_deploy(out, plan, outcome, dry_run);
  }
}

void print_stages(const Output& out, const std::vector<StageStatus>& stages,
                  const std::string& indent) {
  for (const StageStatus& stage : stages) {
    Style style = stage.state == StageState::approved   ? Style::green
                  : stage.state == StageState::rejected ? Style::red
                                                        : Style::yellow;
    out.line(indent + out.paint(pad(to_string(stage.state), 9), style) + stage.describe());
  }
}

}  // namespace promptctl::cli
