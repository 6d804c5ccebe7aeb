// `promptctl compare` and online experiments against the loopback provider, with variants
// that really differ: one fails an assertion more often, is slower, or errors.
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class CompareTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    std::string rows;
    for (int i = 0; i < 20; ++i) {
      rows += "{\"who\": \"P" + std::to_string(i) +
              "\", \"formal\": " + (i % 2 ? "true" : "false") + "}\n";
    }
    write("data/people.jsonl", rows);
    write_greet("Hello {{who}}");
    ProcessResult committed = run({"commit", "-m", "greet"});  // with the dataset its tests read
    ASSERT_EQ(committed.exit_code, 0) << committed.err;
  }

  [[nodiscard]] std::string settings() const override {
    return ExecutionTest::settings() +
           "environments:\n  dev: {auto_approve: true}\n"
           "experiments:\n"
           "  tone:\n"
           "    prompt: greet\n"
           "    variants:\n"
           "      - {name: control, weight: 50}\n"
           "      - {name: broken, model: 'openai/gpt-test~500', weight: 50}\n"
           "    metrics: [success_rate, latency_ms, feedback]\n"
           "    primary: success_rate\n";
  }

  void write_greet(const std::string& text) const {
    write("prompts/greet.yaml",
          "variables:\n  who: {type: string}\n  formal: {type: boolean, default: false}\n"
          "model: {provider: openai, name: gpt-test, temperature: 0}\n"
          "template: \"" +
              text +
              "\"\n"
              "tests:\n"
              "  - {name: people, dataset: data/people.jsonl, assert: [{type: contains, value: "
              "Hello}]}\n");
  }

  json json_of(std::vector<std::string> args, int expected_exit) const {
    args.emplace_back("--json");
    ProcessResult result = run_with_server(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    json parsed = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }

  static const json& metric(const json& comparison, const std::string& name) {
    for (const json& m : comparison["metrics"]) {
      if (m["metric"] == name) {
        return m;
      }
    }
    static const json none;
    return none;
  }
};

TEST_F(CompareTest, AVersionThatFailsMoreOftenIsSignificantlyWorse) {
  // Half the rows are formal; the new version greets only those with "Hello".
  write_greet("{{#formal}}Hello{{/formal}}{{^formal}}Hi{{/formal}} {{who}}");
  json c = json_of({"compare", "greet@HEAD", "greet", "--fail-if-worse"}, 1);
  EXPECT_EQ(c["a"]["passed"], 20);
  EXPECT_EQ(c["b"]["passed"], 10);
  const json& pass = metric(c, "pass_rate");
  EXPECT_EQ(pass["pairs"], 20);
  EXPECT_EQ(pass["test"], "exact McNemar (sign) test");
  EXPECT_DOUBLE_EQ(pass["p_value"].get<double>(), 2.0 / 1024);  // 10 discordant pairs, one way
  EXPECT_DOUBLE_EQ(pass["difference"].get<double>(), -0.5);
  EXPECT_EQ(pass["verdict"], "worse");
  EXPECT_EQ(c["verdict"], "worse");
  double low = c["b"]["pass_rate_interval"][0];
  double high = c["b"]["pass_rate_interval"][1];
  EXPECT_LT(low, 0.5);
  EXPECT_GT(high, 0.5);
  // Without --fail-if-worse the same result exits 0; the same version twice is no different.
  EXPECT_EQ(run_with_server({"compare", "greet@HEAD", "greet"}).exit_code, 0);
  json same = json_of({"compare", "greet@HEAD", "greet@HEAD", "--fail-if-worse"}, 0);
  EXPECT_EQ(same["verdict"], "no significant difference");
  EXPECT_EQ(metric(same, "pass_rate")["p_value"], 1.0);
}

