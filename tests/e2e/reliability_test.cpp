// Retries, fallbacks, faults, timeouts, missing keys and TLS: every failure is readable,
// recorded in the ledger, and never shows a key.
#include <fstream>
#include <sstream>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class ReliabilityTest : public ExecutionTest {
 protected:
  json last_run() const {
    ProcessResult shown = run_with_server({"runs", "-n", "1", "--json"});
    return json::parse(shown.out)["runs"].at(0);
  }
};

TEST_F(ReliabilityTest, RateLimitsAreRetriedUntilTheAnswerComes) {
  ProcessResult result =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~429x2"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "echo: Hello x");
  EXPECT_NE(result.err.find("HTTP 429"), std::string::npos) << result.err;
  EXPECT_EQ(last_run()["attempts"], 3);
  EXPECT_EQ(m_server.request_count(), 3U);
}

TEST_F(ReliabilityTest, RetryAfterIsHonoured) {
  ProcessResult result = run_with_server(
      {"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~429x1~retry-after=1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("retrying in 1000 ms"), std::string::npos) << result.err;
  EXPECT_GE(last_run()["latency_ms"].get<double>(), 1000.0);
}

TEST_F(ReliabilityTest, ServerErrorsStopAfterTheRetryBudget) {
  ProcessResult result =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~500"});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("openai/gpt-test~500: HTTP 500: server_error: injected failure 500 "
                            "(after 4 attempts)"),
            std::string::npos)
      << result.err;
  json run = last_run();
  EXPECT_EQ(run["status"], "error");
  EXPECT_EQ(run["attempts"], 4);
  EXPECT_EQ(run["output"], nullptr);
}

TEST_F(ReliabilityTest, ClientErrorsAreNotRetried) {
  ProcessResult result = run_with_server({"run", "hello", "--var", "who=x"},
                                         {{"OPENAI_API_KEY", "sk-wrong-key-000000"}});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("HTTP 401: authentication_error"), std::string::npos) << result.err;
  EXPECT_EQ(m_server.request_count(), 1U);
}

TEST_F(ReliabilityTest, DroppedConnectionsAndCutStreamsAreRetried) {
  ProcessResult dropped =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~dropx1"});
  EXPECT_EQ(dropped.exit_code, 0) << dropped.err;
  ProcessResult cut = run_with_server(
      {"run", "hello", "--var", "who=x", "--model", "anthropic/c~truncatex1", "--stream"});
  EXPECT_EQ(cut.exit_code, 0) << cut.err;
  EXPECT_EQ(last_run()["attempts"], 2);
  EXPECT_EQ(last_run()["output"], "echo: Hello x");
}

TEST_F(ReliabilityTest, AnAnswerThatIsNotJsonIsRetriedAndEachAttemptCounted) {
  ProcessResult once =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~malformedx1"});
  EXPECT_EQ(once.exit_code, 0) << once.err;
  EXPECT_EQ(last_run()["attempts"], 2);
  EXPECT_EQ(last_run()["output"], "echo: Hello x");
  EXPECT_EQ(m_server.request_count(), 2U);
  ProcessResult always =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~malformed"});
  EXPECT_EQ(always.exit_code, 5);
  EXPECT_NE(always.err.find("is not valid JSON"), std::string::npos) << always.err;
  EXPECT_NE(always.err.find("(after 4 attempts)"), std::string::npos) << always.err;
  EXPECT_EQ(last_run()["attempts"], 4);
}

