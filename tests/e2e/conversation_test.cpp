// Conversation history: a variable of type messages spliced into the chat where the prompt puts
// it, checked, never rendered as a template, and sent in each provider's format.
#include <set>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class ConversationTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write("prompts/chat.yaml",
          "variables:\n"
          "  conversation: {type: messages, required: false}\n"
          "  question: {type: string}\n"
          "messages:\n"
          "  - {role: system, content: Be brief.}\n"
          "  - history: conversation\n"
          "  - {role: user, content: \"{{question}}\"}\n");
    write("talk.yaml",
          "question: And tomorrow?\n"
          "conversation:\n"
          "  - {role: user, content: \"Weather today? {{question}}\"}\n"
          "  - {role: assistant, content: Sunny.}\n");
  }
};

TEST_F(ConversationTest, TheConversationGoesWhereThePromptPutsItAsWritten) {
  ProcessResult rendered = run({"render", "chat", "--var-file", "talk.yaml", "--json"});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  json messages = json::parse(rendered.out)["messages"];
  ASSERT_EQ(messages.size(), 4U) << messages;
  EXPECT_EQ(messages[0]["role"], "system");
  // What a user once wrote is never run as a template.
  EXPECT_EQ(messages[1],
            json::parse(R"({"role": "user", "content": "Weather today? {{question}}"})"));
  EXPECT_EQ(messages[2], json::parse(R"({"role": "assistant", "content": "Sunny."})"));
  EXPECT_EQ(messages[3], json::parse(R"({"role": "user", "content": "And tomorrow?"})"));

  ProcessResult without = run({"render", "chat", "--var", "question=Hi", "--json"});
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(json::parse(without.out)["messages"].size(), 2U);
}

TEST_F(ConversationTest, AConversationThatIsNotOneIsRefusedNamingTheMessage) {
  write(
      "bad.yaml",
      "question: x\nconversation:\n  - {role: user, content: a}\n  - {role: system, content: b}\n");
  ProcessResult bad = run({"render", "chat", "--var-file", "bad.yaml"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("message 2 must be {role: user or assistant, content: text}"),
            std::string::npos)
      << bad.err;
  ProcessResult not_a_list =
      run({"render", "chat", "--var", "question=x", "--var", "conversation={role: user}"});
  EXPECT_EQ(not_a_list.exit_code, 2) << not_a_list.err;
}

TEST_F(ConversationTest, EachProviderGetsTheTurnsInItsFormat) {
  json anthropic =
      run_json({"run", "chat", "--var-file", "talk.yaml", "--model", "anthropic/claude-test"});
  EXPECT_EQ(anthropic["status"], "ok") << anthropic;
  json body = json::parse(m_server.requests().back().body);
  EXPECT_EQ(body["system"], "Be brief.");
  ASSERT_EQ(body["messages"].size(), 3U) << body;
  EXPECT_EQ(body["messages"][1]["role"], "assistant");
  run_json({"run", "chat", "--var-file", "talk.yaml", "--model", "openai/gpt-test"});
  EXPECT_EQ(json::parse(m_server.requests().back().body)["messages"].size(), 4U);

  // Rows of a batch carry their own conversations.
  std::string rows = R"({"question": "q1", "conversation": [{"role": "user", "content": "a"}, )"
                     R"({"role": "assistant", "content": "b"}]})"
                     "\n"
                     R"({"question": "q2"})"
                     "\n";
  std::size_t before = m_server.requests().size();
  ProcessResult batch = run_with_server(
      {"run", "chat", "--input", "-", "--json", "--model", "openai/gpt-test"}, {}, rows);
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  std::vector<HttpRequest> sent = m_server.requests();
  ASSERT_EQ(sent.size(), before + 2);
  std::multiset<std::size_t> sizes;
  for (std::size_t i = before; i < sent.size(); ++i) {
    sizes.insert(json::parse(sent[i].body)["messages"].size());
  }
  // system + two turns + question, and system + question.
  EXPECT_EQ(sizes, (std::multiset<std::size_t>{2, 4}));
}

TEST_F(ConversationTest, LintAndShowKnowWhereTheConversationGoes) {
  write(
      "prompts/lost.yaml",
      "variables: {q: string}\nmessages:\n  - history: q\n  - {role: user, content: \"{{q}}\"}\n");
  ProcessResult lost = run({"lint", "lost"});
  EXPECT_EQ(lost.exit_code, 1) << lost.out;
  EXPECT_NE(lost.out.find("prompts/lost.yaml:3:14"), std::string::npos) << lost.out;
  EXPECT_NE(lost.out.find("not a variable of type messages"), std::string::npos) << lost.out;
  ProcessResult clean = run({"lint", "chat"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_NE(run({"show", "chat"}).out.find("[history: conversation]"), std::string::npos);
  json shown = json::parse(run({"show", "chat", "--json"}).out);
  EXPECT_EQ(shown["messages"][1], json::parse(R"({"history": "conversation"})"));
}

}  // namespace
}  // namespace promptctl::testing
