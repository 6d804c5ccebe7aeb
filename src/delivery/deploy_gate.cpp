// The deploy gate, shared by deploy, promote, rollback, guards and experiment promotion.
#include "promptctl/deploy_gate.hpp"

#include <chrono>

#include "promptctl/lineage.hpp"
#include "promptctl/policy.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"

namespace promptctl {
namespace {

// The target's own tests at its commit; refuses when any case does not pass.
TestSummary gate_on_tests(Workspace& workspace, const std::shared_ptr<repo::Repository>& repository,
                          const DeployPlan& plan, const DeployGate& gate) {
  TestSuite suite =
      load_test_suite(workspace, repository, plan.target.revision.commit_id, {plan.target.prompt});
  if (suite.prompts.empty() || suite.prompts.front().prompt.tests.empty()) {
    throw Error(ErrorKind::refused, plan.request.environment + " requires passing tests, and " +
                                        plan.target.prompt + " has none at " +
                                        plan.target.revision.short_id());
  }
  ExecutionState state = open_execution_state(workspace);
  TestRunner runner(state.providers, &state.cache, &state.ledger, state.spool);
  auto started = std::chrono::steady_clock::now();
  std::int64_t started_ms = util::now_ms();
  TestEvents events;
  events.on_progress = gate.on_test_progress;
  std::vector<CaseResult> results = runner.run(suite, repository.get(), TestRunOptions{}, events);
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

}  // namespace

DeployPlan plan_deploy_of(Workspace& workspace, const std::shared_ptr<repo::Repository>& repository,
                          const std::string& address, const DeployRequest& request) {
  (void)environment_named(workspace.settings().environments, request.environment);
  PromptVersionRef target = committed_version(workspace, address);
  return plan_deploy(workspace, repository, std::move(target), request,
                     ApprovalBook(workspace, *repository));
}

DeployOutcome carry_out_deploy(Workspace& workspace,
                               const std::shared_ptr<repo::Repository>& repository,
                               DeployPlan& plan, const DeployGate& gate) {
  DeployOutcome outcome;
  if (plan.unchanged) {
    return outcome;
  }
  require_deploy_branch(workspace, *repository);
  check_renders(plan.target);
  require_approvals(plan);
  require_deploy_role(plan, *repository);
  if (plan.needs_tests()) {
    outcome.tests = gate_on_tests(workspace, repository, plan, gate);
  }
  if (!gate.dry_run) {
    outcome.commit = apply_deploy(workspace, *repository, plan);
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
          {"reason", util::text_or_null(plan.request.reason)},
          {"deploy_commit",
           outcome.commit ? nlohmann::json(outcome.commit->commit_id) : nlohmann::json(nullptr)}};
}

}  // namespace promptctl
