// Every adapter against the loopback provider: the request each sends, whole and streamed.
#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class ProvidersTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write("prompts/support.yaml",
          "system: You are terse.\n"
          "variables:\n  q: {type: string}\n"
          "model: {provider: openai, name: gpt-test, temperature: 0, max_tokens: 50, seed: 7,\n"
          "        top_p: 0.9, stop: [END]}\n"
          "template: \"{{q}}\"\n");
    // The same without the settings Anthropic refuses (top_p beside temperature, a seed).
    write("prompts/terse.yaml",
          "system: You are terse.\n"
          "variables:\n  q: {type: string}\n"
          "model: {provider: anthropic, name: claude-test, temperature: 0, max_tokens: 50,\n"
          "        stop: [END]}\n"
          "template: \"{{q}}\"\n");
  }

  json last_body() const { return json::parse(m_server.requests().back().body); }
};

TEST_F(ProvidersTest, OpenAiSendsChatCompletionsWithBearerKey) {
  json result = run_json({"run", "support", "--var", "q=where is my order", "--no-cache"});
  EXPECT_EQ(result["status"], "ok");
  EXPECT_EQ(result["output"], "echo: where is my order");
  EXPECT_EQ(result["input_tokens"], 7);
  EXPECT_EQ(result["output_tokens"], 5);
  EXPECT_EQ(result["finish_reason"], "stop");
  HttpRequest request = m_server.requests().back();
  EXPECT_EQ(request.target, "/v1/chat/completions");
  EXPECT_EQ(request.header("authorization"), std::string("Bearer ") + k_test_key);
  json body = json::parse(request.body);
  EXPECT_EQ(body["model"], "gpt-test");
  EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "You are terse."}}));
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["max_tokens"], 50);
  EXPECT_EQ(body["seed"], 7);
  EXPECT_EQ(body["top_p"], 0.9);
  EXPECT_EQ(body["stop"], json::array({"END"}));
  EXPECT_FALSE(body.contains("stream"));
}

TEST_F(ProvidersTest, AnthropicPutsTheSystemPromptInItsOwnField) {
  json result =
      run_json({"run", "terse", "--var", "q=hi there", "--model", "anthropic/claude-test"});
  EXPECT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["output"], "echo: hi there");
  HttpRequest request = m_server.requests().back();
  EXPECT_EQ(request.target, "/v1/messages");
  EXPECT_EQ(request.header("x-api-key"), k_test_key);
  EXPECT_EQ(request.header("anthropic-version"), "2023-06-01");
  EXPECT_TRUE(request.header("authorization").empty());
  json body = json::parse(request.body);
  EXPECT_EQ(body["system"], "You are terse.");
  EXPECT_EQ(body["messages"], json::parse(R"([{"role":"user","content":"hi there"}])"));
  EXPECT_EQ(body["max_tokens"], 50);
  EXPECT_EQ(body["stop_sequences"], json::array({"END"}));
  EXPECT_EQ(result["finish_reason"], "end_turn");
}

TEST_F(ProvidersTest, AnthropicGetsADefaultMaxTokens) {
  run_json({"run", "hello", "--var", "who=x", "--model", "anthropic/claude-test"});
  EXPECT_EQ(last_body()["max_tokens"], 1024);
}

TEST_F(ProvidersTest, AzureCallsTheDeploymentWithApiVersionAndKeyHeader) {
  json result =
      run_json({"run", "support", "--var", "q=hello", "--model", "azure-openai/prod-dep"});
  EXPECT_EQ(result["status"], "ok") << result;
  HttpRequest request = m_server.requests().back();
  EXPECT_EQ(request.target, "/openai/deployments/prod-dep/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(request.header("api-key"), k_test_key);
  EXPECT_FALSE(json::parse(request.body).contains("model"));
}

TEST_F(ProvidersTest, OllamaSendsOptionsAndAsksForNoStream) {
  json result = run_json({"run", "support", "--var", "q=hello", "--model", "ollama/llama3"});
  EXPECT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["cost"], 0.0);
  HttpRequest request = m_server.requests().back();
  EXPECT_EQ(request.target, "/api/chat");
  json body = json::parse(request.body);
  EXPECT_EQ(body["stream"], false);
  EXPECT_EQ(body["options"]["num_predict"], 50);
  EXPECT_EQ(body["options"]["seed"], 7);
  EXPECT_EQ(result["input_tokens"], 4);
}

TEST_F(ProvidersTest, OpenAiCompatibleNeedsNoKey) {
  ProviderServer open_server{ProviderServer::Options{}};
  write("promptctl.yaml", "providers:\n  local: {type: openai-compatible, base_url: '" +
                              open_server.url() + "/v1'}\n");
  json result = run_json({"run", "hello", "--var", "who=x", "--model", "local/qwen"},
                         {{"OPENAI_API_KEY", ""}});
  EXPECT_EQ(result["status"], "ok") << result;
  EXPECT_EQ(result["provider"], "local");
  EXPECT_TRUE(open_server.requests().back().header("authorization").empty());
  EXPECT_EQ(m_server.request_count(), 0U);
}

