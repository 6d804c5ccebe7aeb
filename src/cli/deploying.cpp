#include "cli/deploying.hpp"

#include <chrono>

#include "cli/execution.hpp"
#include "promptctl/history.hpp"
#include "promptctl/testing.hpp"
#include "util/dates.hpp"

namespace promptctl::cli {
namespace {

// The target's own tests at its commit; refuses when any case does not pass.
TestSummary gate_on_tests(Session& session, const DeployPlan& plan) {
  TestSuite suite = load_test_suite(session.workspace(), session.shared_repository(),
                                    plan.target.revision.commit_id, {plan.target.prompt});
  if (suite.prompts.empty() || suite.prompts.front().prompt.tests.empty()) {
    throw Error(ErrorKind::refused, plan.request.environment + " requires passing tests, and " +
                                        plan.target.prompt + " has none at " +
                                        plan.target.revision.short_id());
  }
  ExecutionState state = open_execution_state(session);
  TestRunner runner(state.providers, &state.cache, &state.ledger);
  auto started = std::chrono::steady_clock::now();
  std::int64_t started_ms = util::now_ms();
  TestEvents events;
  events.on_progress = [&](std::size_t done, std::size_t total) {
    session.out().progress("tests: " + std::to_string(done) + "/" + std::to_string(total));
  };
  std::vector<CaseResult> results =
      runner.run(suite, &session.repository(), TestRunOptions{}, events);
  session.out().end_progress();
  TestSummary summary = summarize(
      results, started_ms,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count());
  std::vector<Diagnostic> failures;
  for (const CaseResult& result : results) {
    if (result.status != CaseStatus::pass) {
      failures.push_back({Severity::error,
                          {result.file, result.line, 0},
                          result.title(false) + ": " + std::string(to_string(result.status)),
                          "test"});
    }
  }
  if (!failures.empty()) {
    throw Error(
        ErrorKind::refused,
        std::to_string(failures.size()) + " of " + std::to_string(results.size()) +
            " test cases of " + plan.target.prompt + " did not pass; " + plan.request.environment +
            " requires passing tests",
        {},
        "see 'promptctl test " + plan.target.prompt + "@" + plan.target.revision.short_id() + "'")
        .with_details(failures);
  }
  return summary;
}

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
  Workspace& workspace = session.workspace();
  (void)environment_named(workspace.settings().environments, request.environment);
  PromptVersionRef target = committed_version(workspace, address);
  auto repository = session.shared_repository();
  return plan_deploy(workspace, repository, std::move(target), request,
                     ApprovalBook(workspace, *repository));
}

DeployOutcome carry_out(Session& session, DeployPlan& plan, bool dry_run) {
  DeployOutcome outcome;
  if (plan.unchanged) {
    return outcome;
  }
  require_deploy_branch(session.workspace(), session.repository());
  check_renders(plan.target);
  require_approvals(plan);
  require_deploy_role(plan, session.repository());
  if (plan.needs_tests()) {
    outcome.tests = gate_on_tests(session, plan);
  }
  if (!dry_run) {
    outcome.commit = apply_deploy(session.workspace(), session.repository(), plan);
    plan.unchanged = !outcome.commit;
  }
  return outcome;
}

nlohmann::json deploy_json(const DeployPlan& plan, const DeployOutcome& outcome, bool dry_run) {
  nlohmann::json stages = nlohmann::json::array();
  for (const StageStatus& stage : plan.stages) {
    stages.push_back(stage.to_json());
  }
  nlohmann::json tests = nullptr;
  if (outcome.tests) {
    tests = {{"total", outcome.tests->total},
             {"passed", outcome.tests->passed},
             {"failed", outcome.tests->failed},
             {"errors", outcome.tests->errors}};
  }
  return {{"action", to_string(plan.request.action)},
          {"environment", plan.request.environment},
          {"prompt", plan.target.prompt},
          {"commit", plan.target.revision.commit_id},
          {"content_hash", plan.target.content},
          {"previous", plan.current ? plan.current->to_json() : nlohmann::json(nullptr)},
          {"unchanged", plan.unchanged},
          {"dry_run", dry_run},
          {"approvals_bypassed", plan.skips_approvals()},
          {"approvals", stages},
          {"tests", tests},
          {"reason", plan.request.reason},
          {"deploy_commit",
           outcome.commit ? nlohmann::json(outcome.commit->commit_id) : nlohmann::json(nullptr)}};
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
    out.json(deploy_json(plan, outcome, dry_run));
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
