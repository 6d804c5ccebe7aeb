// Assertions, the JSON Schema checker, datasets, judge verdicts and reports, without a model.
#include <gtest/gtest.h>

#include "prompt/test_data.hpp"
#include "prompt/test_rows.hpp"
#include "promptctl/testing.hpp"
#include "util/json_schema.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

Assertion assertion(const std::string& yaml_like_json) {
  Assertion made;
  made.spec = json::parse(yaml_like_json);
  made.type = made.spec["type"].get<std::string>();
  return made;
}

AssertionResult check(const std::string& spec, const std::string& output) {
  Observation observation;
  observation.output = output;
  observation.latency_ms = 120;
  observation.cost = 0.002;
  observation.output_tokens = 7;
  return evaluate_assertion(assertion(spec), observation);
}

TEST(Assertions, EveryTypeThatNeedsNoCallIsDecidedLocally) {
  // A type listed in assertion_types() without a case in evaluate_assertion is a broken
  // invariant, reported as an internal error.
  for (const std::string& type : assertion_types()) {
    Assertion written = assertion(json{{"type", type}, {"value", 1}}.dump());
    if (needs_embedding(written) || needs_judge(written)) {
      continue;
    }
    try {
      (void)check(json{{"type", type}, {"value", 1}}.dump(), "42");
    } catch (const Error& e) {
      EXPECT_NE(e.kind(), ErrorKind::internal) << type << ": " << e.what();
    } catch (const std::exception&) {
      // A malformed setting may fail its own way; this test is about the dispatch.
    }
  }
}

TEST(Assertions, TextChecks) {
  EXPECT_TRUE(check(R"({"type": "equals", "value": "yes"})", " yes\n").pass);
  EXPECT_FALSE(check(R"({"type": "equals", "value": "yes"})", "yes!").pass);
  EXPECT_TRUE(check(R"({"type": "equals", "value": {"a": [1, 2]}})", R"({"a":[1,2]})").pass);
  EXPECT_TRUE(check(R"({"type": "icontains", "value": "ÉTÉ x"})", "un ÉTÉ X").pass);
  EXPECT_FALSE(check(R"({"type": "contains", "value": "X"})", "x").pass);
  AssertionResult some = check(R"({"type": "contains-all", "value": ["a", "b", "c", "d"]})", "a b");
  EXPECT_FALSE(some.pass);
  EXPECT_DOUBLE_EQ(some.score, 0.5);
  EXPECT_NE(some.reason.find("but not 'c', 'd'"), std::string::npos) << some.reason;
  EXPECT_TRUE(check(R"({"type": "regex", "value": "\\d{3}-\\d{4}"})", "call 555-1234").pass);
  EXPECT_TRUE(check(R"({"type": "starts-with", "value": "Dear"})", "\n Dear Ann").pass);
}

AssertionResult check_calls(const std::string& spec, const std::string& calls) {
  Observation observation;
  observation.tool_calls = json::parse(calls);
  return evaluate_assertion(assertion(spec), observation);
}