TEST_F(ProvidersTest, JsonResponseFormatIsAskedForInEachDialect) {
  run_json({"run", "hello", "--var", "who=x", "--param", "response_format=json"});
  EXPECT_EQ(last_body()["response_format"], json::parse(R"({"type":"json_object"})"));
  run_json({"run", "hello", "--var", "who=x", "--param", "response_format=json", "--model",
            "ollama/llama3"});
  EXPECT_EQ(last_body()["format"], "json");
}

TEST_F(ProvidersTest, MaxTokensCutShortIsReportedAsTheFinishReason) {
  json result = run_json({"run", "hello", "--var", "who=a b c d e", "--param", "max_tokens=2"});
  EXPECT_EQ(result["output"], "echo: Hello");
  EXPECT_EQ(result["finish_reason"], "length");
}

class StreamingTest : public ProvidersTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(StreamingTest, StreamedAnswerMatchesTheWholeOne) {
  std::string model = GetParam();
  ProcessResult streamed = run_with_server(
      {"run", "terse", "--var", "q=one two three four", "--model", model, "--stream"});
  ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
  EXPECT_EQ(streamed.out, "echo: one two three four");
  EXPECT_TRUE(json::parse(m_server.requests().back().body).value("stream", false));
  json run = json::parse(run_with_server({"runs", "show", "1", "--json"}).out);
  EXPECT_EQ(run["output"], "echo: one two three four");
  EXPECT_EQ(run["output_tokens"], 5);
  EXPECT_EQ(run["input_tokens"], 7);
}

INSTANTIATE_TEST_SUITE_P(EveryAdapter, StreamingTest,
                         ::testing::Values("openai/gpt-test", "anthropic/claude-test",
                                           "ollama/llama3", "azure-openai/dep", "local/qwen"),
                         provider_param_name);

TEST_F(ProvidersTest, ConnectionsAreReusedAcrossABatch) {
  std::string rows;
  for (int i = 0; i < 30; ++i) {
    rows += "{\"who\": \"n" + std::to_string(i) + "\"}\n";
  }
  ProcessResult result = run_with_server({"run", "hello", "--input", "-", "-j", "3"}, {}, rows);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(m_server.request_count(), 30U);
  EXPECT_LE(m_server.connection_count(), 6U);
}

