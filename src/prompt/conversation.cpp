#include "prompt/conversation.hpp"

#include <set>

#include "util/strings.hpp"

namespace promptctl::prompt_detail {

using nlohmann::json;

namespace {

std::string shown(const json& message) {
  return util::printable(message.dump());
}

// Why one message is not one a conversation may hold, or "". `calls` holds the ids of the
// calls made so far, which a tool's result must name.
std::string message_problem(const json& message, std::set<std::string>& calls) {
  const char* const form =
      "{role: user or assistant, content: text} or a tool's result {role: tool, tool_call_id, "
      "content}";
  if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
    return std::string("must be ") + form;
  }
  std::string role = message["role"].get<std::string>();
  std::set<std::string> allowed = {"role", "content"};
  if (role == "assistant") {
    allowed.insert("tool_calls");
  } else if (role == "tool") {
    allowed.insert("tool_call_id");
  } else if (role != "user") {
    return std::string("must be ") + form;
  }
  for (const auto& [key, value] : message.items()) {
    if (!allowed.contains(key)) {
      return "has '" + key + "', which a " + role + " message does not take";
    }
  }
  bool calling = message.contains("tool_calls");
  if (calling) {
    for (const json& call : message["tool_calls"].is_array() ? message["tool_calls"] : json()) {
      std::optional<ToolCall> read = ToolCall::from_json(call);
      if (!read) {
        return "has a tool call that is not {id, name, arguments}";
      }
      calls.insert(read->id);
    }
    if (!message["tool_calls"].is_array() || message["tool_calls"].empty()) {
      return "has 'tool_calls' that is not a list of calls";
    }
  }
  if (role == "tool") {
    if (!message.contains("tool_call_id") || !message["tool_call_id"].is_string() ||
        !calls.contains(message["tool_call_id"].get<std::string>())) {
      return "is a tool's result whose tool_call_id names no earlier call";
    }
    return message.contains("content") ? "" : "is a tool's result without 'content'";
  }
  bool text = message.contains("content") && message["content"].is_string();
  return text || (calling && !message.contains("content")) ? "" : std::string("must be ") + form;
}

}  // namespace

std::string conversation_problem(const json& conversation) {
  std::set<std::string> calls;
  for (std::size_t i = 0; i < conversation.size(); ++i) {
    if (std::string problem = message_problem(conversation[i], calls); !problem.empty()) {
      return "message " + std::to_string(i + 1) + " " + problem + ", not " + shown(conversation[i]);
    }
  }
  return "";
}

std::optional<ChatMessage> conversation_message(const json& message) {
  if (!message.is_object() || !message.contains("role") || !message["role"].is_string()) {
    return std::nullopt;
  }
  json normal = message;
  const json content = message.value("content", json(""));
  normal["content"] = content.is_string() ? content.get<std::string>() : content.dump();
  return ChatMessage::from_json(normal);
}

}  // namespace promptctl::prompt_detail
