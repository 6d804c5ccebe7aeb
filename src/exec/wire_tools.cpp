// Tool declarations and tool calls in the shapes the wire formats share.
#include "exec/wire.hpp"
#include "util/json_input.hpp"

namespace promptctl::exec_detail {

using nlohmann::json;

ToolCall tool_call_from_text(std::string id, std::string name, std::string_view arguments) {
  ToolCall call{std::move(id), std::move(name), json::object()};
  if (arguments.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return call;
  }
  json parsed = util::parse_json_input(arguments);
  call.arguments = parsed.is_discarded() ? json(std::string(arguments)) : std::move(parsed);
  return call;
}

void ToolCallPieces::start(std::size_t index, std::string id, std::string name) {
  Pending& call = m_calls[index];
  call.id = std::move(id);
  call.name = std::move(name);
}

void ToolCallPieces::add_arguments(std::size_t index, std::string_view piece) {
  m_calls[index].arguments.append(piece);
}

std::vector<ToolCall> ToolCallPieces::calls() const {
  std::vector<ToolCall> calls;
  for (const auto& [index, call] : m_calls) {
    calls.push_back(tool_call_from_text(call.id, call.name, call.arguments));
  }
  return calls;
}

json function_tools(const json& tools) {
  json declared = json::array();
  for (const json& tool : tools) {
    declared.push_back({{"type", "function"}, {"function", tool}});
  }
  return declared;
}

std::vector<ToolCall> function_tool_calls(const json& message) {
  std::vector<ToolCall> calls;
  if (!message.is_object() || !message.contains("tool_calls") ||
      !message["tool_calls"].is_array()) {
    return calls;
  }
  for (const json& item : message["tool_calls"]) {
    const json& function = item.value("function", json::object());
    std::string id =
        item.contains("id") && item["id"].is_string() ? item["id"].get<std::string>() : "";
    std::string name = function.value("name", "");
    if (name.empty()) {
      throw ResponseError("the answer has a tool call without a name", false);
    }
    const json arguments = function.value("arguments", json::object());
    calls.push_back(arguments.is_string() ? tool_call_from_text(std::move(id), std::move(name),
                                                                arguments.get<std::string>())
                                          : ToolCall{std::move(id), std::move(name), arguments});
  }
  return calls;
}

}  // namespace promptctl::exec_detail