// Requests that a real service would reject are refused before anything is sent: by `lint` at
// the line that sets the value, and by `run` as the caller's mistake (exit 2), not the
// provider's (exit 5).
TEST_F(ProvidersTest, AnthropicIsNeverSentWhatItRefuses) {
  ProcessResult pair =
      run_with_server({"run", "support", "--var", "q=hi", "--model", "anthropic/claude-test"});
  EXPECT_EQ(pair.exit_code, 2) << pair.err;
  EXPECT_NE(pair.err.find("temperature and top_p are both set"), std::string::npos) << pair.err;
  EXPECT_NE(pair.err.find("no seed"), std::string::npos) << pair.err;
  ProcessResult json_mode =
      run_with_server({"run", "terse", "--var", "q=hi", "--param", "response_format=json"});
  EXPECT_EQ(json_mode.exit_code, 2) << json_mode.err;
  EXPECT_NE(json_mode.err.find("no JSON response format"), std::string::npos) << json_mode.err;
  EXPECT_EQ(m_server.request_count(), 0U);

  write("prompts/pair.yaml",
        "model:\n  provider: anthropic\n  name: claude-test\n  temperature: 0.2\n"
        "  top_p: 0.5\n"
        "template: Hi\n");
  ProcessResult lint = run({"lint", "pair"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out;
  EXPECT_NE(lint.out.find("prompts/pair.yaml:5:3"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("'anthropic/claude-test' would refuse the request"), std::string::npos)
      << lint.out;
}

TEST_F(ProvidersTest, AnthropicNeedsAMessageBesidesTheSystemPromptAndNoEmptyOne) {
  write("prompts/only-system.yaml",
        "model: anthropic/claude-test\nmessages:\n  - {role: system, content: Be brief.}\n");
  write("prompts/maybe-empty.yaml",
        "model: anthropic/claude-test\n"
        "variables:\n  q: {type: string}\n"
        "system: Be brief.\n"
        "template: \"{{q}}\"\n");
  ProcessResult only_system = run_with_server({"run", "only-system"});
  EXPECT_EQ(only_system.exit_code, 2) << only_system.err;
  EXPECT_NE(only_system.err.find("no message besides the system prompt"), std::string::npos)
      << only_system.err;
  ProcessResult empty = run_with_server({"run", "maybe-empty", "--var", "q="});
  EXPECT_EQ(empty.exit_code, 2) << empty.err;
  EXPECT_NE(empty.err.find("the user message is empty"), std::string::npos) << empty.err;
  EXPECT_EQ(m_server.request_count(), 0U);
  ProcessResult lint = run({"lint", "only-system"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out;
  EXPECT_NE(lint.out.find("prompts/only-system.yaml:3:"), std::string::npos) << lint.out;
  // With the other providers an empty turn is allowed, and the prompt is sent.
  ProcessResult openai =
      run_with_server({"run", "maybe-empty", "--var", "q=", "--model", "openai/gpt-test"});
  EXPECT_EQ(openai.exit_code, 0) << openai.err;
}

TEST_F(ProvidersTest, ValuesOutOfTheApisRangeAreUsageErrors) {
  for (const char* param : {"temperature=5", "top_p=1.5", "temperature=-1"}) {
    ProcessResult result = run_with_server({"run", "hello", "--var", "who=x", "--param", param});
    EXPECT_EQ(result.exit_code, 2) << param << ": " << result.err;
    EXPECT_NE(result.err.find("the API accepts"), std::string::npos) << result.err;
  }
  ProcessResult claude =
      run_with_server({"run", "terse", "--var", "q=x", "--param", "temperature=1.5"});
  EXPECT_EQ(claude.exit_code, 2) << claude.err;
  EXPECT_NE(claude.err.find("temperature is 1.5; the API accepts 0 to 1"), std::string::npos)
      << claude.err;
  EXPECT_EQ(m_server.request_count(), 0U);
  // An OpenAI-compatible server decides for itself.
  ProcessResult local = run_with_server(
      {"run", "hello", "--var", "who=x", "--model", "local/qwen", "--param", "temperature=3"});
  EXPECT_EQ(local.exit_code, 0) << local.err;
}

TEST_F(ProvidersTest, ReasoningModelsGetTheirOwnTokenLimitAndEffort) {
  json result = run_json({"run", "hello", "--var", "who=x", "--model", "openai/o3-mini", "--param",
                          "temperature=1", "--param", "max_completion_tokens=64", "--param",
                          "reasoning_effort=low"});
  EXPECT_EQ(result["status"], "ok") << result;
  json body = last_body();
  EXPECT_EQ(body["max_completion_tokens"], 64);
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_EQ(body["reasoning_effort"], "low");
  // The same limit goes by its older name to the models that know only that one.
  run_json({"run", "hello", "--var", "who=x", "--param", "max_completion_tokens=64"});
  EXPECT_EQ(last_body()["max_tokens"], 64);
  EXPECT_FALSE(last_body().contains("max_completion_tokens"));

  std::size_t sent = m_server.request_count();
  ProcessResult sampled =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-5-mini"});
  EXPECT_EQ(sampled.exit_code, 2) << sampled.err;  // hello sets temperature 0.7
  EXPECT_NE(sampled.err.find("accept only the default (1)"), std::string::npos) << sampled.err;
  ProcessResult effort =
      run_with_server({"run", "hello", "--var", "who=x", "--param", "reasoning_effort=high"});
  EXPECT_EQ(effort.exit_code, 2) << effort.err;
  EXPECT_NE(effort.err.find("reasoning_effort is for reasoning models"), std::string::npos);
  ProcessResult bad =
      run_with_server({"run", "hello", "--var", "who=x", "--param", "reasoning_effort=hard"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_EQ(m_server.request_count(), sent);

  write("prompts/both.yaml",
        "model: {provider: openai, name: o3, max_tokens: 5, max_completion_tokens: 5}\n"
        "template: Hi\n");
  ProcessResult lint = run({"lint", "both"});
  EXPECT_EQ(lint.exit_code, 1) << lint.out;
  EXPECT_NE(lint.out.find("another name for 'model.max_tokens'"), std::string::npos) << lint.out;
}

TEST_F(ProvidersTest, DeveloperMessagesReachApisThatKnowOnlySystem) {
  write("prompts/dev.yaml",
        "messages:\n  - {role: developer, content: Be brief.}\n  - {role: user, content: Hi}\n");
  run_json({"run", "dev", "--model", "anthropic/claude-test"});
  EXPECT_EQ(last_body()["system"], "Be brief.");
  EXPECT_EQ(last_body()["messages"].size(), 1U);
  run_json({"run", "dev", "--model", "ollama/llama3"});
  EXPECT_EQ(last_body()["messages"][0]["role"], "system");
  run_json({"run", "dev", "--model", "openai/gpt-test"});
  EXPECT_EQ(last_body()["messages"][0]["role"], "developer");
}

}  // namespace
}  // namespace promptctl::testing
