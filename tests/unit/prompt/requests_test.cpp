#include "promptctl/requests.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace promptctl {
namespace {

std::vector<std::string> fields(const std::vector<RequestProblem>& problems) {
  std::vector<std::string> out;
  for (const RequestProblem& problem : problems) {
    out.push_back(problem.field);
  }
  return out;
}

TEST(Requests, ReasoningModelsAreKnownByName) {
  for (const char* name : {"o1", "o1-mini", "o3", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini"}) {
    EXPECT_TRUE(is_openai_reasoning_model(name)) << name;
  }
  for (const char* name : {"gpt-5-chat-latest", "gpt-4o", "gpt-4.1", "omni", "o", "llama3"}) {
    EXPECT_FALSE(is_openai_reasoning_model(name)) << name;
  }
}

TEST(Requests, EachProviderRefusesWhatItsApiRejects) {
  ModelSettings settings;
  settings.temperature = 0.5;
  settings.top_p = 0.9;
  settings.seed = 1;
  EXPECT_TRUE(settings_problems(ProviderType::openai, "gpt-4o", settings).empty());
  EXPECT_EQ(fields(settings_problems(ProviderType::anthropic, "claude-x", settings)),
            (std::vector<std::string>{"top_p", "seed"}));
  EXPECT_EQ(fields(settings_problems(ProviderType::openai, "o3", settings)),
            (std::vector<std::string>{"temperature", "top_p"}));
  settings = {};
  settings.reasoning_effort = "low";
  EXPECT_TRUE(settings_problems(ProviderType::openai, "o3", settings).empty());
  EXPECT_EQ(fields(settings_problems(ProviderType::openai, "gpt-4o", settings)),
            (std::vector<std::string>{"reasoning_effort"}));
  EXPECT_EQ(fields(settings_problems(ProviderType::ollama, "llama3", settings)),
            (std::vector<std::string>{"reasoning_effort"}));
  settings = {};
  settings.temperature = 7;
  settings.stop = {"a", "b", "c", "d", "e"};
  EXPECT_EQ(fields(settings_problems(ProviderType::azure_openai, "dep", settings)),
            (std::vector<std::string>{"temperature", "stop"}));
  EXPECT_TRUE(settings_problems(ProviderType::ollama, "llama3", settings).empty());
  settings.temperature = std::nan("");
  EXPECT_EQ(fields(settings_problems(ProviderType::ollama, "llama3", settings)),
            (std::vector<std::string>{"temperature"}));
  EXPECT_TRUE(settings_problems(ProviderType::openai_compatible, "any", settings).empty());
  EXPECT_TRUE(settings_problems(ProviderType::echo, "echo", settings).empty());
}

TEST(Requests, AnthropicWantsANonEmptyMessageBesidesTheSystemPrompt) {
  std::vector<ChatMessage> system_only = {{"system", "Be brief."}, {"developer", "Really."}};
  ASSERT_EQ(message_problems(ProviderType::anthropic, system_only).size(), 1U);
  EXPECT_FALSE(message_problems(ProviderType::anthropic, system_only)[0].message);
  std::vector<ChatMessage> blank_turn = {{"system", "Be brief."}, {"user", " \n"}};
  std::vector<RequestProblem> found = message_problems(ProviderType::anthropic, blank_turn);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].message, 1U);
  EXPECT_TRUE(message_problems(ProviderType::openai, blank_turn).empty());
  EXPECT_TRUE(message_problems(ProviderType::anthropic, {{"user", "Hi"}}).empty());
}

}  // namespace
}  // namespace promptctl
