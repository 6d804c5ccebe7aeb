// `promptctl test` against the loopback provider: every assertion type passing and failing,
// concurrency, repeats, model matrices, changed-since, baselines, replay, reports, exit codes.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "e2e/execution.hpp"
#include "util/fs.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class TestCommandTest : public ExecutionTest {
 protected:
  [[nodiscard]] std::string settings() const override {
    return ExecutionTest::settings() + "  openai-priced: {type: openai, base_url: '" +
           m_server.url() +
           "/v1', key_env: OPENAI_API_KEY, retry_base_ms: 5,\n"
           "                  prices: {gpt-test: {input: 1000, output: 1000}}}\n"
           "tests:\n"
           "  judge: {model: openai/gpt-judge~judge}\n"
           "  embedding_model: openai/text-embedding-test\n";
  }

  // A prompt answered "echo: Hello <who>" by the test server, with `tests` as its tests.
  void write_prompt(const std::string& name, const std::string& tests,
                    const std::string& model = "openai/gpt-test") const {
    write("prompts/" + name + ".yaml",
          "variables:\n  who: {type: string, default: Ann}\n"
          "model: {provider: " +
              model.substr(0, model.find('/')) + ", name: " + model.substr(model.find('/') + 1) +
              ", temperature: 0}\n"
              "template: \"Hello {{who}}\"\n"
              "tests:\n" +
              tests);
  }

  json test_json(std::vector<std::string> args, int expected_exit,
                 const std::map<std::string, std::string>& extra = {}) const {
    args.insert(args.begin(), "test");
    args.emplace_back("--json");
    ProcessResult result = run_with_server(args, extra);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    json parsed = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }

  static std::map<std::string, json> by_test(const json& report) {
    std::map<std::string, json> found;
    for (const json& result : report["results"]) {
      found[result["test"].get<std::string>()] = result;
    }
    return found;
  }

  void commit(const std::string& message) const {
    git(root(), {"add", "-A"});
    git(root(), {"commit", "-qm", message});
  }

  // The prompts `test ARGS --json` ran.
  [[nodiscard]] std::set<std::string> tested_prompts(const std::vector<std::string>& args) const {
    std::set<std::string> prompts;
    json report = test_json(args, 0);  // kept: a range-for would not keep it alive
    for (const json& result : report["results"]) {
      prompts.insert(result["prompt"].get<std::string>());
    }
    return prompts;
  }
};

// Each assertion type, in one test that passes and one that fails.
constexpr const char* k_assertion_cases = R"(
  - {name: equals, assert: [{type: equals, value: "echo: Hello Ann"}]}
  - {name: equals-bad, assert: [{type: equals, value: "Hello"}]}
  - {name: contains, assert: [{type: contains, value: Ann}]}
  - {name: contains-bad, assert: [{type: contains, value: ann}]}
  - {name: icontains, assert: [{type: icontains, value: ANN}]}
  - {name: not-contains, assert: [{type: not-contains, value: Bob}]}
  - {name: not-contains-bad, assert: [{type: not-contains, value: Ann}]}
  - {name: contains-any, assert: [{type: contains-any, value: [Bob, Ann]}]}
  - {name: contains-any-bad, assert: [{type: contains-any, value: [Bob, Cy]}]}
  - {name: contains-all, assert: [{type: contains-all, value: [Hello, Ann]}]}
  - {name: contains-all-bad, assert: [{type: contains-all, value: [Hello, Bob]}]}
  - {name: starts-with, assert: [{type: starts-with, value: "echo:"}]}
  - {name: starts-with-bad, assert: [{type: starts-with, value: Hello}]}
  - {name: regex, assert: [{type: regex, value: "^echo: H\\w+"}]}
  - {name: regex-bad, assert: [{type: regex, value: "^\\d+$"}]}
  - {name: is-json-bad, assert: [{type: is-json}]}
  - {name: not-is-json, assert: [{type: not-is-json}]}
  - {name: min-length, assert: [{type: min-length, value: 5}]}
  - {name: min-length-bad, assert: [{type: min-length, value: 500}]}
  - {name: max-length, assert: [{type: max-length, value: 50}]}
  - {name: max-length-bad, assert: [{type: max-length, value: 3}]}
  - {name: length, assert: [{type: length, min: 10, max: 20}]}
  - {name: length-bad, assert: [{type: length, max: 5}]}
  - {name: word-count, assert: [{type: word-count, value: 3}]}
  - {name: word-count-bad, assert: [{type: word-count, min: 4}]}
  - {name: latency, assert: [{type: latency, value: 60000}]}
  - {name: tokens, assert: [{type: tokens, max: 3}]}
  - {name: tokens-bad, assert: [{type: tokens, max: 2}]}
  - {name: levenshtein, assert: [{type: levenshtein, value: "echo: Hello Anne", threshold: 1}]}
  - {name: levenshtein-bad, assert: [{type: levenshtein, value: "echo: Bye Bob", threshold: 2}]}
  - {name: similar, assert: [{type: similar, value: "echo: Hello Ann", threshold: 0.99}]}
  - {name: similar-bad, assert: [{type: similar, value: "an unrelated sentence entirely"}]}
  - {name: llm-rubric, assert: [{type: llm-rubric, value: "hello to Ann"}]}
  - {name: llm-rubric-bad, assert: [{type: llm-rubric, value: "mentions the refund policy"}]}
  - {name: weighted, threshold: 0.5, assert: [{type: contains, value: Ann, weight: 3}, {type: contains, value: Bob}]}
  - {name: weighted-bad, threshold: 0.9, assert: [{type: contains, value: Ann, weight: 3}, {type: contains, value: Bob}]}
  - {name: informational, assert: [{type: contains, value: Ann}, {type: contains, value: Bob, weight: 0}]}
)";

