// Fixture for execution tests: a prompt repository whose built-in providers point at a
// loopback provider server, with fast retries.
#pragma once

#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"
#include "support/provider_server.hpp"

namespace promptctl::testing {

inline constexpr const char* k_test_key = "sk-test-9f8e7d6c5b4a39281706";

/// Names a test instantiated over "provider/model" parameters by the provider: "azureopenai".
inline std::string provider_param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.find('/'));
  std::erase(name, '-');
  return name;
}

class ExecutionTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("promptctl.yaml", settings());
    write("prompts/hello.yaml",
          "description: Say hello\n"
          "variables:\n  who: {type: string}\n"
          "model: {provider: openai, name: gpt-test, temperature: 0.7}\n"
          "template: \"Hello {{who}}\"\n");
  }

  [[nodiscard]] virtual std::string settings() const {
    return "version: 1\n"
           "providers:\n"
           "  openai: {retry_base_ms: 5}\n"
           "  anthropic: {retry_base_ms: 5}\n"
           "  ollama: {retry_base_ms: 5}\n"
           "  azure-openai: {retry_base_ms: 5}\n"
           "  local: {type: openai-compatible, base_url: '" +
           m_server.url() + "/v1', key_env: OPENAI_API_KEY, retry_base_ms: 5}\n";
  }

  /// The environment that points every built-in provider at the test server.
  [[nodiscard]] std::map<std::string, std::string> provider_env() const {
    return {{"OPENAI_BASE_URL", m_server.url() + "/v1"},
            {"OPENAI_API_KEY", k_test_key},
            {"ANTHROPIC_BASE_URL", m_server.url()},
            {"ANTHROPIC_API_KEY", k_test_key},
            {"AZURE_OPENAI_ENDPOINT", m_server.url()},
            {"AZURE_OPENAI_API_KEY", k_test_key},
            {"OLLAMA_HOST", m_server.url()},
            // The user trusts the test server with the keys that promptctl.yaml routes there.
            {"PROMPTCTL_TRUSTED_ENDPOINTS", m_server.url()}};
  }

  ProcessResult run_with_server(const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& extra = {},
                                const std::string& input = {}) const {
    std::map<std::string, std::string> env = provider_env();
    for (const auto& [key, value] : extra) {
      env[key] = value;
    }
    return run(args, {}, input, env);
  }

  /// `run ... --json`, parsed; fails the test when the output is not JSON.
  nlohmann::json run_json(std::vector<std::string> args,
                          const std::map<std::string, std::string>& extra = {}) const {
    args.push_back("--json");
    ProcessResult result = run_with_server(args, extra);
    nlohmann::json parsed = nlohmann::json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }

  ProviderServer m_server{ProviderServer::Options{k_test_key, 0, 0}};
};

}  // namespace promptctl::testing
