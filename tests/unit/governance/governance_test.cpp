// Governance pieces without a repository: policy parsing and who may approve, the pins file,
// stage evaluation, the rollback stack and the guard's judgement over a real ledger file.
#include <gtest/gtest.h>

#include "promptctl/governance.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;

namespace {

RepoSettings settings_of(const std::string& text, std::vector<Diagnostic>& diagnostics) {
  return parse_settings(text, "promptctl.yaml", diagnostics);
}

std::string messages(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics)
    out += d.to_string() + "\n";
  return out;
}

TEST(Policy, ReadsEnvironmentsInOrder) {
  std::vector<Diagnostic> diagnostics;
  RepoSettings settings = settings_of(
      "environments:\n"
      "  dev: {auto_approve: true}\n"
      "  production:\n"
      "    requires: [technical, qa]\n"
      "    approvers: {qa: ['*@QA.example.com', bob@example.com]}\n"
      "    tests: true\n"
      "    guard: {window: 30m, min_runs: 5, min_success: 0.9, max_p95_ms: 2000}\n",
      diagnostics);
  ASSERT_TRUE(diagnostics.empty()) << messages(diagnostics);
  ASSERT_EQ(settings.environments.size(), 2u);
  const EnvironmentPolicy& production = settings.environments[1];
  EXPECT_EQ(production.name, "production");
  EXPECT_EQ(production.requires_stages, (std::vector<std::string>{"technical", "qa"}));
  EXPECT_TRUE(production.require_tests);
  EXPECT_EQ(production.guard.window_seconds, 1800);
  EXPECT_EQ(production.guard.min_runs, 5);
  EXPECT_EQ(production.guard.min_success, 0.9);
  EXPECT_FALSE(production.guard.max_cost_per_run.has_value());
  EXPECT_TRUE(settings.environments[0].auto_approve);
}

TEST(Policy, WhoMayApprove) {
  EnvironmentPolicy policy;
  policy.requires_stages = {"technical", "qa"};
  policy.approvers["qa"] = {"*@qa.example.com", "bob@example.com"};
  EXPECT_TRUE(policy.may_approve("technical", "anyone@example.org"));
  EXPECT_TRUE(policy.may_approve("qa", "Lee@QA.example.com")) << "e-mail case does not matter";
  EXPECT_TRUE(policy.may_approve("qa", "bob@example.com"));
  EXPECT_FALSE(policy.may_approve("qa", "bob@example.org"));
  EXPECT_FALSE(policy.may_approve("qa", "eve@qa.example.com.evil.org"));
  EXPECT_FALSE(policy.may_approve("security", "bob@example.com")) << "not a required stage";
}

TEST(Policy, WhoMayDeploy) {
  EnvironmentPolicy open;
  EXPECT_TRUE(open.may_deploy("anyone@example.org", true)) << "no deployers named: anyone";
  EXPECT_FALSE(open.has_deployers());

  std::vector<Diagnostic> diagnostics;
  RepoSettings settings = settings_of(
      "environments:\n"
      "  production:\n"
      "    deployers: ['*@ops.example.com']\n"
      "    emergency_deployers: [oncall@example.com]\n"
      "  staging: {deployers: [dev@example.com]}\n",
      diagnostics);
  ASSERT_TRUE(diagnostics.empty()) << messages(diagnostics);
  const EnvironmentPolicy& production = settings.environments[0];
  EXPECT_TRUE(production.may_deploy("Ann@OPS.example.com", false));
  EXPECT_FALSE(production.may_deploy("oncall@example.com", false));
  EXPECT_TRUE(production.may_deploy("oncall@example.com", true));
  EXPECT_FALSE(production.may_deploy("ann@ops.example.com", true))
      << "emergencies are for the emergency deployers";
  const EnvironmentPolicy& staging = settings.environments[1];
  EXPECT_TRUE(staging.may_deploy("dev@example.com", true)) << "no emergency list: the deployers";
  EXPECT_FALSE(staging.may_deploy("eve@example.com", true));

  (void)settings_of("environments:\n  production: {deployers: []}\n", diagnostics);
  EXPECT_NE(
      messages(diagnostics)
          .find("promptctl.yaml:2:27: error: 'environments.production.deployers' lists nobody"),
      std::string::npos)
      << messages(diagnostics);
}