// The second request of a batch goes out on the connection the first one used; the server
// takes it and closes without a word, and libcurl sends it again on a fresh connection by
// itself. That request reached the server (and may have been charged): it is an attempt.
TEST_F(ReliabilityTest, RequestsLibcurlSendsAgainByItselfAreCounted) {
  write("rows.jsonl", "{\"who\": \"a\"}\n{\"who\": \"b\"}\n{\"who\": \"c\"}\n");
  ProcessResult result = run_with_server({"run", "hello", "--input", "rows.jsonl", "-j", "1",
                                          "--model", "openai/gpt-test~drop-on=2", "--no-cache"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(m_server.request_count(), 4U);
  EXPECT_EQ(m_server.connection_count(), 2U);  // the second request did go out on a reused one
  ProcessResult shown = run_with_server({"runs", "-n", "3", "--json"});
  int attempts = 0;
  json runs = json::parse(shown.out)["runs"];
  for (const json& run : runs) {
    attempts += run["attempts"].get<int>();
  }
  EXPECT_EQ(attempts, 4);
}

TEST_F(ReliabilityTest, AStreamThatNeverCompletesFails) {
  ProcessResult result = run_with_server(
      {"run", "hello", "--var", "who=x", "--model", "ollama/m~truncate", "--stream"});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("(after 4 attempts)"), std::string::npos) << result.err;
}

TEST_F(ReliabilityTest, InvalidJsonAndMissingContentAreClearErrors) {
  ProcessResult malformed =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "openai/gpt-test~malformed"});
  EXPECT_EQ(malformed.exit_code, 5);
  EXPECT_NE(malformed.err.find("the response is not valid JSON"), std::string::npos)
      << malformed.err;
  ProcessResult empty =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "anthropic/c~empty"});
  EXPECT_EQ(empty.exit_code, 5);
  EXPECT_NE(empty.err.find("anthropic/c~empty: the response has no text content"),
            std::string::npos)
      << empty.err;
  EXPECT_EQ(last_run()["status"], "error");
}

TEST_F(ReliabilityTest, FallbackMovesToTheNextModel) {
  write("prompts/robust.yaml",
        "model: [openai/gpt-test~500, anthropic/claude-test]\n"
        "template: \"hi\"\n");
  ProcessResult result = run_with_server({"run", "robust"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "echo: hi");
  EXPECT_NE(result.err.find("falling back to anthropic/claude-test"), std::string::npos)
      << result.err;
  json run = last_run();
  EXPECT_EQ(run["provider"], "anthropic");
  EXPECT_EQ(run["attempts"], 5);
}

TEST_F(ReliabilityTest, EveryModelOfAChainFailingReportsEach) {
  write("prompts/doomed.yaml",
        "model: {provider: openai, name: gpt-test~malformed, fallback: [ollama/m~malformed]}\n"
        "template: \"hi\"\n");
  ProcessResult result = run_with_server({"run", "doomed"});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("openai/gpt-test~malformed: the response is not valid JSON"),
            std::string::npos);
  EXPECT_NE(result.err.find("; then ollama/m~malformed: the response is not valid JSON"),
            std::string::npos)
      << result.err;
}

TEST_F(ReliabilityTest, MissingKeyNamesTheVariableAndIsRecorded) {
  ProcessResult result =
      run_with_server({"run", "hello", "--var", "who=x"}, {{"OPENAI_API_KEY", ""}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("provider 'openai' needs an API key: set OPENAI_API_KEY"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(m_server.request_count(), 0U);
  EXPECT_EQ(last_run()["status"], "error");
}

TEST_F(ReliabilityTest, UnreachableHostIsAProviderError) {
  ProcessResult result = run_with_server({"run", "hello", "--var", "who=x"},
                                         {{"OPENAI_BASE_URL", "http://127.0.0.1:1/v1"}});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("cannot reach http://127.0.0.1:1"), std::string::npos) << result.err;
}

TEST_F(ReliabilityTest, TlsFailuresAreNotRetriedAndSaySo) {
  // The loopback server speaks plain HTTP, so a TLS handshake with it fails.
  std::string https = "https" + m_server.url().substr(4) + "/v1";
  ProcessResult result =
      run_with_server({"run", "hello", "--var", "who=x"}, {{"OPENAI_BASE_URL", https}});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("TLS failure"), std::string::npos) << result.err;
  EXPECT_EQ(last_run()["attempts"], 1);
}

TEST_F(ReliabilityTest, TimeoutsAreReported) {
  write("promptctl.yaml", settings() + "  slowpoke: {type: openai-compatible, base_url: '" +
                              m_server.url() +
                              "/v1', key_env: OPENAI_API_KEY, timeout_ms: 200, max_retries: 0}\n");
  ProcessResult result =
      run_with_server({"run", "hello", "--var", "who=x", "--model", "slowpoke/m~slow=2000"});
  EXPECT_EQ(result.exit_code, 5);
  EXPECT_NE(result.err.find("within 200 ms"), std::string::npos) << result.err;
}

// A slow model is named on a terminal once the wait is longer than usual; a pipe or a file
// gets no progress line.
TEST_F(ReliabilityTest, ALongWaitIsNamedOnATerminalOnly) {
  ProcessOptions terminal;
  terminal.cwd = root();
  terminal.env = provider_env();
  terminal.stderr_is_terminal = true;
  std::vector<std::string> args = {"run",   "hello",   "--var",
                                   "who=x", "--model", "openai/gpt-test~slow=3800"};
  ProcessResult shown = run_promptctl(args, terminal);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, "echo: Hello x");
  EXPECT_NE(shown.err.find("waiting for openai/gpt-test~slow=3800: 3 s (gives up after 600 s)"),
            std::string::npos)
      << shown.err;
  EXPECT_TRUE(shown.err.ends_with("\r\033[K")) << "the line is cleared once the answer comes";
  ProcessResult piped = run_with_server(args);
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err, "");
}

