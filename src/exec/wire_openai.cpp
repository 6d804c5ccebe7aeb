// The OpenAI chat completions format, also spoken by Azure OpenAI and by OpenAI-compatible
// servers (vLLM, llama.cpp, LM Studio, gateways).
#include <algorithm>

#include "exec/wire.hpp"
#include "util/json_writer.hpp"

namespace promptctl::exec_detail {
namespace {

using nlohmann::json;

void read_usage(const json& body, ChatResponse& response) {
  if (body.contains("usage") && body["usage"].is_object()) {
    response.input_tokens = integer_field(body["usage"], "prompt_tokens");
    response.output_tokens = integer_field(body["usage"], "completion_tokens");
  }
}

const json* first_choice(const json& body) {
  if (!body.is_object() || !body.contains("choices") || !body["choices"].is_array() ||
      body["choices"].empty() || !body["choices"][0].is_object()) {
    return nullptr;
  }
  return &body["choices"][0];
}

class OpenAiStream : public AccumulatingDecoder {
 public:
  void feed(std::string_view chunk, const TextSink& on_text) override {
    m_parser.feed(chunk, [&](const std::string&, const std::string& data) {
      if (data == "[DONE]") {
        m_done = true;
        return;
      }
      json event = parse_json(data, "a streamed event");
      if (event.contains("error")) {
        throw ResponseError("the stream reported an error: " + event["error"].dump(), false);
      }
      read_usage(event, m_response);
      read_identity(event, m_response);
      const json* choice = first_choice(event);
      if (!choice) {
        return;  // the usage-only event at the end
      }
      const json& delta = choice->value("delta", json::object());
      if (delta.contains("content") && delta["content"].is_string()) {
        append(delta["content"].get<std::string>(), on_text);
      }
      if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
        read_tool_call_pieces(delta["tool_calls"]);
      }
      if (choice->contains("finish_reason") && (*choice)["finish_reason"].is_string()) {
        m_response.finish_reason = (*choice)["finish_reason"].get<std::string>();
      }
    });
  }

  // The first piece of a call has its id and name; every piece may add to its arguments.
  void read_tool_call_pieces(const json& pieces) {
    for (const json& piece : pieces) {
      auto index = integer_field(piece, "index");
      if (!index || *index < 0) {
        throw ResponseError("the stream has a tool call without an index", false);
      }
      const json& function = piece.value("function", json::object());
      if (function.contains("name") && function["name"].is_string()) {
        m_tool_calls.start(static_cast<std::size_t>(*index), piece.value("id", ""),
                           function["name"].get<std::string>());
      }
      if (function.contains("arguments") && function["arguments"].is_string()) {
        m_tool_calls.add_arguments(static_cast<std::size_t>(*index),
                                   function["arguments"].get_ref<const std::string&>());
      }
    }
  }

  // Some compatible servers end without "[DONE]"; a finish reason says the answer is whole.
  [[nodiscard]] bool complete() const override {
    return m_done || !m_response.finish_reason.empty();
  }

 private:
  SseParser m_parser;
};

// An assistant's calls go with its message, their arguments as JSON text; a tool's result names
// its call; a message with images has its text and each image as parts of its content.
json messages(const std::vector<ChatMessage>& chat) {
  json list = role_content_messages(chat);
  for (std::size_t i = 0; i < chat.size(); ++i) {
    const ChatMessage& message = chat[i];
    if (!message.tool_calls.empty()) {
      json calls = json::array();
      for (const ToolCall& call : message.tool_calls) {
        calls.push_back(
            {{"id", call.id},
             {"type", "function"},
             {"function",
              {{"name", call.name},
               {"arguments", call.arguments.is_string() ? call.arguments.get<std::string>()
                                                        : call.arguments.dump()}}}});
      }
      list[i]["tool_calls"] = std::move(calls);
      if (message.content.empty()) {
        list[i]["content"] = nullptr;
      }
    }
    if (message.role == "tool") {
      list[i]["tool_call_id"] = message.tool_call_id;
    }
    if (!message.images.empty()) {
      json parts = json::array();
      if (!message.content.empty()) {
        parts.push_back({{"type", "text"}, {"text", message.content}});
      }
      for (const std::string& image : message.images) {
        parts.push_back({{"type", "image_url"}, {"image_url", {{"url", image}}}});
      }
      list[i]["content"] = std::move(parts);
    }
  }
  return list;
}

class OpenAiFormat : public WireFormat {
 public:
  explicit OpenAiFormat(bool azure) : m_azure(azure) {}