TEST(Assertions, ToolCallsAreMatchedByNameArgumentsAndSchema) {
  const std::string calls =
      R"([{"id": "1", "name": "search", "arguments": {"q": "tea", "limit": 5}},
          {"id": "2", "name": "weather", "arguments": {"city": "Oslo", "units": {"t": "C"}}}])";
  EXPECT_TRUE(check_calls(R"({"type": "tool-call"})", calls).pass);
  EXPECT_TRUE(check_calls(R"({"type": "tool-call", "value": "weather"})", calls).pass);
  AssertionResult other = check_calls(R"({"type": "tool-call", "value": "book"})", calls);
  EXPECT_FALSE(other.pass);
  EXPECT_EQ(other.reason, "the model called search, weather, not book");
  // The arguments named must be there with equal values; others may be too.
  EXPECT_TRUE(check_calls(R"({"type": "tool-call", "value": {"name": "weather",
                              "arguments": {"units": {"t": "C"}}}})",
                          calls)
                  .pass);
  AssertionResult wrong = check_calls(
      R"({"type": "tool-call", "value": {"name": "weather", "arguments": {"city": "Rome"}}})",
      calls);
  EXPECT_FALSE(wrong.pass);
  EXPECT_NE(wrong.reason.find("do not hold {\"city\":\"Rome\"}"), std::string::npos)
      << wrong.reason;
  EXPECT_TRUE(check_calls(R"({"type": "tool-call", "value": {"name": "search",
                              "schema": {"type": "object", "required": ["q"]}}})",
                          calls)
                  .pass);
  AssertionResult breaks = check_calls(R"({"type": "tool-call", "value": {"schema":
                                           {"type": "object", "required": ["page"]}}})",
                                       calls);
  EXPECT_FALSE(breaks.pass);
  EXPECT_NE(breaks.reason.find("break the schema"), std::string::npos) << breaks.reason;

  EXPECT_FALSE(check_calls(R"({"type": "no-tool-call"})", calls).pass);
  EXPECT_TRUE(check_calls(R"({"type": "no-tool-call"})", "[]").pass);
  EXPECT_FALSE(check_calls(R"({"type": "tool-call"})", "[]").pass);
  EXPECT_TRUE(check_calls(R"({"type": "not-tool-call", "value": "book"})", calls).pass);

  EXPECT_FALSE(assertion_problems(assertion(R"({"type": "tool-call", "value": [1]})")).empty());
  std::vector<std::string> typo =
      assertion_problems(assertion(R"({"type": "tool-call", "value": {"argument": {}}})"));
  ASSERT_EQ(typo.size(), 1U);
  EXPECT_NE(typo[0].find("did you mean 'arguments'"), std::string::npos) << typo[0];
}

TEST(Assertions, NegationTurnsThePassAndTheScoreAround) {
  AssertionResult held = check(R"({"type": "not-contains", "value": "sorry"})", "Sorry!");
  EXPECT_TRUE(held.pass);
  EXPECT_DOUBLE_EQ(held.score, 1.0);
  AssertionResult broke = check(R"({"type": "not-icontains", "value": "sorry"})", "Sorry!");
  EXPECT_FALSE(broke.pass);
  EXPECT_EQ(broke.type, "not-icontains");
  EXPECT_NE(broke.reason.find("contains 'sorry'"), std::string::npos);
}

TEST(Assertions, BoundsCountCharactersWordsAndTokens) {
  EXPECT_TRUE(check(R"({"type": "max-length", "value": 4})", "héhé").pass);  // 4 characters
  EXPECT_FALSE(check(R"({"type": "min-length", "value": 5})", "héhé").pass);
  EXPECT_TRUE(check(R"({"type": "length", "min": 1, "max": 4})", "abcd").pass);
  EXPECT_TRUE(check(R"({"type": "word-count", "value": 3})", " one two\nthree ").pass);
  EXPECT_FALSE(check(R"({"type": "tokens", "max": 6})", "x").pass);
  EXPECT_TRUE(check(R"({"type": "latency", "value": 120})", "x").pass);
  EXPECT_FALSE(check(R"({"type": "cost", "max": 0.001})", "x").pass);
  Observation unknown;
  EXPECT_FALSE(evaluate_assertion(assertion(R"({"type": "cost", "value": 1})"), unknown).pass);
}

TEST(Assertions, JsonAndSchemas) {
  EXPECT_TRUE(check(R"({"type": "is-json"})", " [1, 2] ").pass);
  EXPECT_FALSE(check(R"({"type": "is-json"})", "```json\n{}\n```").pass);
  AssertionResult result = check(
      R"({"type": "json-schema", "value": {"type": "object", "properties": {"n": {"type": "integer", "maximum": 3}}}})",
      R"({"n": 4})");
  EXPECT_FALSE(result.pass);
  EXPECT_NE(result.reason.find("/n"), std::string::npos) << result.reason;
}

