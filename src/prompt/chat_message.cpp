// Chat messages and tool calls as JSON: the form `render --json`, the ledger's requests and a
// conversation variable share.
#include "promptctl/render.hpp"

namespace promptctl {

using nlohmann::json;

json ToolCall::to_json() const {
  return {{"id", id}, {"name", name}, {"arguments", arguments}};
}

std::optional<ToolCall> ToolCall::from_json(const json& value) {
  if (!value.is_object() || !value.contains("name") || !value["name"].is_string() ||
      (value.contains("id") && !value["id"].is_string())) {
    return std::nullopt;
  }
  ToolCall call;
  call.id = value.value("id", "");
  call.name = value["name"].get<std::string>();
  call.arguments = value.value("arguments", json::object());
  return call;
}

json tool_calls_json(const std::vector<ToolCall>& calls) {
  json list = json::array();
  for (const ToolCall& call : calls) {
    list.push_back(call.to_json());
  }
  return list;
}

json ChatMessage::to_json() const {
  // Members set one by one: an initializer list would build each pair as an array first.
  json out = json::object();
  out["role"] = role;
  out["content"] = content;
  if (!tool_calls.empty()) {
    out["tool_calls"] = tool_calls_json(tool_calls);
  }
  if (!tool_call_id.empty()) {
    out["tool_call_id"] = tool_call_id;
  }
  if (!images.empty()) {
    out["images"] = images;
  }
  return out;
}

std::optional<ChatMessage> ChatMessage::from_json(const json& value) {
  if (!value.is_object() || !value.contains("role") || !value["role"].is_string() ||
      !value.contains("content") || !value["content"].is_string()) {
    return std::nullopt;
  }
  ChatMessage message(value["role"].get<std::string>(), value["content"].get<std::string>());
  for (const json& item : value.value("tool_calls", json::array())) {
    std::optional<ToolCall> call = ToolCall::from_json(item);
    if (!call) {
      return std::nullopt;
    }
    message.tool_calls.push_back(std::move(*call));
  }
  if (value.contains("tool_call_id")) {
    if (!value["tool_call_id"].is_string()) {
      return std::nullopt;
    }
    message.tool_call_id = value["tool_call_id"].get<std::string>();
  }
  for (const json& image : value.value("images", json::array())) {
    if (!image.is_string()) {
      return std::nullopt;
    }
    message.images.push_back(image.get<std::string>());
  }
  return message;
}

}  // namespace promptctl
