// Tools: a prompt's `tools:` sent in each provider's format, the calls the model makes read
// from whole and streamed answers, printed by `run`, kept in the ledger and the cache.
#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class ToolsTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write("prompts/weather.yaml",
          "variables:\n  q: {type: string}\n"
          "model: {provider: openai, name: gpt-test}\n"
          "tools:\n"
          "  - name: get_weather\n"
          "    description: The weather now in a city\n"
          "    parameters:\n"
          "      type: object\n"
          "      properties: {city: {type: string}}\n"
          "      required: [city]\n"
          "  - name: get_time\n"
          "template: \"{{q}}\"\n");
  }

  json last_body() const { return json::parse(m_server.requests().back().body); }

  static json weather_parameters() {
    return json::parse(R"({"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]})");
  }
};

class ToolsEveryDialect : public ToolsTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ToolsEveryDialect, DeclaresTheToolsInItsFormatAndReadsTheCallWholeAndStreamed) {
  for (const char* stream : {"--no-stream", "--stream"}) {
    json result = run_json({"run", "weather", "--model", GetParam() + "~call=get_weather", stream,
                            "--var", R"(q={"city": "Oslo"})"});
    ASSERT_EQ(result["status"], "ok") << stream << result;
    ASSERT_EQ(result["tool_calls"].size(), 1U) << stream << result;
    EXPECT_EQ(result["tool_calls"][0]["name"], "get_weather");
    EXPECT_EQ(result["tool_calls"][0]["arguments"], json::parse(R"({"city": "Oslo"})")) << stream;
    EXPECT_EQ(result["output"], "");

    json body = last_body();
    ASSERT_EQ(body["tools"].size(), 2U) << body;
    std::string provider = GetParam().substr(0, GetParam().find('/'));
    if (provider == "anthropic") {
      EXPECT_EQ(body["tools"][0]["input_schema"], weather_parameters());
      EXPECT_EQ(body["tools"][0]["description"], "The weather now in a city");
      EXPECT_EQ(result["tool_calls"][0]["id"], "toolu_test");
    } else {
      EXPECT_EQ(body["tools"][0]["type"], "function");
      EXPECT_EQ(body["tools"][0]["function"]["parameters"], weather_parameters());
      // A tool without parameters takes an empty object.
      EXPECT_EQ(body["tools"][1]["function"]["parameters"],
                json::parse(R"({"type": "object", "properties": {}})"));
    }
  }
}

TEST_P(ToolsEveryDialect, AConversationGoesOnWithTheToolsResultsInItsFormat) {
  write("prompts/followup.yaml",
        "variables:\n  conversation: {type: messages}\n  question: string\n"
        "tools: [{name: get_weather}]\n"
        "messages:\n"
        "  - {role: system, content: Be brief.}\n"
        "  - {role: user, content: \"{{question}}\"}\n"
        "  - history: conversation\n");
  write("talk.yaml",
        "question: Weather in Oslo?\n"
        "conversation:\n"
        "  - role: assistant\n"
        "    tool_calls: [{id: call_1, name: get_weather, arguments: {city: Oslo}}]\n"
        "  - {role: tool, tool_call_id: call_1, content: {temp: 3}}\n");
  json result = run_json({"run", "followup", "--var-file", "talk.yaml", "--model", GetParam()});
  ASSERT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["output"], "echo: {\"temp\":3}");  // the model reads the result

  json messages = last_body()["messages"];
  std::string provider = GetParam().substr(0, GetParam().find('/'));
  if (provider == "anthropic") {
    ASSERT_EQ(messages.size(), 3U) << messages;
    EXPECT_EQ(messages[1], json::parse(R"({"role": "assistant", "content": [{"type": "tool_use",
                 "id": "call_1", "name": "get_weather", "input": {"city": "Oslo"}}]})"));
    EXPECT_EQ(messages[2], json::parse(R"({"role": "user", "content": [{"type": "tool_result",
                 "tool_use_id": "call_1", "content": "{\"temp\":3}"}]})"));
    return;
  }
  ASSERT_EQ(messages.size(), 4U) << messages;
  if (provider == "ollama") {
    EXPECT_EQ(
        messages[2]["tool_calls"],
        json::parse(R"([{"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}])"));
    EXPECT_EQ(messages[3], json::parse(R"({"role": "tool", "content": "{\"temp\":3}",
                                           "tool_name": "get_weather"})"));
    return;
  }
  EXPECT_EQ(messages[2], json::parse(R"({"role": "assistant", "content": null, "tool_calls": [
                 {"id": "call_1", "type": "function", "function": {"name": "get_weather",
                  "arguments": "{\"city\":\"Oslo\"}"}}]})"));
  EXPECT_EQ(messages[3], json::parse(R"({"role": "tool", "tool_call_id": "call_1",
                                         "content": "{\"temp\":3}"})"));
}