TEST_F(TestCommandTest, EveryAssertionTypePassesAndFails) {
  write_prompt("all", k_assertion_cases);
  json report = test_json({"all"}, 1);
  std::map<std::string, json> results = by_test(report);
  ASSERT_EQ(results.size(), 37U);
  for (const auto& [name, result] : results) {
    bool bad = name.ends_with("-bad");
    EXPECT_EQ(result["status"], bad ? "fail" : "pass") << name << ": " << result.dump(2);
    EXPECT_EQ(result["output"], "echo: Hello Ann") << name;
  }
  EXPECT_EQ(report["summary"]["failed"], 17);
  EXPECT_EQ(report["summary"]["passed"], 20);
  const json& judged = results["llm-rubric-bad"]["assertions"][0];
  EXPECT_NE(judged["reason"].get<std::string>().find("refund"), std::string::npos) << judged;
  const json& contains = results["contains-bad"]["assertions"][0];
  EXPECT_EQ(contains["expected"], "ann");
  EXPECT_EQ(contains["pass"], false);
}

TEST_F(TestCommandTest, JsonAssertionsOnAJsonAnswer) {
  write_prompt("structured", R"(
  - {name: is-json, assert: [{type: is-json}]}
  - name: schema
    assert:
      - type: json-schema
        value: {type: object, required: [answer], properties: {answer: {type: string, pattern: "^Hello"}}}
  - name: schema-bad
    assert:
      - {type: json-schema, value: {type: object, required: [answer, score]}}
  - {name: schema-file, assert: [{type: json-schema, value: schemas/answer.json}]}
  - {name: equals-json, assert: [{type: equals, value: {answer: Hello Ann}}]}
)",
               "openai/gpt-test~json");
  write("schemas/answer.json", R"({"type": "object", "additionalProperties": false,
                                   "properties": {"answer": {"const": "Hello Bob"}}})");
  std::map<std::string, json> results = by_test(test_json({"structured"}, 1));
  EXPECT_EQ(results["is-json"]["status"], "pass");
  EXPECT_EQ(results["schema"]["status"], "pass");
  EXPECT_EQ(results["schema-bad"]["status"], "fail");
  EXPECT_NE(results["schema-bad"]["assertions"][0]["reason"].get<std::string>().find("score"),
            std::string::npos);
  EXPECT_EQ(results["schema-file"]["status"], "fail");
  EXPECT_NE(results["schema-file"]["assertions"][0]["reason"].get<std::string>().find("/answer"),
            std::string::npos);
  EXPECT_EQ(results["equals-json"]["status"], "pass");
}

TEST_F(TestCommandTest, LatencyAndCostBounds) {
  write_prompt("priced", R"(
  - {name: cheap, assert: [{type: cost, value: 1}]}
  - {name: too-dear, assert: [{type: cost, max: 0.001}]}
)",
               "openai-priced/gpt-test");
  write_prompt("slow", R"(
  - {name: too-slow, assert: [{type: latency, value: 20}]}
)",
               "openai/gpt-test~slow=150");
  std::map<std::string, json> results = by_test(test_json({"priced", "slow", "--no-cache"}, 1));
  EXPECT_EQ(results["cheap"]["status"], "pass");
  EXPECT_DOUBLE_EQ(results["cheap"]["cost"].get<double>(), 0.005);  // 2 + 3 tokens at $1000/M
  EXPECT_EQ(results["too-dear"]["status"], "fail");
  EXPECT_EQ(results["too-slow"]["status"], "fail");
  EXPECT_GE(results["too-slow"]["latency_ms"].get<double>(), 150);
}