TEST(Assertions, EditDistanceAndSimilarity) {
  EXPECT_EQ(levenshtein_distance("kitten", "sitting"), 3U);
  EXPECT_EQ(levenshtein_distance("été", "ete"), 2U);  // characters, not bytes
  EXPECT_TRUE(check(R"({"type": "levenshtein", "value": "colour", "threshold": 1})", "color").pass);
  EXPECT_FALSE(check(R"({"type": "levenshtein", "value": "kitten"})", "a sitting duck").pass);
  EXPECT_DOUBLE_EQ(cosine_similarity({1, 0}, {0, 1}), 0.0);
  EXPECT_DOUBLE_EQ(cosine_similarity({1, 2}, {2, 4}), 1.0);
  EXPECT_DOUBLE_EQ(cosine_similarity({0, 0}, {1, 1}), 0.0);
  Assertion similar = assertion(R"({"type": "similar", "value": "x", "threshold": 0.9})");
  EXPECT_FALSE(similarity_result(similar, 0.85).pass);
  EXPECT_TRUE(similarity_result(similar, 0.95).pass);
  EXPECT_TRUE(needs_embedding(similar));
  EXPECT_FALSE(needs_judge(similar));
}

TEST(Assertions, ProblemsAreFoundBeforeAnyCall) {
  auto problems = [](const std::string& spec) { return assertion_problems(assertion(spec)); };
  EXPECT_TRUE(problems(R"({"type": "contains", "value": "x"})").empty());
  EXPECT_FALSE(problems(R"({"type": "contains"})").empty());
  EXPECT_FALSE(problems(R"({"type": "regex", "value": "[a-"})").empty());
  EXPECT_FALSE(problems(R"({"type": "contains-any", "value": "x"})").empty());
  EXPECT_FALSE(problems(R"({"type": "length", "min": 5, "max": 2})").empty());
  EXPECT_FALSE(problems(R"({"type": "latency"})").empty());
  EXPECT_FALSE(problems(R"({"type": "similar", "value": "x", "threshold": 2})").empty());
  EXPECT_FALSE(problems(R"({"type": "contains", "value": "x", "threshold": 1})").empty());
  EXPECT_FALSE(problems(R"({"type": "contains", "value": "x", "weight": -1})").empty());
  EXPECT_FALSE(problems(R"({"type": "contains", "value": "x", "model": "m"})").empty());
  EXPECT_FALSE(problems(R"({"type": "json-schema", "value": {"pattern": "("}})").empty());
  EXPECT_TRUE(problems(R"({"type": "json-schema", "value": "schemas/a.json"})").empty());
}

TEST(JsonSchema, CoversTheCommonKeywords) {
  json schema = json::parse(R"({
    "$defs": {"tag": {"type": "string", "enum": ["a", "b"]}},
    "type": "object", "required": ["tags", "n"], "additionalProperties": false,
    "properties": {
      "tags": {"type": "array", "items": {"$ref": "#/$defs/tag"}, "uniqueItems": true, "maxItems": 3},
      "n": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
      "s": {"type": "string", "minLength": 2, "pattern": "^x"}
    }})");
  EXPECT_TRUE(util::check_json_schema(schema, json::parse(R"({"tags": ["a"], "n": 2})")).empty());
  auto violations = util::check_json_schema(
      schema, json::parse(R"({"tags": ["a", "c", "a"], "n": -1, "s": "y", "extra": 1})"));
  std::set<std::string> pointers;
  for (const auto& violation : violations) {
    pointers.insert(violation.pointer);
  }
  EXPECT_EQ(pointers, (std::set<std::string>{"/tags", "/tags/1", "/n", "/s", "/extra"}));
  EXPECT_TRUE(util::check_json_schema(json::parse(R"({"type": "integer"})"), json(3.0)).empty());
  EXPECT_FALSE(util::check_json_schema(json(false), json(1)).empty());
  EXPECT_FALSE(util::schema_problems(json::parse(R"({"$ref": "#/nowhere"})")).empty());
  EXPECT_FALSE(util::schema_problems(json::parse(R"({"allOf": {}})")).empty());
  // A pattern that does not compile is reported with the reason, and one that is not a text too.
  EXPECT_EQ(
      util::schema_problems(json{{"pattern", "a)"}}),
      std::vector<std::string>{
          "the schema at /pattern: \"a)\" is not a valid pattern: a ')' that closes no group (at "
          "character 2)"});
  EXPECT_EQ(util::schema_problems(json{{"pattern", 5}}),
            std::vector<std::string>{
                "the schema at /pattern: 5 is not a valid pattern: it is not a text"});
  EXPECT_EQ(util::schema_problems(json{{"patternProperties", {{"[a", json::object()}}}}),
            std::vector<std::string>{"the schema at /patternProperties: '[a' is not a valid "
                                     "pattern: a '[' that is never closed (at character 3)"});
  // A match that would take too long fails the value, saying why, rather than hanging.
  auto slow = util::check_json_schema(json{{"pattern", "(?=a*b)"}}, json(std::string(30'000, 'a')));
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_NE(slow[0].message.find("could not be checked against the pattern"), std::string::npos)
      << slow[0].message;
}

TEST(Judge, VerdictsInJsonOrPlainWords) {
  auto verdict = parse_judge_verdict(
      "Here:\n```json\n{\"pass\": false, \"score\": 0.3, "
      "\"reason\": \"too curt\"}\n```");
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(verdict->pass);
  EXPECT_DOUBLE_EQ(verdict->score, 0.3);
  EXPECT_EQ(verdict->reason, "too curt");
  auto scored = parse_judge_verdict(R"({"score": 0.8})");
  ASSERT_TRUE(scored);
  EXPECT_TRUE(scored->pass);
  auto words = parse_judge_verdict("PASS: it apologises");
  ASSERT_TRUE(words);
  EXPECT_TRUE(words->pass);
  EXPECT_EQ(words->reason, "it apologises");
  EXPECT_FALSE(parse_judge_verdict("I think it is fine"));
  // As the man page says: a line starting PASS or FAIL, wherever it stands.
  auto third = parse_judge_verdict("The answer apologises.\nIt offers a refund.\nPASS");
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->pass);
  auto bold = parse_judge_verdict("Reasoning first.\n**FAIL** - no next step\nPASS later");
  ASSERT_TRUE(bold);
  EXPECT_FALSE(bold->pass);
  EXPECT_EQ(bold->reason, "no next step");
  EXPECT_FALSE(parse_judge_verdict("Passing grades are rare.\nFailure is common."));
  Assertion rubric = assertion(R"({"type": "llm-rubric", "value": "x", "threshold": 0.5})");
  EXPECT_TRUE(rubric_result(rubric, {false, 0.6, "close"}).pass);  // the score decides
  EXPECT_FALSE(builtin_judge_prompt().empty());
}

TEST(Datasets, CsvFollowsRfc4180) {
  auto records =
      prompt_detail::parse_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z", "d.csv");
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"x, y", "say \"hi\""}));
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"two\nlines", "z"}));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_THROW(prompt_detail::parse_csv("a\n\"open", "d.csv"), Error);
  auto rows = prompt_detail::read_dataset({"d.csv", "who,n\nAnn,1\n\nBo,2\n"});
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1], json::parse(R"({"who": "Bo", "n": "2"})"));
  try {
    (void)prompt_detail::read_dataset({"d.csv", "who\nAnn\nBo,extra\n"});
    FAIL() << "a short row must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.location().line, 3);
  }
  EXPECT_THROW((void)prompt_detail::read_dataset({"d.txt", "x"}), Error);
  EXPECT_EQ(prompt_detail::read_dataset({"d.yaml", "- {who: A}\n- {who: B}\n"}).size(), 2U);
  EXPECT_THROW((void)prompt_detail::read_dataset({"d.jsonl", "{\"a\": 1}\n[1]\n"}), Error);
}

