#include "prompt/prompt_json.hpp"

#include "util/json_output.hpp"

namespace promptctl {

using nlohmann::json;

json prompt_detail::settings_json(const Prompt& prompt) {
  json tools = json::array();
  for (const ToolSpec& tool : prompt.tools) {
    tools.push_back(tool.to_json());
  }
  return {
      {"description", util::text_or_null(prompt.description)},
      {"tags", prompt.tags},
      {"category", util::text_or_null(prompt.category)},
      {"owner", util::text_or_null(prompt.owner)},
      {"model", prompt.model ? prompt.model->to_json() : json(nullptr)},
      {"output", prompt.output ? prompt.output->to_json() : json(nullptr)},
      {"tools", std::move(tools)},
      {"escape", prompt.escape == Escape::html ? "html" : "none"},
      {"ledger_store", prompt.ledger_store ? json(to_string(*prompt.ledger_store)) : json(nullptr)},
      {"extensions", prompt.extensions}};
}

json prompt_detail::message_json(const MessageTemplate& message) {
  if (!message.history.empty()) {
    return {{"history", message.history}};
  }
  json shown = {{"role", message.role}, {"content", message.content}};
  if (!message.images.empty()) {
    shown["images"] = json::array();
    for (const ImageSpec& image : message.images) {
      shown["images"].push_back({{to_string(image.from), image.ref}});
    }
  }
  return shown;
}

json to_json(const Prompt& prompt) {
  json variables = json::array();
  for (const VariableSpec& spec : prompt.variables) {
    variables.push_back(spec.to_json());
  }
  json messages = json::array();
  for (const MessageTemplate& message : prompt.messages) {
    messages.push_back(prompt_detail::message_json(message));
  }
  json tests = json::array();
  for (const TestCase& test : prompt.tests) {
    json assertions = json::array();
    for (const Assertion& assertion : test.assertions) {
      assertions.push_back(assertion.spec);
    }
    tests.push_back({{"name", test.name},
                     {"description", util::text_or_null(test.description)},
                     {"vars", test.vars},
                     {"assert", assertions},
                     {"repeat", test.repeat},
                     {"file", test.location.file},
                     {"line", test.location.line}});
  }
  json shown = prompt_detail::settings_json(prompt);
  shown.update(
      {{"name", prompt.name},
       {"path", prompt.path},
       {"variables", variables},
       {"template", prompt.template_text ? json(prompt.template_text->content) : json(nullptr)},
       {"messages", messages},
       {"tests", tests}});
  return shown;
}

}  // namespace promptctl