TEST_F(TestCommandTest, JudgeCallsAreRecordedAndTheJudgePromptCanBeReplaced) {
  write_prompt("judged", "  - {name: polite, assert: [{type: llm-rubric, value: hello ann}]}\n");
  EXPECT_EQ(by_test(test_json({"judged"}, 0))["polite"]["status"], "pass");
  json runs = json::parse(run({"runs", "--json"}).out)["runs"];
  std::set<std::string> prompts;
  for (const json& entry : runs) {
    prompts.insert(entry["prompt"].get<std::string>());
  }
  EXPECT_EQ(prompts, (std::set<std::string>{"judged", "judges/llm-rubric"}));
  // The repository's own judge prompt replaces the built-in one; this one hides the rubric.
  write("prompts/judges/llm-rubric.yaml",
        "variables:\n  output: {type: string}\n  rubric: {type: string}\n"
        "template: \"Grade this: {{output}}\"\n");
  json failed = by_test(test_json({"judged"}, 1))["polite"];
  EXPECT_EQ(failed["status"], "fail");
  EXPECT_NE(failed["assertions"][0]["reason"].get<std::string>().find("no rubric"),
            std::string::npos);
}

TEST_F(TestCommandTest, AJudgeWithoutAVerdictOrEmbeddingsThatFailLeaveNoVerdict) {
  write_prompt("unjudged", R"(
  - {name: rubric, assert: [{type: llm-rubric, value: x, model: openai/gpt-test}]}
  - {name: similar, assert: [{type: similar, value: x, model: anthropic/claude-test}]}
)");
  std::map<std::string, json> results = by_test(test_json({"unjudged"}, 2));
  EXPECT_EQ(results["rubric"]["status"], "error");
  EXPECT_NE(results["rubric"]["error"].get<std::string>().find("no verdict"), std::string::npos);
  EXPECT_EQ(results["similar"]["status"], "error");
  EXPECT_NE(results["similar"]["error"].get<std::string>().find("no embeddings"),
            std::string::npos);
}

TEST_F(TestCommandTest, DatasetsAndVariableFilesMakeOneCasePerRow) {
  write_prompt("rows", R"(
  - {name: csv, dataset: data/people.csv, assert: [{type: contains, value: Hello}]}
  - {name: jsonl, dataset: data/people.jsonl, assert: [{type: not-contains, value: Zed}]}
  - {name: file, vars: data/vars.yaml, assert: [{type: contains, value: Yan}]}
)");
  write("data/people.csv", "who\nAnn\n\"Bo, the second\"\n");
  write("data/people.jsonl", "{\"who\": \"Cy\"}\n\n{\"who\": \"Zed\"}\n");
  write("data/vars.yaml", "who: Yan\n");
  json report = test_json({"rows"}, 1);
  ASSERT_EQ(report["results"].size(), 5U);
  EXPECT_EQ(report["results"][1]["output"], "echo: Hello Bo, the second");
  EXPECT_EQ(report["results"][1]["row"], 2);
  EXPECT_EQ(report["results"][3]["status"], "fail");  // Zed
  EXPECT_EQ(report["results"][4]["output"], "echo: Hello Yan");
  EXPECT_EQ(report["results"][4]["row"], nullptr);
}

