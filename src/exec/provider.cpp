#include "promptctl/provider.hpp"

#include "util/json_writer.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl {

using nlohmann::json;

json ChatRequest::to_json() const {
  json out = json::object();
  out["provider"] = provider;
  out["model"] = model;
  json& messages_json = out["messages"] = json::array();
  messages_json.get_ref<json::array_t&>().reserve(messages.size());
  for (const ChatMessage& message : messages) {
    messages_json.push_back(message.to_json());
  }
  json& parameters_json = out["parameters"] = parameters.to_json();
  parameters_json.erase("provider");
  parameters_json.erase("name");
  parameters_json.erase("fallback");
  return out;
}

ChatRequest ChatRequest::from_json(const json& value) {
  try {
    ChatRequest request;
    request.provider = value.at("provider").get<std::string>();
    request.model = value.at("model").get<std::string>();
    for (const json& message : value.at("messages")) {
      std::optional<ChatMessage> read = ChatMessage::from_json(message);
      if (!read) {
        throw Error(ErrorKind::invalid_input,
                    "not a recorded request: a message is " + util::printable(message.dump()));
      }
      request.messages.push_back(std::move(*read));
    }
    const json& parameters = value.at("parameters");
    ModelSettings& p = request.parameters;
    p.provider = request.provider;
    p.name = request.model;
    if (parameters.contains("temperature")) {
      p.temperature = parameters["temperature"].get<double>();
    }
    if (parameters.contains("top_p")) {
      p.top_p = parameters["top_p"].get<double>();
    }
    if (parameters.contains("max_tokens")) {
      p.max_tokens = parameters["max_tokens"].get<std::int64_t>();
    }
    if (parameters.contains("seed")) {
      p.seed = parameters["seed"].get<std::int64_t>();
    }
    if (parameters.contains("stop")) {
      p.stop = parameters["stop"].get<std::vector<std::string>>();
    }
    if (parameters.contains("response_format")) {
      p.response_format = parameters["response_format"].get<std::string>();
    }
    if (parameters.contains("response_schema")) {
      p.response_schema = parameters["response_schema"];
    }
    if (parameters.contains("schema_retries")) {
      p.schema_retries = parameters["schema_retries"].get<int>();
    }
    if (parameters.contains("tools")) {
      p.tools = parameters["tools"];
    }
    if (parameters.contains("tool_choice")) {
      p.tool_choice = parameters["tool_choice"].get<std::string>();
    }
    if (parameters.contains("reasoning_effort")) {
      p.reasoning_effort = parameters["reasoning_effort"].get<std::string>();
    }
    return request;
  } catch (const json::exception& e) {
    throw Error(ErrorKind::invalid_input, std::string("not a recorded request: ") + e.what());
  }
}

std::string ChatRequest::hash() const {
  // nlohmann::json keeps object keys sorted, so the dump is canonical.
  return util::sha256_hex(util::json_compact(to_json()));
}

}  // namespace promptctl