  [[nodiscard]] http::Request build(const ChatRequest& request, const ProviderSettings& settings,
                                    const std::string& key, bool stream) const override {
    http::Request http;
    std::string base = settings.effective_base_url();
    if (m_azure) {
      http.url = base + "/openai/deployments/" + request.model +
                 "/chat/completions?api-version=" + settings.api_version;
      http.headers.emplace_back("api-key", key);
    } else {
      http.url = base + "/chat/completions";
      if (!key.empty()) {
        http.headers.emplace_back("Authorization", "Bearer " + key);
      }
    }
    http.headers.emplace_back("Content-Type", "application/json");
    http.headers.emplace_back("Accept", stream ? "text/event-stream" : "application/json");
    http.body = openai_body(request, m_azure, stream);
    return http;
  }

  [[nodiscard]] http::Request build_embeddings(const std::string& model,
                                               const std::vector<std::string>& texts,
                                               const ProviderSettings& settings,
                                               const std::string& key) const override {
    http::Request http;
    std::string base = settings.effective_base_url();
    json body = {{"input", texts}};
    if (m_azure) {
      http.url =
          base + "/openai/deployments/" + model + "/embeddings?api-version=" + settings.api_version;
      http.headers.emplace_back("api-key", key);
    } else {
      http.url = base + "/embeddings";
      body["model"] = model;
      if (!key.empty()) {
        http.headers.emplace_back("Authorization", "Bearer " + key);
      }
    }
    http.headers.emplace_back("Content-Type", "application/json");
    http.body = util::json_compact(body);
    return http;
  }

  [[nodiscard]] std::vector<std::vector<double>> parse_embeddings(std::string_view body,
                                                                  size_t count) const override {
    json parsed = parse_json(body, "the response");
    if (!parsed.contains("data") || !parsed["data"].is_array()) {
      throw ResponseError("the response has no 'data'", false);
    }
    // Each item says which input it embeds; order by that rather than trust the list order.
    json vectors = json::array();
    std::vector<const json*> by_index(count, nullptr);
    for (const json& item : parsed["data"]) {
      auto index = item.is_object() ? integer_field(item, "index") : std::nullopt;
      if (!index || *index < 0 || static_cast<size_t>(*index) >= count ||
          !item.contains("embedding")) {
        throw ResponseError("the response has an embedding without a valid 'index'", false);
      }
      by_index[static_cast<size_t>(*index)] = &item["embedding"];
    }
    for (const json* vector : by_index) {
      vectors.push_back(vector ? *vector : json(nullptr));
    }
    return read_vectors(vectors, count);
  }

  [[nodiscard]] ChatResponse parse(std::string_view body,
                                   const ChatRequest& /*request*/) const override {
    json parsed = parse_json(body, "the response");
    const json* choice = first_choice(parsed);
    if (!choice || !choice->contains("message") || !(*choice)["message"].is_object()) {
      throw ResponseError("the response has no choices", false);
    }
    const json& message = (*choice)["message"];
    ChatResponse response;
    response.tool_calls = function_tool_calls(message);
    bool has_text = message.contains("content") && message["content"].is_string();
    if (!has_text && response.tool_calls.empty()) {
      std::string refusal =
          message.contains("refusal") && message["refusal"].is_string()
              ? ": the model refused (" + message["refusal"].get<std::string>() + ")"
              : "";
      throw ResponseError("the response has no content" + refusal, false);
    }
    response.text = has_text ? message["content"].get<std::string>() : "";
    if (choice->contains("finish_reason") && (*choice)["finish_reason"].is_string()) {
      response.finish_reason = (*choice)["finish_reason"].get<std::string>();
    }
    read_usage(parsed, response);
    read_identity(parsed, response);
    return response;
  }

  [[nodiscard]] std::unique_ptr<StreamDecoder> decoder(
      const ChatRequest& /*request*/) const override {
    return std::make_unique<OpenAiStream>();
  }