// A row carries its own expectations: assertion values are templates over the row, and a
// column only the assertions use is no unknown variable.
TEST_F(TestCommandTest, AssertionValuesAreTemplatesOverTheRow) {
  write_prompt("expects", R"(
  - name: rows
    dataset: data/expected.csv
    assert:
      - {type: equals, value: "echo: Hello {{expected}}"}
      - {type: contains-any, value: ["{{expected}}", never]}
)");
  write("data/expected.csv", "who,expected\nAnn,Ann\nBo,Cy\n");
  ProcessResult lint = run({"lint", "expects"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out;
  json report = test_json({"expects"}, 1);
  ASSERT_EQ(report["results"].size(), 2U);
  EXPECT_EQ(report["results"][0]["status"], "pass") << report["results"][0].dump();
  EXPECT_EQ(report["results"][1]["status"], "fail");
  EXPECT_EQ(report["results"][1]["assertions"][0]["expected"], "echo: Hello Cy");

  // A column that nothing uses is still a mistake, and so is a value naming a missing column.
  write("data/expected.csv", "who,expected,expcted\nAnn,Ann,x\n");
  write_prompt("typo", R"(
  - {name: rows, dataset: data/expected.csv, assert: [{type: contains, value: "{{expeted}}"}]}
)");
  ProcessResult wrong = run({"lint", "typo"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.out.find("prompts/typo.yaml:7:5: error: test 'rows': 'data/expected.csv' sets "
                           "'expcted', which is neither a variable of the prompt nor used by an "
                           "assertion\n"),
            std::string::npos)
      << wrong.out;
  EXPECT_NE(wrong.out.find("error: test 'rows': the value of assertion 'contains': variable "
                           "'expeted' is not set in any row of 'data/expected.csv'\n"),
            std::string::npos)
      << wrong.out;
  std::map<std::string, json> results = by_test(test_json({"typo"}, 2));
  EXPECT_EQ(results["rows"]["status"], "error");
  EXPECT_NE(results["rows"]["error"].get<std::string>().find("expeted"), std::string::npos);
}

// The same error in many rows of one test is one entry with the rows, not one per row.
TEST_F(TestCommandTest, OneErrorInManyRowsIsReportedOnce) {
  write_prompt("stray", R"(
  - {name: rows, dataset: data/stray.csv, assert: [{type: contains, value: Hello}]}
)");
  write("data/stray.csv", "who,stray\nA,1\nB,2\nC,3\nD,4\n");
  ProcessResult text = run_with_server({"test", "stray"});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_NE(text.out.find("ERROR stray: rows [rows 1-4] (4 cases, one error)\n"), std::string::npos)
      << text.out;
  std::size_t first = text.out.find("unknown variable 'stray'");
  ASSERT_NE(first, std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("unknown variable 'stray'", first + 1), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("0 passed, 0 failed, 4 errors (4 cases"), std::string::npos);
  EXPECT_EQ(test_json({"stray"}, 2)["results"].size(), 4U) << "JSON keeps every case";
}

// -k chooses tests by name; --fail-fast and --max-failures stop sending at the limit and leave
// the cases never sent out of the report.
TEST_F(TestCommandTest, TestsAreChosenByNameAndStopAtTheFailureLimit) {
  std::string tests;
  for (int i = 0; i < 6; ++i) {
    tests +=
        "  - {name: greets " + std::to_string(i) + ", assert: [{type: contains, value: Nope}]}\n";
  }
  write_prompt("limits",
               tests + "  - {name: farewell, assert: [{type: contains, value: Hello}]}\n");
  json chosen = test_json({"limits", "-k", "FAREWELL", "-k", "greets 5"}, 1);
  ASSERT_EQ(chosen["results"].size(), 2U);
  EXPECT_EQ(chosen["results"][0]["test"], "greets 5");
  EXPECT_EQ(chosen["results"][1]["test"], "farewell");
  ProcessResult none = run_with_server({"test", "limits", "-k", "nothing"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no test name holds nothing"), std::string::npos) << none.err;

  ProcessResult fast = run_with_server({"test", "limits", "-j", "1", "--fail-fast", "--json"});
  EXPECT_EQ(fast.exit_code, 1) << fast.err;
  EXPECT_EQ(json::parse(fast.out)["results"].size(), 1U);
  EXPECT_NE(fast.err.find("stopped after 1 failure: 6 cases not run"), std::string::npos)
      << fast.err;
  json three = test_json({"limits", "-j", "1", "--max-failures", "3"}, 1);
  EXPECT_EQ(three["results"].size(), 3U);
  EXPECT_EQ(three["summary"]["failed"], 3);
  EXPECT_EQ(run_with_server({"test", "limits", "-x", "--max-failures", "2"}).exit_code, 2);
}

// lint judges a test by the rows it runs with: a variable the dataset or variables file sets
// is set, and a row that lacks it is named.
TEST_F(TestCommandTest, LintReadsTheTestsDataAsTestDoes) {
  write("prompts/needs.yaml",
        "variables:\n  who: {type: string, required: true}\n"
        "template: \"Hello {{who}}\"\n"
        "tests:\n"
        "  - {name: data, dataset: data/who.jsonl}\n"
        "  - {name: file, vars: data/who.yaml}\n");
  write("data/who.jsonl", "{\"who\": \"Ann\"}\n{\"who\": \"Bo\"}\n");
  write("data/who.yaml", "who: Cy\n");
  ProcessResult clean = run({"lint", "needs"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  write("data/who.jsonl", "{\"who\": \"Ann\"}\n{\"whom\": \"Bo\"}\n{}\n");
  ProcessResult gaps = run({"lint", "needs"});
  EXPECT_EQ(gaps.exit_code, 1);
  EXPECT_NE(gaps.out.find("test 'data' does not set required variable 'who' in rows 2-3 of "
                          "'data/who.jsonl'"),
            std::string::npos)
      << gaps.out;
  EXPECT_NE(gaps.out.find("sets 'whom'"), std::string::npos) << gaps.out;
  EXPECT_NE(gaps.out.find("in row 2 of"), std::string::npos) << gaps.out;
  std::filesystem::remove(root() / "data/who.yaml");
  ProcessResult missing = run({"lint", "needs"});
  EXPECT_NE(missing.out.find("test 'file': the variables file 'data/who.yaml' does not exist"),
            std::string::npos)
      << missing.out;
}

TEST_F(TestCommandTest, ABrokenTestIsAnInputErrorNamingTheProblem) {
  write_prompt("broken", R"(
  - {name: missing-file, dataset: data/none.csv}
  - {name: unknown-var, vars: {other: x}}
)");
  std::map<std::string, json> results = by_test(test_json({"broken"}, 2));
  EXPECT_NE(results["missing-file"]["error"].get<std::string>().find("data/none.csv"),
            std::string::npos);
  EXPECT_EQ(results["unknown-var"]["status"], "error");
  EXPECT_NE(results["unknown-var"]["error"].get<std::string>().find("other"), std::string::npos);
}

TEST_F(TestCommandTest, BadAssertionsAreReportedAtTheirLine) {
  write_prompt("wrong", R"(
  - name: t
    assert:
      - {type: regex, value: "(unclosed"}
      - {type: length}
      - {type: containz, value: x}
      - {type: contains, value: x, colour: red}
)");
  ProcessResult lint = run({"lint", "wrong"});
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_NE(lint.out.find("prompts/wrong.yaml:9:9"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("not a valid regular expression"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("needs 'min', 'max'"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("did you mean 'contains'"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("colour"), std::string::npos) << lint.out;
  ProcessResult test = run_with_server({"test", "wrong"});
  EXPECT_EQ(test.exit_code, 2);
  EXPECT_NE(test.err.find("prompts/wrong.yaml:9:9"), std::string::npos) << test.err;
}

TEST_F(TestCommandTest, RepeatsAndConcurrency) {
  std::string tests;
  for (int i = 0; i < 20; ++i) {
    tests += "  - {name: case" + std::to_string(i) + ", vars: {who: p" + std::to_string(i) +
             "}, repeat: 2, assert: [{type: contains, value: p" + std::to_string(i) + "}]}\n";
  }
  write_prompt("many", tests, "openai/gpt-test~slow=20");
  json report = test_json({"many", "-j", "16", "--repeat", "2", "--no-cache"}, 0);
  ASSERT_EQ(report["results"].size(), 80U);
  // Written order whatever the order of completion: case by case, repetition by repetition.
  for (size_t i = 0; i < 80; ++i) {
    EXPECT_EQ(report["results"][i]["test"], "case" + std::to_string(i / 4));
    EXPECT_EQ(report["results"][i]["repetition"], static_cast<int>(i % 4) + 1);
  }
  std::set<std::int64_t> runs;
  for (const json& result : report["results"]) {
    runs.insert(result["run_id"].get<std::int64_t>());
  }
  EXPECT_EQ(runs.size(), 80U);
}

TEST_F(TestCommandTest, AModelMatrixRunsTheSuiteForEachModelSideBySide) {
  write_prompt("matrix", "  - {name: greets, assert: [{type: contains, value: Hello}]}\n");
  json report = test_json(
      {"matrix", "--model", "openai/gpt-test", "--model", "anthropic/claude-test~500"}, 5);
  ASSERT_EQ(report["results"].size(), 2U);
  EXPECT_EQ(report["results"][0]["model"], "openai/gpt-test");
  EXPECT_EQ(report["results"][0]["status"], "pass");
  EXPECT_EQ(report["results"][1]["model"], "anthropic/claude-test~500");
  EXPECT_EQ(report["results"][1]["status"], "error");
  ProcessResult text = run_with_server({"test", "matrix", "--model", "openai/gpt-test", "--model",
                                        "ollama/llama-test", "--no-fail-on-error"});
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_NE(text.out.find("openai/gpt-test"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("ollama/llama-test: 1/1 passed"), std::string::npos) << text.out;
}

TEST_F(TestCommandTest, ProviderErrorsHaveTheirOwnExitCode) {
  write_prompt("down", "  - {name: t, assert: [{type: contains, value: x}]}\n",
               "openai/gpt-test~500");
  ProcessResult failed = run_with_server({"test", "down", "--no-cache"});
  EXPECT_EQ(failed.exit_code, 5) << failed.out << failed.err;
  EXPECT_NE(failed.out.find("ERROR down: t"), std::string::npos) << failed.out;
  EXPECT_EQ(run_with_server({"test", "down", "--no-fail-on-error"}).exit_code, 0);
}

TEST_F(TestCommandTest, ChangedSinceFollowsPartialsAndDataFiles) {
  write("prompts/shared/tone.yaml", "template: \"Be kind.\"\n");
  write("prompts/uses-partial.yaml",
        "template: \"{{> shared/tone}} Hi\"\ntests:\n  - {name: t, assert: [{type: contains, "
        "value: Hi}]}\n");
  write_prompt("uses-data", "  - {name: t, dataset: data/rows.jsonl}\n");
  write("data/rows.jsonl", "{\"who\": \"A\"}\n");
  write_prompt("untouched", "  - {name: t}\n");
  commit("base");
  auto tested = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--changed-since", "HEAD"};
    args.insert(args.end(), extra.begin(), extra.end());
    return tested_prompts(args);
  };
  EXPECT_EQ(tested({}), std::set<std::string>{});
  write("prompts/shared/tone.yaml", "template: \"Be very kind.\"\n");
  EXPECT_EQ(tested({}), std::set<std::string>{"uses-partial"});
  write("data/rows.jsonl", "{\"who\": \"B\"}\n");
  EXPECT_EQ(tested({}), (std::set<std::string>{"uses-data", "uses-partial"}));
  commit("changes");
  EXPECT_EQ(tested({"--rev", "HEAD~0"}), std::set<std::string>{});
  EXPECT_EQ(tested_prompts({"--changed-since", "HEAD~1", "--rev", "HEAD"}),
            (std::set<std::string>{"uses-data", "uses-partial"}));
}

// When only prompt files changed, the prompts to test are found from the identity cache without
// loading the others: partials of partials count, a second run (the cache warm) finds the same,
// and a tools file a prompt reads counts too.
TEST_F(TestCommandTest, ChangedSinceFollowsNestedPartialsAndToolsFiles) {
  write("prompts/inner.yaml", "template: inner\n");
  write("prompts/outer.yaml", "template: \"{{> inner}} outer\"\n");
  write_prompt("nested", "  - {name: t}\n");
  write("prompts/nested.yaml", read("prompts/nested.yaml") + "system: \"{{> outer}}\"\n");
  write("tools/lookup.yaml", "- name: lookup\n");
  write_prompt("tooled", "  - {name: t}\n");
  write("prompts/tooled.yaml",
        read("prompts/tooled.yaml") + "tools: [{file: tools/lookup.yaml}]\n");
  write_prompt("untouched", "  - {name: t}\n");
  commit("base");
  std::vector<std::string> since_head = {"--changed-since", "HEAD"};
  EXPECT_EQ(tested_prompts(since_head), std::set<std::string>{});
  write("prompts/inner.yaml", "template: changed\n");
  EXPECT_EQ(tested_prompts(since_head), std::set<std::string>{"nested"});
  EXPECT_TRUE(std::filesystem::exists(root() / ".git/promptctl/identities.json"));
  EXPECT_EQ(tested_prompts(since_head), std::set<std::string>{"nested"}) << "the cache warm";
  git(root(), {"checkout", "--", "prompts/inner.yaml"});
  write("tools/lookup.yaml", "- name: lookup\n  description: Finds an order\n");
  EXPECT_EQ(tested_prompts(since_head), std::set<std::string>{"tooled"});
}

TEST_F(TestCommandTest, BaselineListsRegressionsFirst) {
  write_prompt("a", "  - {name: stays, assert: [{type: contains, value: Hello}]}\n");
  write_prompt("b", "  - {name: breaks, assert: [{type: contains, value: Hello}]}\n");
  commit("good");
  std::string changed = read("prompts/b.yaml");
  changed.replace(changed.find("Hello {{who}}"), 5, "Bye");
  write("prompts/b.yaml", changed);
  json report = test_json({"--baseline", "HEAD"}, 1);
  EXPECT_EQ(report["summary"]["regressions"], 1);
  std::map<std::string, json> results = by_test(report);
  EXPECT_EQ(results["breaks"]["baseline"], "pass");
  EXPECT_EQ(results["breaks"]["regression"], true);
  EXPECT_EQ(results["stays"]["regression"], false);
  ProcessResult text = run_with_server({"test", "--baseline", "HEAD"});
  EXPECT_EQ(text.out.rfind("REGRESSED b: breaks", 0), 0U) << text.out;
}

TEST_F(TestCommandTest, RevTestsACommitWithoutACheckout) {
  write_prompt("rev", "  - {name: t, assert: [{type: contains, value: Hello}]}\n");
  commit("v1");
  write("prompts/rev.yaml",
        "template: nothing\ntests:\n  - {name: t, assert: [{type: contains, "
        "value: Hello}]}\n");
  EXPECT_EQ(test_json({"rev"}, 1)["results"][0]["status"], "fail");
  json at_head = test_json({"--rev", "HEAD"}, 0);
  ASSERT_EQ(at_head["results"].size(), 1U);
  EXPECT_EQ(at_head["results"][0]["revision"], "HEAD");
  EXPECT_EQ(at_head["results"][0]["file"], "HEAD:prompts/rev.yaml");
}

TEST_F(TestCommandTest, RecordedAnswersReplayWithoutNetworkOrKeys) {
  write_prompt("replayed", R"(
  - {name: answer, vars: {who: Replay}, assert: [{type: contains, value: Replay}]}
  - {name: judged, assert: [{type: llm-rubric, value: hello ann}]}
  - {name: similar, assert: [{type: similar, value: "echo: Hello Ann"}]}
)");
  // Not deterministic: only --record stores its answers.
  std::string warm = read("prompts/replayed.yaml");
  warm.replace(warm.find("temperature: 0"), 14, "temperature: 0.9");
  write("prompts/replayed.yaml", warm);
  EXPECT_EQ(test_json({"replayed", "--record"}, 0)["summary"]["passed"], 3);
  std::map<std::string, std::string> offline = {{"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"},
                                                {"OPENAI_API_KEY", ""}};
  json replayed = test_json({"replayed", "--cache", "replay"}, 0, offline);
  EXPECT_EQ(replayed["summary"]["passed"], 3);
  EXPECT_EQ(replayed["results"][0]["cached"], true);
  write_prompt("fresh", "  - {name: t, vars: {who: Unrecorded}}\n");
  json missing = test_json({"fresh", "--cache", "replay"}, 2, offline);
  EXPECT_EQ(missing["results"][0]["status"], "error");
}

TEST_F(TestCommandTest, ReportFormats) {
  write_prompt("fmt", R"(
  - {name: "good <one>", assert: [{type: contains, value: Hello}]}
  - {name: "bad & worse", assert: [{type: equals, value: "x\"y"}]}
)");
  ProcessResult tap = run_with_server({"test", "fmt", "--format", "tap"});
  EXPECT_EQ(tap.exit_code, 1);
  EXPECT_EQ(tap.out.rfind("TAP version 13\n1..2\nok 1 - fmt: good <one>\nnot ok 2 - fmt: bad & "
                          "worse\n  ---\n",
                          0),
            0U)
      << tap.out;
  ProcessResult github = run_with_server({"test", "fmt", "--format", "github"});
  EXPECT_NE(github.out.find("::error file=prompts/fmt.yaml,line=8,title=fmt%3A bad & worse::"
                            "equals: the answer is 'echo: Hello Ann'\n"),
            std::string::npos)
      << github.out;
  EXPECT_NE(github.out.find("::notice title=promptctl test::1 passed, 1 failed, 0 errors"),
            std::string::npos);
  ProcessResult written =
      run_with_server({"test", "fmt", "--format", "junit", "--output", "report.xml"});
  EXPECT_EQ(written.exit_code, 1);
  EXPECT_NE(written.out.find("1 passed, 1 failed"), std::string::npos) << written.out;
  std::string junit = read("report.xml");
  EXPECT_NE(junit.find("<testcase name=\"bad &amp; worse\" classname=\"fmt\""), std::string::npos)
      << junit;
  EXPECT_NE(junit.find("<failure message=\"equals: the answer is &apos;echo: Hello Ann&apos;\" "
                       "type=\"assertion\">"),
            std::string::npos)
      << junit;
  ProcessResult both = run_with_server(
      {"test", "fmt", "--format", "github", "-o", "junit:out/j.xml", "-o", "tap:t.tap"});
  EXPECT_EQ(both.out.rfind("::error file=prompts/fmt.yaml", 0), 0U) << both.out;
  EXPECT_NE(read("out/j.xml").find("<testsuites>"), std::string::npos);
  EXPECT_EQ(read("t.tap").rfind("TAP version 13", 0), 0U);
  ProcessResult usage = run_with_server({"test", "fmt", "--output", "x.txt"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(root() / "x.txt"));
}

// The event tap-parser reports at the end of a stream: counts, and the failed test points.
json tap_parser_summary(const std::string& tap) {
  const std::string tap_parser = PROMPTCTL_TAP_PARSER;
  EXPECT_TRUE(std::filesystem::exists(tap_parser))
      << tap_parser << " is missing: scripts/dev.sh test installs it from npm";
  // A program from npm runs with no network at all: a fresh network namespace of its own.
  ProcessResult parsed = run_process("unshare", {"-rn", tap_parser, "-j", "0"},
                                     {std::filesystem::temp_directory_path(), tap, {}});
  json events = json::parse(parsed.out, nullptr, false);
  for (const json& event : events.is_array() ? events : json::array()) {
    if (event.is_array() && event.size() == 2 && event[0] == "complete") {
      return event[1];
    }
  }
  ADD_FAILURE() << "no summary from tap-parser: " << parsed.out << parsed.err;
  return json::object();
}

// Names come from the repository: none may turn a failure into a to-do, add a test point or
// stop the consumer. prove (Perl's TAP::Harness) and tap-parser (node-tap's parser, from npm)
// read the report as CI would.
TEST_F(TestCommandTest, TapReportsSurviveHostileNamesInProveAndTapParser) {
  write_prompt("tap", R"(
  - {name: "refund # TODO later", assert: [{type: equals, value: never}]}
  - {name: "back\\slash # SKIP", assert: [{type: equals, value: never}]}
  - {name: "two\nok 3 - injected\rlines", assert: [{type: equals, value: never}]}
  - {name: "passes", assert: [{type: contains, value: Hello}]}
)");
  ProcessResult result = run_with_server({"test", "tap", "--format", "tap", "-o", "tap:r.tap"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  std::string report = read("r.tap");
  EXPECT_NE(report.find("not ok 1 - tap: refund \\# TODO later\n"), std::string::npos) << report;
  EXPECT_NE(report.find("not ok 2 - tap: back\\\\slash \\# SKIP\n"), std::string::npos) << report;
  EXPECT_NE(report.find("not ok 3 - tap: two\\\\x0aok 3 - injected\\\\x0dlines\n"),
            std::string::npos)
      << report;
  ProcessResult prove = run_process("prove", {"--exec", "cat", (root() / "r.tap").string()}, {});
  EXPECT_NE(prove.exit_code, 0) << prove.out;
  EXPECT_NE(prove.out.find("Failed 3/4 subtests"), std::string::npos) << prove.out << prove.err;
  json summary = tap_parser_summary(report);
  EXPECT_EQ(summary["count"], 4) << summary;
  EXPECT_EQ(summary["fail"], 3) << summary;
  EXPECT_EQ(summary["todo"], 0) << summary;
  EXPECT_EQ(summary["skip"], 0) << summary;
  std::vector<std::string> failed;
  for (const json& failure : summary.value("failures", json::array())) {
    failed.push_back(failure.value("name", ""));
  }
  EXPECT_EQ(failed, (std::vector<std::string>{"tap: refund # TODO later", "tap: back\\slash # SKIP",
                                              "tap: two\\x0aok 3 - injected\\x0dlines"}));

  write_prompt("tap", "  - {name: \"all # good\", assert: [{type: contains, value: Hello}]}\n");
  ASSERT_EQ(run_with_server({"test", "tap", "--format", "tap", "-o", "tap:ok.tap"}).exit_code, 0);
  ProcessResult passing = run_process("prove", {"--exec", "cat", (root() / "ok.tap").string()}, {});
  EXPECT_EQ(passing.exit_code, 0) << passing.out << passing.err;
  EXPECT_NE(passing.out.find("Result: PASS"), std::string::npos) << passing.out;
  json all_pass = tap_parser_summary(read("ok.tap"));
  EXPECT_EQ(all_pass["ok"], true) << all_pass;
  EXPECT_EQ(all_pass["pass"], 1) << all_pass;
}

// The JUnit schema with the two attributes promptctl adds to a test case, `file` and `line`
// (as pytest writes them and GitLab reads them), made from the untouched one.
std::string junit_schema_with_locations(const std::string& schema) {
  const std::string testcase_time = "<xs:attribute name=\"time\" type=\"xs:decimal\"";
  std::size_t at = schema.find(testcase_time);  // the first is the test case's
  EXPECT_NE(at, std::string::npos);
  return schema.substr(0, at) +
         "<xs:attribute name=\"file\" type=\"xs:string\"/>"
         "<xs:attribute name=\"line\" type=\"xs:positiveInteger\"/>" +
         schema.substr(at);
}

TEST_F(TestCommandTest, JunitIsValidAgainstTheSchema) {
  std::filesystem::path schema =
      std::filesystem::path(PROMPTCTL_CONFORMANCE_DIR) / "junit" / "JUnit.xsd";
  ASSERT_TRUE(std::filesystem::exists(schema)) << "the repository lacks " << schema;
  ASSERT_EQ(run_process("xmllint", {"--version"}, {}).exit_code, 0)
      << "xmllint (Debian's libxml2-utils) is needed to validate JUnit reports";
  write_prompt("x", R"(
  - {name: pass, assert: [{type: contains, value: Hello}]}
  - {name: fail, assert: [{type: equals, value: "\u0001 <&>"}]}
  - {name: error, dataset: missing.csv}
  - {name: "two\nlines", assert: [{type: equals, value: "a\nb"}]}
)");
  write_prompt("y", "  - {name: other}\n");
  ProcessResult result =
      run_with_server({"test", "--format", "junit", "--output", "junit.xml", "--repeat", "2"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  std::string report = read("junit.xml");

  // Valid against the schema with locations, and against the untouched schema once the two
  // added attributes are taken out: they are the only addition.
  write("with-locations.xsd", junit_schema_with_locations(util::read_file(schema)));
  ProcessResult valid =
      run_process("xmllint",
                  {"--noout", "--schema", (root() / "with-locations.xsd").string(),
                   (root() / "junit.xml").string()},
                  {});
  EXPECT_EQ(valid.exit_code, 0) << valid.err << report;
  write("stripped.xml", std::regex_replace(report, std::regex(R"( file="[^"]*" line="\d+")"), ""));
  ProcessResult strict = run_process(
      "xmllint", {"--noout", "--schema", schema.string(), (root() / "stripped.xml").string()}, {});
  EXPECT_EQ(strict.exit_code, 0) << strict.err;

  // Each case points at its test, and a line break in a name survives the XML reader.
  EXPECT_NE(report.find(R"(file="prompts/x.yaml" line="7")"), std::string::npos) << report;
  EXPECT_NE(report.find(R"(file="prompts/y.yaml" line="6")"), std::string::npos) << report;
  ProcessResult name = run_process(
      "xmllint",
      {"--xpath", "string(//testcase[@line='10'][1]/@name)", (root() / "junit.xml").string()}, {});
  EXPECT_TRUE(name.out.starts_with("two\nlines")) << name.out;
}

TEST_F(TestCommandTest, NothingToTest) {
  ProcessResult result = run_with_server({"test"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("no tests to run"), std::string::npos);
  EXPECT_EQ(run_with_server({"test", "nonexistent"}).exit_code, 2);
}

}  // namespace
}  // namespace promptctl::testing