TEST(Policy, ReportsEveryProblemWithItsLocation) {
  std::vector<Diagnostic> diagnostics;
  (void)settings_of(
      "environments:\n"
      "  prod uction: {}\n"
      "  staging:\n"
      "    requires: [technical]\n"
      "    approvers: {qa: [x@example.com]}\n"
      "    auto_approve: true\n"
      "    guard: {window: soon, min_success: 1.5}\n"
      "    reviewers: []\n",
      diagnostics);
  std::string text = messages(diagnostics);
  EXPECT_NE(text.find("promptctl.yaml:2:3: error: environment name 'prod uction'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("promptctl.yaml:5:17: error: 'environments.staging.approvers' names stage "
                      "'qa', which 'requires' does not list"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("both requires approvals and approves automatically"), std::string::npos);
  EXPECT_NE(text.find("'soon' is not a duration"), std::string::npos) << text;
  EXPECT_NE(text.find("min_success' must be between 0 and 1"), std::string::npos) << text;
  EXPECT_NE(text.find("reviewers"), std::string::npos) << text;
}

TEST(Policy, Durations) {
  EXPECT_EQ(parse_duration("90"), 90);
  EXPECT_EQ(parse_duration("90s"), 90);
  EXPECT_EQ(parse_duration("15m"), 900);
  EXPECT_EQ(parse_duration("1h"), 3600);
  EXPECT_EQ(parse_duration("7d"), 7 * 86400);
  EXPECT_EQ(parse_duration("2w"), 14 * 86400);
  EXPECT_EQ(parse_duration("36525d"), k_max_duration_seconds);  // 100 years
  EXPECT_EQ(not_a_duration("1h or 7d"), "is not a duration such as 1h or 7d (at most 100 years)");
  // Longer, or past what 64 bits hold in seconds: refused rather than wrapped.
  for (const char* bad : {"", "h", "0h", "-1h", "1y", "1 h", "1.5h", "36526d", "3155760001",
                          "5663217222769005906h", "9223372036854775807w", "99999999999999999999"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Pins, ParseErrorsNameTheLine) {
  std::vector<Diagnostic> diagnostics;
  (void)parse_pins(
      "production:\n"
      "  greet:\n"
      "    commit: abc123\n"
      "  other:\n"
      "    commit: 0123456789012345678901234567890123456789\n"
      "    extra: 1\n"
      "  third:\n"
      "    commit: 0123456789012345678901234567890123456789\n"
      "    content: C0FFEE\n",
      "deployments.yaml", diagnostics);
  std::string text = messages(diagnostics);
  EXPECT_NE(text.find("deployments.yaml:3:13: error: 'production.greet.commit' 'abc123' is not "
                      "a full 40-digit commit id"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("has no 'content'"), std::string::npos) << text;
  EXPECT_NE(text.find("extra"), std::string::npos) << text;
  EXPECT_NE(text.find("deployments.yaml:9:14: error: 'production.third.content' 'C0FFEE' is "
                      "not a 40-digit content hash"),
            std::string::npos)
      << text;
}

Decision decision(Verdict verdict, const std::string& stage, const std::string& email,
                  std::int64_t time) {
  Decision d;
  d.verdict = verdict;
  d.prompt = "greet";
  d.content = "c1";
  d.stage = stage;
  d.name = "N";
  d.email = email;
  d.time_ms = time;
  d.comment = "why";
  return d;
}

TEST(Approvals, TheLatestAllowedDecisionCounts) {
  EnvironmentPolicy policy;
  policy.requires_stages = {"technical", "qa"};
  policy.approvers["qa"] = {"qa@example.com"};
  std::vector<Decision> decisions = {
      decision(Verdict::approve, "technical", "a@example.com", 1),
      decision(Verdict::reject, "technical", "b@example.com", 2),
      decision(Verdict::approve, "qa", "intruder@example.com", 3),
  };
  std::vector<StageStatus> stages = evaluate_stages(policy, decisions);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].state, StageState::rejected);
  EXPECT_EQ(stages[0].describe(), "technical: rejected by N <b@example.com>: why");
  EXPECT_EQ(stages[1].state, StageState::missing) << "an approver the policy does not allow";
  EXPECT_EQ(stages[1].describe(), "qa: missing (qa@example.com may approve)");
  EXPECT_FALSE(all_approved(stages));
  decisions.push_back(decision(Verdict::approve, "technical", "c@example.com", 4));
  decisions.push_back(decision(Verdict::approve, "qa", "QA@example.com", 5));
  EXPECT_TRUE(all_approved(evaluate_stages(policy, decisions)));
}

TEST(Approvals, ForeignNoteLinesAreNotDecisions) {
  EXPECT_FALSE(Decision::from_line("approved: staging").has_value());
  EXPECT_FALSE(Decision::from_line("{\"verdict\": \"approve\"}").has_value());
  EXPECT_FALSE(Decision::from_line("{\"type\": \"promptctl-decision\", \"verdict\": \"maybe\", "
                                   "\"prompt\": \"a\", \"content\": \"b\", \"stage\": \"c\"}")
                   .has_value());
}

PinChange change(DeployAction action, const std::string& content) {
  PinChange c;
  c.action = action;
  Pin pin;
  pin.commit = std::string(40, content[0]);
  pin.content = content;
  c.after = pin;
  return c;
}

TEST(Rollback, DeploysStackAndRollbacksUnstack) {
  // Oldest first here; rollback_target takes the history newest first.
  std::vector<PinChange> history = {change(DeployAction::deploy, "1"),
                                    change(DeployAction::deploy, "2"),
                                    change(DeployAction::deploy, "3")};
  auto target = [&] {
    return rollback_target(std::vector<PinChange>(history.rbegin(), history.rend()));
  };
  EXPECT_EQ(target()->content, "2");
  history.push_back(change(DeployAction::rollback, "2"));
  EXPECT_EQ(target()->content, "1") << "a second rollback goes back one more";
  history.push_back(change(DeployAction::rollback, "1"));
  EXPECT_FALSE(target().has_value());
  history.push_back(change(DeployAction::emergency_rollback, "9"));
  EXPECT_EQ(target()->content, "1") << "a rollback to a version never deployed stacks";
  history.push_back(change(DeployAction::deploy, "9"));
  EXPECT_EQ(target()->content, "1") << "deploying what is pinned changes nothing";
  PinChange removed;
  history.push_back(removed);
  EXPECT_FALSE(target().has_value()) << "a removed pin starts over";
}

TEST(Guard, JudgesOnlyThePinnedContentInItsEnvironmentAndWindow) {
  promptctl::testing::TempDir dir;
  Ledger ledger = Ledger::open(dir.path() / "ledger.db");
  const std::int64_t now = 1'800'000'000'000;
  auto add = [&](const std::string& content, const std::string& environment, bool ok,
                 double latency, std::int64_t age_ms, std::optional<double> cost) {
    RunRecord run;
    run.prompt = "greet";
    run.content_hash = content;
    run.environment = environment;
    run.status = ok ? "ok" : "error";
    run.attempts = 1;  // each reached the provider
    run.latency_ms = latency;
    run.started_ms = now - age_ms;
    run.finished_ms = run.started_ms + static_cast<std::int64_t>(latency);
    run.cost = cost;
    ledger.record(run);
  };
  for (int i = 0; i < 8; ++i)
    add("v2", "production", true, 100 + i, 1000, 0.002);
  add("v2", "production", false, 5000, 1000, std::nullopt);
  add("v2", "production", false, 5000, 1000, std::nullopt);
  add("v1", "production", false, 1, 1000, 0.5);           // another version
  add("v2", "staging", false, 1, 1000, 0.5);              // another environment
  add("v2", "production", false, 1, 2 * 3600 * 1000, 1);  // outside the window
  PinFile pins;
  pins.environments["production"]["greet"] = Pin{std::string(40, 'a'), "v2", "", "", false, ""};
  GuardThresholds thresholds;
  thresholds.min_runs = 10;
  thresholds.min_success = 0.9;
  thresholds.max_p95_ms = 4000;
  thresholds.max_cost_per_run = 0.01;
  std::vector<GuardReport> reports =
      guard_environment(pins, "production", {}, thresholds, ledger, now);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].runs, 10);
  EXPECT_DOUBLE_EQ(reports[0].success_rate, 0.8);
  EXPECT_DOUBLE_EQ(reports[0].p95_ms, 5000);
  EXPECT_DOUBLE_EQ(*reports[0].cost_per_run, 0.002);
  EXPECT_EQ(reports[0].breaches, (std::vector<std::string>{"success rate 0.800 below 0.900",
                                                           "p95 latency 5000 ms above 4000 ms"}));
  thresholds.min_runs = 11;
  reports = guard_environment(pins, "production", {}, thresholds, ledger, now);
  EXPECT_FALSE(reports[0].enough_runs);
  EXPECT_TRUE(reports[0].breaches.empty()) << "too few runs to judge";
  // Cache hits answer instantly and always: they are counted apart, never as healthy runs.
  for (int i = 0; i < 20; ++i) {
    RunRecord hit;
    hit.prompt = "greet";
    hit.content_hash = "v2";
    hit.environment = "production";
    hit.cached = true;
    hit.started_ms = now - 1000;
    ledger.record(hit);
  }
  thresholds.min_runs = 10;
  reports = guard_environment(pins, "production", {}, thresholds, ledger, now);
  EXPECT_EQ(reports[0].runs, 10);
  EXPECT_EQ(reports[0].cached, 20);
  EXPECT_DOUBLE_EQ(reports[0].success_rate, 0.8);
  EXPECT_DOUBLE_EQ(reports[0].p95_ms, 5000);
}

}  // namespace