TEST(TestRows, AssertionValuesAreRenderedOverTheRow) {
  std::vector<Assertion> written = {
      assertion(R"({"type": "equals", "value": "Hi {{who}}, {{#vip}}sir{{/vip}}"})"),
      assertion(R"({"type": "contains-any", "value": ["{{who}}", "{{a.b}}", "plain"]})"),
      assertion(R"({"type": "max-length", "value": 10})")};
  prompt_detail::AssertionValues values(written);
  EXPECT_EQ(values.names(), (std::set<std::string>{"who", "vip", "a"}));
  json row = json::parse(R"({"who": "Ann", "vip": true, "a": {"b": 2}})");
  std::vector<Assertion> rendered = values.for_row(row);
  EXPECT_EQ(rendered[0].spec["value"], "Hi Ann, sir");
  EXPECT_EQ(rendered[1].spec["value"], json::parse(R"(["Ann", "2", "plain"])"));
  EXPECT_EQ(rendered[2].spec["value"], 10);
  EXPECT_EQ(
      values.for_row(json::parse(R"({"who": "Bo", "vip": false, "a": {"b": 3}})"))[0].spec["value"],
      "Hi Bo, ");
  EXPECT_THROW((void)values.for_row(json::parse(R"({"who": "A"})")), Error);
  prompt_detail::AssertionValues unclosed({assertion(R"({"type": "contains", "value": "{{who"})")});
  EXPECT_TRUE(unclosed.names().empty());
  EXPECT_THROW((void)unclosed.for_row(row), Error);
}

TEST(TestRows, OnlyColumnsTheAssertionsAloneUseStayAwayFromThePrompt) {
  Prompt prompt;
  VariableSpec declared;
  declared.name = "who";
  prompt.variables.push_back(declared);
  json row = json::parse(R"({"who": "Ann", "expected": "x", "used": 1, "stray": 2})");
  json values =
      prompt_detail::prompt_values_of_row(row, {"who", "expected", "used"}, prompt, {"used"});
  EXPECT_EQ(values, json::parse(R"({"who": "Ann", "used": 1, "stray": 2})"));
}

CaseResult case_result(const std::string& test, CaseStatus status) {
  CaseResult result;
  result.prompt = "p";
  result.test = test;
  result.file = "prompts/p.yaml";
  result.line = 4;
  result.model = "openai/m";
  result.status = status;
  return result;
}

TEST(Results, BaselinesMarkRegressionsAndTheyComeFirst) {
  std::vector<CaseResult> now = {
      case_result("a", CaseStatus::pass), case_result("b", CaseStatus::error),
      case_result("c", CaseStatus::fail), case_result("d", CaseStatus::fail)};
  std::vector<CaseResult> before = {case_result("a", CaseStatus::pass),
                                    case_result("b", CaseStatus::pass),
                                    case_result("c", CaseStatus::fail)};
  compare_with_baseline(now, before);
  EXPECT_TRUE(now[1].regressed());
  EXPECT_FALSE(now[2].regressed());
  EXPECT_EQ(now[3].baseline, "");
  order_for_report(now);
  EXPECT_EQ(now[0].test, "b");
  EXPECT_EQ(now[1].test, "c");
  TestSummary summary = summarize(now, 0, 10);
  EXPECT_EQ(summary.regressions, 1U);
  EXPECT_EQ(summary.failed, 2U);
  EXPECT_EQ(summary.errors, 1U);
}

TEST(Reports, GithubAnnotationsEscapeTheirFields) {
  CaseResult failed = case_result("a, b: c", CaseStatus::error);
  failed.error = "50% done\nthen broke";
  std::string report = github_report({failed}, summarize({failed}, 0, 1));
  EXPECT_EQ(report.substr(0, report.find('\n')),
            "::error file=prompts/p.yaml,line=4,title=p%3A a%2C b%3A c::50%25 done%0Athen broke");
}

}  // namespace

// Found by the data fuzzer: a CSV cell that is not UTF-8 reached JSON output and ended the
// command as an internal error.
TEST(Datasets, TextThatIsNotUtf8IsRefusedWhereItIs) {
  try {
    (void)prompt_detail::read_dataset({"data/rows.csv", "who\nAnn\nB\xff\xfeo\n"});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "data/rows.csv:3:2: file is not valid UTF-8");
  }
  EXPECT_THROW((void)prompt_detail::read_vars_file({"vars.yaml", "who: \"\xc3\x28\"\n"}), Error);
}

TEST(Judge, ShortLinesAreNoVerdict) {
  EXPECT_FALSE(parse_judge_verdict("ok\n\nno\nPas"));
  EXPECT_TRUE(parse_judge_verdict("ok\nFail"));
}