// A dataset with other rows, or missing, on one side: the cases only one side has are left
// out, named, and the pairs that remain are said.
TEST_F(CompareTest, CasesOnlyOneSideHasAreLeftOutAndNamed) {
  std::string rows = read("data/people.jsonl");
  for (int i = 20; i < 25; ++i) {
    rows += "{\"who\": \"P" + std::to_string(i) + "\"}\n";
  }
  write("data/people.jsonl", rows);
  json c = json_of({"compare", "greet@HEAD", "greet"}, 0);
  EXPECT_EQ(metric(c, "pass_rate")["pairs"], 20);
  ASSERT_EQ(c["unpaired"].size(), 5U);
  EXPECT_EQ(
      c["unpaired"][0],
      json({{"variant", "b"}, {"case", "people [row 21]"}, {"reason", "A has no such case"}}));
  ProcessResult text = run_with_server({"compare", "greet@HEAD", "greet"});
  EXPECT_NE(text.out.find("left out, as only one variant has them: 5 cases; the comparison rests "
                          "on 20 pairs\n   B people: A has no such case (5 cases)\n"),
            std::string::npos)
      << text.out;

  // Cases whose dataset is not committed yet: at HEAD the test cannot run, so no pair is left.
  write("prompts/fresh.yaml",
        "template: x\ntests:\n  - {name: fresh, dataset: data/fresh.jsonl}\n");
  write("data/fresh.jsonl", "{\"who\": \"Q\"}\n");
  ProcessResult none = run_with_server({"compare", "greet@HEAD", "greet", "--cases", "fresh"});
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.err.find("A and B have no case in common"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("'data/fresh.jsonl' does not exist"), std::string::npos) << none.err;
}

