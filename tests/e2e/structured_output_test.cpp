// Structured output: a prompt's `output:` schema sent in each provider's own way, the answer
// parsed and checked against it, by `run` and by `test`.
#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

const char* const k_person_schema =
    "  schema:\n"
    "    type: object\n"
    "    properties:\n"
    "      name: {type: string}\n"
    "      age: {type: integer, minimum: 0}\n"
    "    required: [name, age]\n"
    "    additionalProperties: false\n";

class StructuredOutputTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write("prompts/person.yaml", std::string("variables:\n  q: {type: string}\n"
                                             "model: {provider: openai, name: gpt-test}\n"
                                             "output:\n") +
                                     k_person_schema + "template: \"{{q}}\"\n");
  }

  json last_body() const { return json::parse(m_server.requests().back().body); }

  static json person_schema() {
    return json::parse(R"({"type": "object", "properties": {"name": {"type": "string"},
        "age": {"type": "integer", "minimum": 0}}, "required": ["name", "age"],
        "additionalProperties": false})");
  }
};

TEST_F(StructuredOutputTest, OpenAiGetsAJsonSchemaResponseFormatAndTheAnswerIsParsed) {
  json result = run_json({"run", "person", "--var", R"(q={"name": "Ann", "age": 3})"});
  EXPECT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["output_json"], json::parse(R"({"name": "Ann", "age": 3})"));
  json format = last_body()["response_format"];
  EXPECT_EQ(format["type"], "json_schema");
  EXPECT_EQ(format["json_schema"]["name"], "person");
  EXPECT_EQ(format["json_schema"]["schema"], person_schema());
}

TEST_F(StructuredOutputTest, AnAnswerThatBreaksTheSchemaFailsTheRunWithItsViolations) {
  ProcessResult broken = run_with_server({"run", "person", "--var", R"(q={"name": "Ann"})"});
  EXPECT_EQ(broken.exit_code, 5) << broken.err;
  EXPECT_NE(broken.err.find("breaks the output schema"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find("age"), std::string::npos) << broken.err;
  ProcessResult text = run_with_server(
      {"run", "person", "--var", "q=just words", "--model", "openai/gpt-test~prose"});
  EXPECT_EQ(text.exit_code, 5) << text.err;
  EXPECT_NE(text.err.find("not JSON"), std::string::npos) << text.err;
  json recorded = json::parse(run_with_server({"runs", "--json"}).out)["runs"];
  ASSERT_EQ(recorded.size(), 2U) << recorded;
  EXPECT_EQ(recorded[0]["status"], "error");
  EXPECT_NE(recorded[0]["error"].get<std::string>().find("output schema"), std::string::npos);

  // With retries the question is asked again, then given up.
  write("prompts/retried.yaml", std::string("variables:\n  q: {type: string}\n"
                                            "model: openai/gpt-test\n"
                                            "output:\n  retries: 2\n") +
                                    k_person_schema + "template: \"{{q}}\"\n");
  std::size_t before = m_server.request_count();
  ProcessResult retried = run_with_server({"run", "retried", "--var", R"(q={"age": -1})"});
  EXPECT_EQ(retried.exit_code, 5) << retried.err;
  EXPECT_EQ(m_server.request_count(), before + 3);
  EXPECT_NE(retried.err.find("asking again"), std::string::npos) << retried.err;
}

class EveryDialect : public StructuredOutputTest,
                     public ::testing::WithParamInterface<std::string> {};

TEST_P(EveryDialect, SendsTheSchemaItsOwnWayAndReadsTheAnswerWholeAndStreamed) {
  for (const char* stream : {"--no-stream", "--stream"}) {
    json result = run_json({"run", "person", "--model", GetParam(), stream, "--var",
                            R"(q={"name": "Bo Lee", "age": 40})"});
    ASSERT_EQ(result["status"], "ok") << stream << result;
    EXPECT_EQ(result["output_json"], json::parse(R"({"name": "Bo Lee", "age": 40})")) << stream;
    json body = last_body();
    std::string provider = GetParam().substr(0, GetParam().find('/'));
    if (provider == "anthropic") {
      EXPECT_EQ(body["tools"][0]["input_schema"], person_schema());
      EXPECT_EQ(body["tool_choice"], json::parse(R"({"type": "tool", "name": "person"})"));
    } else if (provider == "ollama") {
      EXPECT_EQ(body["format"], person_schema());
    } else {
      EXPECT_EQ(body["response_format"]["json_schema"]["schema"], person_schema());
    }
  }
  ProcessResult broken =
      run_with_server({"run", "person", "--model", GetParam(), "--var", R"(q={"age": "x"})"});
  EXPECT_EQ(broken.exit_code, 5) << broken.err;
}

INSTANTIATE_TEST_SUITE_P(StructuredOutput, EveryDialect,
                         ::testing::Values("openai/gpt-test", "anthropic/claude-test",
                                           "ollama/llama3", "azure-openai/dep"),
                         provider_param_name);

TEST_F(StructuredOutputTest, AModelThatKeepsToTheSchemaIsNotAskedAgain) {
  json result = run_json({"run", "person", "--var", "q=Who is this?"});
  EXPECT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["output_json"], json::parse(R"({"name": "echo", "age": 0})"));
  EXPECT_EQ(result["attempts"], 1);
}