 private:
  bool m_azure;
};

}  // namespace

json openai_body_tree(const ChatRequest& request, bool azure, bool stream) {
  json body = json::object();
  if (!azure) {
    body["model"] = request.model;
  }
  body["messages"] = messages(request.messages);
  const ModelSettings& p = request.parameters;
  if (p.temperature) {
    body["temperature"] = *p.temperature;
  }
  if (p.top_p) {
    body["top_p"] = *p.top_p;
  }
  if (p.max_tokens) {
    // Reasoning models refuse the older name, which compatible servers still expect.
    body[is_openai_reasoning_model(request.model) ? "max_completion_tokens" : "max_tokens"] =
        *p.max_tokens;
  }
  if (p.reasoning_effort) {
    body["reasoning_effort"] = *p.reasoning_effort;
  }
  if (p.seed) {
    body["seed"] = *p.seed;
  }
  if (!p.stop.empty()) {
    body["stop"] = p.stop;
  }
  if (!p.response_schema.is_null()) {
    body["response_format"] = {{"type", "json_schema"}, {"json_schema", p.response_schema}};
  } else if (p.response_format == "json") {
    body["response_format"] = {{"type", "json_object"}};
  }
  if (!p.tools.is_null()) {
    body["tools"] = function_tools(p.tools);
  }
  if (p.tool_choice) {
    bool mode =
        *p.tool_choice == "auto" || *p.tool_choice == "none" || *p.tool_choice == "required";
    body["tool_choice"] =
        mode ? json(*p.tool_choice)
             : json{{"type", "function"}, {"function", {{"name", *p.tool_choice}}}};
  }
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  }
  return body;
}

namespace {

// Whether the format writes `message` as {"content", "role"} and nothing else.
bool is_plain(const ChatMessage& message) {
  return message.tool_calls.empty() && message.role != "tool" && message.images.empty();
}

// The body of a request without tools, a schema, tool calls, tool results or images, written
// directly in the order `openai_body_tree`'s keys take: a batch sends one a row, and building
// the tree and compacting it cost five times the writing. Nothing for any other request.
std::optional<std::string> plain_body(const ChatRequest& request, bool azure, bool stream) {
  const ModelSettings& p = request.parameters;
  if (!p.response_schema.is_null() || !p.tools.is_null() || p.tool_choice ||
      !std::all_of(request.messages.begin(), request.messages.end(), is_plain)) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(plain_messages_size(request.messages) + request.model.size() + 192);
  util::JsonCompactObjectWriter body(out);
  if (p.max_tokens) {
    // Reasoning models refuse the older name, which compatible servers still expect.
    util::append_json_integer(
        body.key(is_openai_reasoning_model(request.model) ? "max_completion_tokens" : "max_tokens"),
        *p.max_tokens);
  }
  append_plain_messages(body.key("messages"), request.messages);
  if (!azure) {
    util::append_json_string_strict(body.key("model"), request.model);
  }
  if (p.reasoning_effort) {
    util::append_json_string_strict(body.key("reasoning_effort"), *p.reasoning_effort);
  }
  if (p.response_format == "json") {
    body.key("response_format") += R"({"type":"json_object"})";
  }
  if (p.seed) {
    util::append_json_integer(body.key("seed"), *p.seed);
  }
  if (!p.stop.empty()) {
    util::append_json_strings_strict(body.key("stop"), p.stop);
  }
  if (stream) {
    body.key("stream") += "true";
    body.key("stream_options") += R"({"include_usage":true})";
  }
  if (p.temperature) {
    util::append_json_number(body.key("temperature"), *p.temperature);
  }
  if (p.top_p) {
    util::append_json_number(body.key("top_p"), *p.top_p);
  }
  body.close();
  return out;
}

}  // namespace

std::string openai_body(const ChatRequest& request, bool azure, bool stream) {
  if (std::optional<std::string> plain = plain_body(request, azure, stream)) {
    return std::move(*plain);
  }
  return util::json_compact(openai_body_tree(request, azure, stream));
}

std::unique_ptr<WireFormat> make_openai_format(bool azure) {
  return std::make_unique<OpenAiFormat>(azure);
}

}  // namespace promptctl::exec_detail
