// A conversation spliced into a prompt reaches the request exactly as it was given, whatever its
// text holds: Mustache tags, delimiters and control characters are never rendered.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/render.hpp"
#include "promptctl/workspace.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

const char* const k_prompt =
    "variables:\n  c: {type: messages}\n  q: {type: string}\n"
    "messages:\n  - {role: system, content: S}\n  - history: c\n"
    "  - {role: user, content: \"{{q}}\"}\n";

class OnePrompt : public PromptSource {
 public:
  std::optional<SourceFile> read(std::string_view name) override {
    return name == "chat" ? std::optional(SourceFile{"prompts/chat.yaml", k_prompt}) : std::nullopt;
  }
  std::optional<SourceFile> read_tests(std::string_view) override { return std::nullopt; }
};

rc::Gen<std::string> text_with_tags() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
                          rc::gen::element<std::string>("{{q}}", "{{#q}}", "{{/q}}", "{{> chat}}",
                                                        "{{=<% %>=}}", "}}", "\n"),
                          rc::gen::container<std::string>(rc::gen::inRange<char>(1, 127)))),
                      [](const std::vector<std::string>& pieces) {
                        std::string text;
                        for (const std::string& piece : pieces) {
                          text += piece;
                        }
                        return text;
                      });
}

RC_GTEST_PROP(ConversationProperties, AConversationReachesTheRequestExactlyAsGiven, ()) {
  auto turns = *rc::gen::container<std::vector<std::pair<bool, std::string>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), text_with_tags()));
  json conversation = json::array();
  for (const auto& [from_user, content] : turns) {
    conversation.push_back({{"role", from_user ? "user" : "assistant"}, {"content", content}});
  }
  OnePrompt source;
  Prompt prompt = load_from_source(source, "chat").prompt.value();
  Inputs inputs;
  inputs.add_values({{"c", conversation}, {"q", "last"}});
  RenderedPrompt rendered = render_prompt(prompt, inputs, source, ModelSettings{}, {});
  RC_ASSERT(rendered.messages.size() == turns.size() + 2);
  for (std::size_t i = 0; i < turns.size(); ++i) {
    RC_ASSERT(rendered.messages[i + 1].role == conversation[i]["role"].get<std::string>());
    RC_ASSERT(rendered.messages[i + 1].content == turns[i].second);
  }
  RC_ASSERT(rendered.messages.back().content == "last");
}

}  // namespace