namespace {

TEST(ExperimentSettings, ReadsVariantsMetricsAndDates) {
  std::vector<Diagnostic> diagnostics;
  RepoSettings settings = settings_of(
      "experiments:\n"
      "  tone:\n"
      "    prompt: support/reply\n"
      "    variants:\n"
      "      - {name: control, version: production, weight: 70}\n"
      "      - {name: short, model: openai/gpt-4o-mini, weight: 30}\n"
      "    metrics: [latency_ms, feedback]\n"
      "    primary: feedback\n"
      "    start: 2026-11-01\n"
      "    end: 2026-12-01T00:00:00Z\n",
      diagnostics);
  ASSERT_TRUE(diagnostics.empty()) << messages(diagnostics);
  ASSERT_EQ(settings.experiments.size(), 1u);
  const Experiment& e = settings.experiments[0];
  EXPECT_EQ(e.primary(), "feedback");
  EXPECT_EQ(e.metrics, (std::vector<std::string>{"feedback", "latency_ms"}));
  EXPECT_EQ(e.variants[0].version, "production");
  EXPECT_EQ(e.variants[1].model, "openai/gpt-4o-mini");
  EXPECT_EQ(*e.start, 1793491200);
  EXPECT_EQ(*e.end - *e.start, 30 * 86400);
}

TEST(ExperimentSettings, ReportsEveryProblemWithItsLocation) {
  std::vector<Diagnostic> diagnostics;
  (void)settings_of(
      "experiments:\n"
      "  tone:\n"
      "    prompt: support/reply\n"
      "    variants:\n"
      "      - {name: a, weight: 60}\n"
      "      - {name: a, weight: 30}\n"
      "    metrics: [feedbak]\n"
      "    end: someday\n"
      "  solo:\n"
      "    variants: [{name: x, weight: 100}]\n",
      diagnostics);
  std::string text = messages(diagnostics);
  EXPECT_NE(text.find("promptctl.yaml:6:9: error: variant 'a' is named twice"), std::string::npos)
      << text;
  EXPECT_NE(text.find("sum to 90"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown metric 'feedbak' (did you mean 'feedback'?)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("'someday' is not a date"), std::string::npos) << text;
  EXPECT_NE(text.find("'experiments.solo' names no 'prompt'"), std::string::npos) << text;
  EXPECT_NE(text.find("must list at least two variants"), std::string::npos) << text;
}

}  // namespace