TEST_F(ReliabilityTest, UnknownProviderSuggestsTheClosest) {
  ProcessResult result =
      run_with_server({"run", "hello", "--var", "who=x", "--provider", "antropic"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown provider 'antropic' (did you mean 'anthropic'?)"),
            std::string::npos)
      << result.err;
}

TEST_F(ReliabilityTest, KeysInSettingsFilesAreRefusedWithTheirPlace) {
  write("promptctl.yaml",
        "version: 1\nproviders:\n  openai:\n    api_key: sk-live-abc\n  x: {type: openaii}\n");
  ProcessResult result = run_with_server({"run", "hello", "--var", "who=x"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("promptctl.yaml:4:14: error: 'providers.openai.api_key': API keys "
                            "are never read from settings files"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("unknown provider type 'openaii' (did you mean 'openai'?)"),
            std::string::npos);
  EXPECT_EQ(result.err.find("sk-live-abc"), std::string::npos);
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST_F(ReliabilityTest, KeysNeverReachTheLedgerCacheOrOutput) {
  write("promptctl.yaml",
        settings() + "  gateway: {type: openai-compatible, base_url: '" + m_server.url() +
            "/v1', key_env: GATEWAY_KEY, headers: {X-Org-Token: '${ORG_TOKEN}'}}\n");
  std::map<std::string, std::string> env = {{"GATEWAY_KEY", k_test_key},
                                            {"ORG_TOKEN", "org-secret-55555"}};
  std::string everything;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"run", "hello", "--var", "who=x", "-v", "--cache", "on"},
           {"run", "hello", "--var", "who=x", "-v", "--model", "gateway/m", "--json"},
           {"run", "hello", "--var", "who=x", "-v", "--model", "openai/gpt-test~500x1"},
           {"run", "hello", "--var", "who=x", "-v"},
           {"run", "hello", "--var", "who=x", "--model", "gateway/m~429x9", "-v"},
           {"runs", "--json"},
           {"runs", "show", "2"}}) {
    ProcessResult result = run_with_server(args, env);
    everything += result.out + result.err;
  }
  EXPECT_EQ(m_server.requests().at(1).header("x-org-token"), "org-secret-55555");
  std::filesystem::path state = root() / ".git" / "promptctl";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(state)) {
    if (entry.is_regular_file()) {
      everything += slurp(entry.path());
    }
  }
  EXPECT_NE(everything.find("echo: Hello x"), std::string::npos);  // the scan saw real content
  EXPECT_EQ(everything.find(k_test_key), std::string::npos);
  EXPECT_EQ(everything.find("org-secret-55555"), std::string::npos);
}

}  // namespace
}  // namespace promptctl::testing
