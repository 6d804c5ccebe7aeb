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
      run_json({"run", "support", "--var", "q=hi there", "--model", "anthropic/claude-test"});
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
      {"run", "support", "--var", "q=one two three four", "--model", model, "--stream"});
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
                         [](const auto& param_info) {
                           std::string name =
                               param_info.param.substr(0, param_info.param.find('/'));
                           std::erase(name, '-');
                           return name;
                         });

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

}  // namespace
}  // namespace promptctl::testing