INSTANTIATE_TEST_SUITE_P(Tools, ToolsEveryDialect,
                         ::testing::Values("openai/gpt-test", "anthropic/claude-test",
                                           "ollama/llama3", "azure-openai/dep"),
                         provider_param_name);

TEST_F(ToolsTest, RunPrintsTheCallsAndTheLedgerKeepsThem) {
  ProcessResult printed =
      run_with_server({"run", "weather", "--model", "openai/gpt-test~call", "--var", "q=hi"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(printed.out, "tool call: get_weather {\"city\":\"echo\"} (id call_test1)\n");

  json shown = json::parse(run({"runs", "show", "1", "--json"}).out);
  ASSERT_EQ(shown["tool_calls"].size(), 1U) << shown;
  EXPECT_EQ(shown["tool_calls"][0]["arguments"], json::parse(R"({"city": "echo"})"));
  EXPECT_NE(run({"runs", "show", "1"}).out.find("### tool calls\ntool call: get_weather"),
            std::string::npos);

  // A model that answers in words makes no calls.
  json words = run_json({"run", "weather", "--var", "q=hi"});
  EXPECT_EQ(words["output"], "echo: hi");
  EXPECT_EQ(words["tool_calls"], json::array());
}

TEST_F(ToolsTest, ToolChoiceIsSentAndCheckedAgainstTheTools) {
  json chosen = run_json({"run", "weather", "--param", "tool_choice=get_time", "--var", "q=hi"});
  ASSERT_EQ(chosen["status"], "ok") << chosen;
  EXPECT_EQ(last_body()["tool_choice"],
            json::parse(R"({"type": "function", "function": {"name": "get_time"}})"));
  ASSERT_EQ(chosen["tool_calls"].size(), 1U) << chosen;
  EXPECT_EQ(chosen["tool_calls"][0]["name"], "get_time");

  json anthropic = run_json({"run", "weather", "--model", "anthropic/claude-test", "--param",
                             "tool_choice=required", "--var", "q=hi"});
  EXPECT_EQ(last_body()["tool_choice"], json::parse(R"({"type": "any"})"));
  EXPECT_EQ(anthropic["tool_calls"][0]["name"], "get_weather") << anthropic;

  std::size_t before = m_server.request_count();
  ProcessResult unknown =
      run_with_server({"run", "weather", "--param", "tool_choice=get_wether", "--var", "q=hi"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("did you mean 'get_weather'"), std::string::npos) << unknown.err;
  ProcessResult ollama = run_with_server({"run", "weather", "--model", "ollama/llama3", "--param",
                                          "tool_choice=required", "--var", "q=hi"});
  EXPECT_EQ(ollama.exit_code, 2) << ollama.err;
  EXPECT_NE(ollama.err.find("Ollama's API has no tool_choice"), std::string::npos) << ollama.err;
  EXPECT_EQ(m_server.request_count(), before) << "a refused request was sent";
}

TEST_F(ToolsTest, ACachedAnswerKeepsItsCalls) {
  std::vector<std::string> args = {"run",   "weather", "--model", "openai/gpt-test~call",
                                   "--var", "q=hi",    "--cache", "on"};
  json first = run_json(args);
  json second = run_json(args);
  EXPECT_EQ(second["cached"], true) << second;
  EXPECT_EQ(second["tool_calls"], first["tool_calls"]);
  EXPECT_EQ(second["tool_calls"].size(), 1U);
}

TEST_F(ToolsTest, LintLocatesBadToolsAndShowListsThem) {
  write("prompts/bad.yaml",
        "template: hi\n"
        "model: {provider: openai, name: gpt-test, tool_choice: lookup}\n"
        "tools:\n"
        "  - name: look up\n"
        "  - name: fetch\n"
        "    parameters: {type: string}\n"
        "  - name: fetch\n");
  ProcessResult lint = run({"lint", "bad"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out;
  EXPECT_NE(lint.out.find("prompts/bad.yaml:4:11"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("a tool's name has 1 to 64 letters"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("prompts/bad.yaml:6:17"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("schema of type object"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("a second tool named 'fetch'"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("prompts/bad.yaml:2:43"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("tool_choice is 'lookup'"), std::string::npos) << lint.out;

  write("prompts/both.yaml",
        "template: hi\nmodel: anthropic/claude-test\n"
        "output: {schema: {type: object}}\n"
        "tools: [{name: fetch}]\n");
  ProcessResult both = run({"lint", "both"});
  EXPECT_EQ(both.exit_code, 1) << both.out;
  EXPECT_NE(both.out.find("prompts/both.yaml:4:9"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("never call the prompt's own tools"), std::string::npos) << both.out;

  ProcessResult shown = run({"show", "weather"});
  EXPECT_NE(shown.out.find("get_weather  The weather now in a city"), std::string::npos)
      << shown.out;
  json shown_json = json::parse(run({"show", "weather", "--json"}).out);
  ASSERT_EQ(shown_json["tools"].size(), 2U);
  EXPECT_EQ(shown_json["tools"][0]["parameters"], weather_parameters());
  EXPECT_FALSE(shown_json["tools"][1].contains("description"));
}

TEST_F(ToolsTest, ACallWithoutItsResultIsRefusedBeforeAnythingIsSent) {
  write("prompts/followup.yaml",
        "variables:\n  conversation: {type: messages}\n  question: string\n"
        "tools: [{name: get_weather}]\nmodel: openai/gpt-test\n"
        "messages:\n  - history: conversation\n  - {role: user, content: \"{{question}}\"}\n");
  write("unanswered.yaml",
        "question: And now?\n"
        "conversation:\n"
        "  - {role: user, content: Weather}\n"
        "  - {role: assistant, tool_calls: [{id: c9, name: get_weather, arguments: {}}]}\n");
  std::size_t before = m_server.request_count();
  ProcessResult unanswered = run_with_server({"run", "followup", "--var-file", "unanswered.yaml"});
  EXPECT_EQ(unanswered.exit_code, 2) << unanswered.err;
  EXPECT_NE(unanswered.err.find("call 'c9' has no tool result"), std::string::npos)
      << unanswered.err;
  write("stray.yaml",
        "question: And now?\n"
        "conversation: [{role: tool, tool_call_id: c1, content: sunny}]\n");
  ProcessResult stray = run_with_server({"run", "followup", "--var-file", "stray.yaml"});
  EXPECT_EQ(stray.exit_code, 2) << stray.err;
  EXPECT_NE(stray.err.find("message 1 is a tool's result whose tool_call_id names no earlier call"),
            std::string::npos)
      << stray.err;
  EXPECT_EQ(m_server.request_count(), before);

  // render shows the turns as they will be sent, calls included.
  ProcessResult rendered = run({"render", "followup", "--var-file", "unanswered.yaml", "--json"});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  EXPECT_EQ(json::parse(rendered.out)["messages"][1]["tool_calls"][0]["id"], "c9");
}

TEST_F(ToolsTest, RerunGoesOnFromARunsCallsWithTheirResults) {
  // The model calls the tool once (x1), then answers what it reads.
  json called = run_json(
      {"run", "weather", "--model", "openai/gpt-test~callx1", "--var", R"(q={"city": "Oslo"})"});
  ASSERT_EQ(called["tool_calls"].size(), 1U) << called;
  std::string id = called["tool_calls"][0]["id"];
  write("oslo.json", "{\"temp\": 3}");
  json answered = run_json(
      {"rerun", std::to_string(called["run_id"].get<int>()), "--tool-result", id + "=@oslo.json"});
  ASSERT_EQ(answered["status"], "ok") << answered;
  EXPECT_EQ(answered["output"], "echo: {\"temp\": 3}");
  EXPECT_EQ(answered["parent_run_id"], called["run_id"]);
  json messages = last_body()["messages"];
  ASSERT_EQ(messages.size(), 3U) << messages;
  EXPECT_EQ(messages[1]["tool_calls"][0]["id"], id);
  EXPECT_EQ(messages[2],
            (json{{"role", "tool"}, {"tool_call_id", id}, {"content", "{\"temp\": 3}"}}));
  EXPECT_NE(run({"runs", "show", "2"}).out.find("### tool\n{\"temp\": 3}"), std::string::npos);

  ProcessResult unknown = run_with_server({"rerun", "1", "--tool-result", "call_tset1=x"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("not a call of run 1"), std::string::npos) << unknown.err;
  ProcessResult none = run_with_server({"rerun", "2", "--tool-result", "x=y"});
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_NE(none.err.find("run 2 made no tool calls"), std::string::npos) << none.err;
  ProcessResult missing = run_with_server({"rerun", "1", "--tool-result", id + "=@gone.json"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("gone.json"), std::string::npos) << missing.err;
}

TEST_F(ToolsTest, ToolsComeFromASharedFileToo) {
  write("tools/orders.yaml",
        "# Shared by every prompt about orders.\n"
        "- name: lookup_order\n"
        "  parameters: {type: object, properties: {id: {type: string}}}\n");
  write("prompts/shared.yaml",
        "model: openai/gpt-test\ntemplate: hi\n"
        "tools:\n  - file: tools/orders.yaml\n  - name: escalate\n");
  json called = run_json({"run", "shared", "--model", "openai/gpt-test~call=lookup_order"});
  ASSERT_EQ(called["tool_calls"].size(), 1U) << called;
  EXPECT_EQ(called["tool_calls"][0]["arguments"], json::parse(R"({"id": "echo"})"));
  EXPECT_EQ(last_body()["tools"].size(), 2U);
  EXPECT_EQ(run({"lint", "shared"}).exit_code, 0);

  // The file's bytes are part of the prompt's content.
  std::vector<std::string> args = {"run", "shared", "--provider", "echo", "--json"};
  json before = json::parse(run(args).out);
  write("tools/orders.yaml", "- name: lookup_order\n");
  EXPECT_NE(json::parse(run(args).out)["content_hash"], before["content_hash"]);

  write("tools/orders.yaml", "- name: escalate\n- {name: bad, parameters: {type: string}}\n");
  write("prompts/gone.yaml", "template: hi\ntools: [{file: tools/gone.yaml}]\n");
  ProcessResult lint = run({"lint", "shared", "gone"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out;
  for (const char* expected :
       {"tools/orders.yaml:1:3: error: a second tool named 'escalate'",
        "tools/orders.yaml:2:27: error: 'parameters' of tool 'bad' must be a schema of type object",
        "prompts/gone.yaml:2:16: error: the tools file 'tools/gone.yaml' does not exist"}) {
    EXPECT_NE(lint.out.find(expected), std::string::npos) << expected << "\n" << lint.out;
  }
}

TEST_F(ToolsTest, TestAssertsWhichToolsWereCalledAndWithWhat) {
  write("prompts/weather.tests.yaml",
        "tests:\n"
        "  - name: looks up\n"
        "    model: openai/gpt-test~call=get_weather\n"
        "    vars: {q: '{\"city\": \"Oslo\", \"days\": 2}'}\n"
        "    assert:\n"
        "      - {type: tool-call, value: {name: get_weather, arguments: {city: Oslo}}}\n"
        "  - name: answers in words\n"
        "    vars: {q: hello}\n"
        "    assert: [{type: no-tool-call}]\n"
        "  - name: wrong tool\n"
        "    model: openai/gpt-test~call=get_time\n"
        "    vars: {q: what time is it}\n"
        "    assert: [{type: tool-call, value: get_weather}]\n");
  ProcessResult result = run_with_server({"test", "weather", "--json"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  json report = json::parse(result.out);
  std::map<std::string, json> by_test;
  for (const json& test : report["results"]) {
    by_test[test["test"]] = test;
  }
  EXPECT_EQ(by_test["looks up"]["status"], "pass") << by_test["looks up"];
  EXPECT_EQ(by_test["looks up"]["tool_calls"][0]["name"], "get_weather");
  EXPECT_EQ(by_test["answers in words"]["tool_calls"], json::array());
  EXPECT_EQ(by_test["answers in words"]["status"], "pass") << by_test["answers in words"];
  EXPECT_EQ(by_test["wrong tool"]["status"], "fail");
  EXPECT_EQ(by_test["wrong tool"]["assertions"][0]["reason"],
            "the model called get_time, not get_weather")
      << by_test["wrong tool"];

  // A prompt's output schema is for answers in text: a call is not held against it.
  write("prompts/planner.yaml",
        "variables: {q: string}\nmodel: openai/gpt-test~call\n"
        "output: {schema: {type: object, required: [plan]}}\n"
        "tools: [{name: search}]\ntemplate: '{{q}}'\n"
        "tests: [{name: t, vars: {q: hi}, assert: [{type: tool-call, value: search}]}]\n");
  ProcessResult text = run_with_server({"test", "weather", "-k", "wrong"});
  EXPECT_NE(text.out.find("tool call: get_time {}"), std::string::npos) << text.out;
  ProcessResult planner = run_with_server({"test", "planner"});
  EXPECT_EQ(planner.exit_code, 0) << planner.out << planner.err;
}

}  // namespace
}  // namespace promptctl::testing