TEST_F(StructuredOutputTest, TestChecksTheSchemaOnEveryCaseWithoutBeingAsked) {
  write("prompts/person.tests.yaml",
        "tests:\n"
        "  - name: fits\n    vars: {q: '{\"name\": \"Ann\", \"age\": 3}'}\n"
        "  - name: breaks\n    vars: {q: '{\"name\": \"Ann\", \"age\": -3}'}\n");
  ProcessResult result = run_with_server({"test", "person", "--json"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  json report = json::parse(result.out);
  std::map<std::string, std::string> status;
  for (const json& test : report["results"]) {
    status[test["test"]] = test["status"];
  }
  EXPECT_EQ(status["fits"], "pass") << report;
  EXPECT_EQ(status["breaks"], "fail") << report;
}

TEST_F(StructuredOutputTest, LintChecksTheSchemaAndWhatEachProviderAccepts) {
  write("prompts/bad-schema.yaml",
        "output:\n  schema: {type: object, properties: {a: {type: 5}}}\ntemplate: Hi\n");
  ProcessResult bad = run({"lint", "bad-schema"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("prompts/bad-schema.yaml:2:"), std::string::npos) << bad.out;
  write("prompts/list-for-claude.yaml",
        "model: anthropic/claude-test\noutput:\n  schema: {type: array}\ntemplate: Hi\n");
  ProcessResult claude = run({"lint", "list-for-claude"});
  EXPECT_EQ(claude.exit_code, 1) << claude.out;
  EXPECT_NE(claude.out.find("type must be object"), std::string::npos) << claude.out;
  write("prompts/bad-name.yaml", "output: {schema: {type: object}, name: 'a b'}\ntemplate: Hi\n");
  EXPECT_EQ(run({"lint", "bad-name"}).exit_code, 1);
  EXPECT_EQ(run({"lint", "person"}).exit_code, 0);
}

TEST_F(StructuredOutputTest, ShowPrintsTheSchema) {
  json shown = json::parse(run({"show", "person", "--json"}).out);
  EXPECT_EQ(shown["output"]["format"], "json");
  EXPECT_EQ(shown["output"]["schema"], person_schema());
  EXPECT_EQ(shown["effective_model"]["response_schema"]["name"], "person");
  json vars = json::parse(run({"vars", "person", "--json"}).out);
  EXPECT_EQ(vars["output"]["schema"], person_schema());
  EXPECT_NE(run({"vars", "person"}).out.find("answers with JSON to the schema 'person'"),
            std::string::npos);
  EXPECT_TRUE(json::parse(run({"vars", "hello", "--json"}).out)["output"].is_null());
  ProcessResult text = run({"show", "person"});
  EXPECT_NE(text.out.find("json, schema 'person'"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\"additionalProperties\": false"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace promptctl::testing
