#include "promptctl/provider.hpp"

#include <algorithm>

#include "exec/wire.hpp"
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

namespace {

// Whether `ChatMessage::to_json` writes `message` as {"content", "role"} and nothing else.
bool is_plain(const ChatMessage& message) {
  return message.tool_calls.empty() && message.tool_call_id.empty() && message.images.empty();
}

// The parameters `ChatRequest::to_json` keeps, for a request without a schema or tools, in the
// order of their keys.
void append_plain_parameters(std::string& out, const ModelSettings& p) {
  util::JsonCompactObjectWriter parameters(out);
  if (p.max_tokens) {
    util::append_json_integer(parameters.key("max_tokens"), *p.max_tokens);
  }
  if (p.reasoning_effort) {
    util::append_json_string_strict(parameters.key("reasoning_effort"), *p.reasoning_effort);
  }
  if (p.response_format) {
    util::append_json_string_strict(parameters.key("response_format"), *p.response_format);
  }
  if (p.schema_retries > 0) {
    util::append_json_integer(parameters.key("schema_retries"), std::int64_t{p.schema_retries});
  }
  if (p.seed) {
    util::append_json_integer(parameters.key("seed"), *p.seed);
  }
  if (!p.stop.empty()) {
    util::append_json_strings_strict(parameters.key("stop"), p.stop);
  }
  if (p.temperature) {
    util::append_json_number(parameters.key("temperature"), *p.temperature);
  }
  if (p.tool_choice) {
    util::append_json_string_strict(parameters.key("tool_choice"), *p.tool_choice);
  }
  if (p.top_p) {
    util::append_json_number(parameters.key("top_p"), *p.top_p);
  }
  parameters.close();
}

}  // namespace

std::string ChatRequest::compact_json() const {
  // A batch stores and hashes a request a row: writing it directly costs a fraction of
  // building its tree and compacting that. Anything less plain goes through the tree.
  if (!parameters.response_schema.is_null() || !parameters.tools.is_null() ||
      !std::all_of(messages.begin(), messages.end(), is_plain)) {
    return util::json_compact(to_json());
  }
  std::string out;
  out.reserve(exec_detail::plain_messages_size(messages) + provider.size() + model.size() + 160);
  util::JsonCompactObjectWriter request(out);
  exec_detail::append_plain_messages(request.key("messages"), messages);
  util::append_json_string_strict(request.key("model"), model);
  append_plain_parameters(request.key("parameters"), parameters);
  util::append_json_string_strict(request.key("provider"), provider);
  request.close();
  return out;
}

std::string ChatRequest::hash() const {
  // nlohmann::json keeps object keys sorted, so the text is canonical.
  return util::sha256_hex(compact_json());
}

}  // namespace promptctl