TEST_F(CompareTest, ASlowerModelLosesOnLatencyAndTheHtmlReportStandsAlone) {
  std::filesystem::path html = m_dir.path() / "report.html";
  json c = json_of({"compare", "greet", "--model", "openai/gpt-test", "--model",
                    "openai/gpt-test~slow=25", "--metric", "latency_ms", "--html", html.string()},
                   0);
  const json& latency = metric(c, "latency_ms");
  EXPECT_EQ(latency["test"], "Wilcoxon signed-rank test (exact)");
  EXPECT_LT(latency["p_value"].get<double>(), 1e-4);
  EXPECT_EQ(latency["verdict"], "worse");
  // The server adds 25 ms to B; a slow machine (a sanitizer build) adds noise to both sides.
  EXPECT_GT(latency["difference"].get<double>(), 10);
  EXPECT_EQ(metric(c, "pass_rate")["verdict"], "no significant difference");
  std::string page = m_dir.read("report.html");
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  for (const char* external : {"http:", "https:", "src=", "href="}) {
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
  EXPECT_NE(page.find("worse"), std::string::npos);
}

// A/A: the same version and model against itself, with the server's answers taking a random
// 0-3 ms. Every difference is noise, so at alpha 0.05 about 5 in 100 comparisons may come out
// significant on any metric; B going after A, on warmer connections, made most of them
// "better" on latency. 14 or more of 100 has a chance under 0.1% when the rate is 5%.
TEST_F(CompareTest, AComparisonOfAVersionWithItselfIsSignificantAtAlphaOnly) {
  constexpr int k_trials = 100;
  std::map<std::string, int> significant;
  for (int seed = 1; seed <= k_trials; ++seed) {
    json c = json_of({"compare", "greet@HEAD", "greet@HEAD", "--model", "openai/gpt-test~jitter=3",
                      "--metric", "latency_ms", "--seed", std::to_string(seed)},
                     0);
    ASSERT_EQ(c["seed"], seed);
    for (const json& m : c["metrics"]) {
      significant[m["metric"].get<std::string>()] += m["verdict"] != "no significant difference";
    }
  }
  ASSERT_TRUE(significant.contains("latency_ms"));
  for (const auto& [name, count] : significant) {
    RecordProperty("significant_" + name, count);
    EXPECT_LT(count, 14) << name << " was significant in " << count << " of " << k_trials
                         << " A/A comparisons";
  }
}

// Ctrl-C part-way: the calls under way finish, the report covers what ran, exit 130.
TEST_F(CompareTest, CtrlCEndsATestRunWithAReportOfWhatRan) {
  ProcessOptions interrupted;
  interrupted.cwd = root();
  interrupted.env = provider_env();
  interrupted.interruption = Interruption{std::chrono::milliseconds(1000), SIGINT};
  ProcessResult result = run_promptctl(
      {"test", "greet", "-j", "2", "--model", "openai/gpt-test~slow=200", "--json"}, interrupted);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  json report = json::parse(result.out);  // whole, not cut off
  std::size_t passed = 0;
  std::size_t not_run = 0;
  for (const json& one : report["results"]) {
    passed += one["status"] == "pass" ? 1 : 0;
    not_run += one["error"] == "not run: the run was stopped before its answer came" ? 1 : 0;
  }
  EXPECT_GT(passed, 0U);
  EXPECT_GT(not_run, 0U);
  EXPECT_EQ(passed + not_run, 20U);
  EXPECT_NE(result.err.find("stopped by SIGINT: " + std::to_string(not_run) +
                            " of 20 cases not run or not graded"),
            std::string::npos)
      << result.err;
}

TEST_F(CompareTest, CtrlCComparesOnlyThePairsThatFinishedOnBothSides) {
  ProcessOptions interrupted;
  interrupted.cwd = root();
  interrupted.env = provider_env();
  interrupted.interruption = Interruption{std::chrono::milliseconds(1200), SIGINT};
  ProcessResult result = run_promptctl({"compare", "greet@HEAD", "greet", "-j", "2", "--model",
                                        "openai/gpt-test~slow=200", "--json"},
                                       interrupted);
  EXPECT_EQ(result.exit_code, 130) << result.err;
  json c = json::parse(result.out);
  std::size_t pairs = c["a"]["cases"].get<std::size_t>();
  EXPECT_EQ(c["b"]["cases"], pairs);
  EXPECT_GT(pairs, 0U);
  EXPECT_LT(pairs, 20U);
  EXPECT_EQ(c["a"]["errors"], 0) << "a pair cut short is left out, not counted as an error";
  EXPECT_NE(result.err.find("stopped by SIGINT: the comparison rests on the " +
                            std::to_string(pairs) + " pairs"),
            std::string::npos)
      << result.err;
}

TEST_F(CompareTest, BadRequestsAreUsageErrors) {
  EXPECT_EQ(run_with_server({"compare", "greet"}).exit_code, 2);
  EXPECT_EQ(run_with_server({"compare", "greet@HEAD", "greet", "--metric", "vibes"}).exit_code, 2);
  write("rows.jsonl", "{\"who\": \"Ann\"}\nnot json\n");
  ProcessResult bad = run_with_server({"compare", "greet@HEAD", "greet", "--input", "rows.jsonl"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("rows.jsonl:2:1"), std::string::npos) << bad.err;
  write("rows.jsonl", "{\"who\": \"Ann\"}\n{\"who\": \"Bo\"}\n");
  json rows = json_of({"compare", "greet@HEAD", "greet", "--input", "rows.jsonl"}, 0);
  EXPECT_EQ(rows["a"]["cases"], 2);
}

TEST_F(CompareTest, ExperimentsAssignStickilyRecordAndReport) {
  // Before it starts, the control serves and nothing is recorded as the experiment's.
  json before =
      json_of({"run", "greet", "--var", "who=Ann", "--experiment", "tone", "--key", "user-1"}, 0);
  EXPECT_EQ(before["experiment"], nullptr);
  ASSERT_EQ(run({"experiment", "start", "tone"}).exit_code, 0);
  EXPECT_NE(git(root(), {"log", "--format=%s", "refs/promptctl/experiments/tone"})
                .find("Start experiment tone"),
            std::string::npos);
  EXPECT_EQ(run({"experiment", "start", "tone"}).exit_code, 1) << "already running";

  std::map<std::string, int> served;
  for (int i = 0; i < 40; ++i) {
    std::string key = "user-" + std::to_string(i);
    ProcessResult result = run_with_server(
        {"run", "greet", "--var", "who=Ann", "--experiment", "tone", "--key", key, "--json"});
    json parsed = json::parse(result.out);
    std::string variant = parsed["variant"];
    EXPECT_EQ(parsed["experiment"], "tone");
    EXPECT_EQ(result.exit_code, variant == "broken" ? 5 : 0) << result.err;
    ++served[variant];
    if (i < 3) {  // the same key always gets the same variant
      json again =
          json_of({"render", "greet", "--var", "who=Ann", "--experiment", "tone", "--key", key}, 0);
      EXPECT_EQ(again["experiment"]["variant"], variant);
    }
  }
  EXPECT_EQ(served["control"] + served["broken"], 40);
  EXPECT_GT(served["control"], 5);
  EXPECT_GT(served["broken"], 5);

  json report = json_of({"experiment", "report", "tone"}, 0);
  EXPECT_EQ(report["primary"], "success_rate");
  ASSERT_EQ(report["variants"].size(), 2u);
  const json& control = report["variants"][0];
  const json& broken = report["variants"][1];
  EXPECT_EQ(control["runs"].get<int>() + broken["runs"].get<int>(), 40);
  EXPECT_EQ(control["metrics"][0]["mean"], 1.0);
  EXPECT_EQ(broken["metrics"][0]["mean"], 0.0);
  EXPECT_LT(broken["metrics"][0]["test"]["p_value"].get<double>(), 1e-4);
  EXPECT_GT(report["sample_ratio"]["p_value"].get<double>(), 0.001);
  EXPECT_EQ(report["sample_ratio"]["mismatch"], false);
  // The anytime-valid test sees it too, and the report says what to do.
  const json& sequential = broken["metrics"][0]["sequential"];
  EXPECT_LT(sequential["p_value"].get<double>(), 0.05);
  EXPECT_LT(sequential["interval"][1].get<double>(), 0) << "the whole interval is a loss";
  EXPECT_EQ(control["metrics"][0]["sequential"], nullptr);
  EXPECT_EQ(broken["decision"], "worse");
  EXPECT_EQ(report["recommendation"], "stop: every variant is worse than the control");
  EXPECT_EQ(report["fixed_horizon"]["sample_size"], nullptr);

  ASSERT_EQ(run({"experiment", "stop", "tone"}).exit_code, 0);
  json after =
      json_of({"run", "greet", "--var", "who=Ann", "--experiment", "tone", "--key", "user-2"}, 0);
  EXPECT_EQ(after["experiment"], nullptr) << "stopped: the control serves, unrecorded";
  json status = json_of({"experiment", "status", "tone"}, 0);
  EXPECT_EQ(status["state"]["running"], false);

  // The winner deploys through the normal path; a variant that only changes the model cannot.
  EXPECT_EQ(run({"experiment", "promote", "tone", "broken", "--env", "dev"}).exit_code, 2);
  json promoted = json_of({"experiment", "promote", "tone", "control", "--env", "dev"}, 0);
  EXPECT_EQ(promoted["action"], "promote");
  EXPECT_EQ(run({"experiment", "report", "nope"}).exit_code, 2);
  EXPECT_EQ(run({"run", "hello", "--experiment", "tone", "--key", "k"}).exit_code, 2)
      << "another prompt";
}

TEST_F(CompareTest, AVariantWhoseVersionDoesNotLoadIsRefusedAtStartAndByLint) {
  std::string declared = settings() +
                         "  typo:\n"
                         "    prompt: greet\n"
                         "    variants:\n"
                         "      - {name: control, weight: 50}\n"
                         "      - {name: next, version: 9.9.9, weight: 50}\n"
                         "  ghost:\n"
                         "    prompt: gone\n"
                         "    variants:\n"
                         "      - {name: control, weight: 50}\n"
                         "      - {name: other, weight: 50}\n";
  write("promptctl.yaml", declared);
  auto version_line =
      std::count(declared.begin(), declared.begin() + declared.find("9.9.9"), '\n') + 1;
  std::string where = "promptctl.yaml:" + std::to_string(version_line) + ":";
  ProcessResult start = run({"experiment", "start", "typo"});
  EXPECT_EQ(start.exit_code, 2);
  EXPECT_NE(start.err.find(where), std::string::npos) << start.err;
  EXPECT_NE(start.err.find("variant 'next' of experiment 'typo': greet@9.9.9 does not load"),
            std::string::npos)
      << start.err;
  EXPECT_EQ(git(root(), {"for-each-ref", "refs/promptctl/experiments/"}), "") << "not started";
  ProcessResult lint = run({"lint"});
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_NE((lint.out + lint.err).find(where), std::string::npos) << lint.out << lint.err;
  EXPECT_NE(
      (lint.out + lint.err).find("variant 'control' of experiment 'ghost': gone does not load"),
      std::string::npos)
      << "an experiment on a prompt that does not exist: " << lint.out << lint.err;
  EXPECT_EQ(run({"experiment", "start", "tone"}).exit_code, 0) << "a sound experiment starts";
}

}  // namespace
}  // namespace promptctl::testing
