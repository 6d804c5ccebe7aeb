// Anthropic's Messages API: the system prompt in its own field, max_tokens required, and a
// stream of typed events.
#include "exec/wire.hpp"

namespace promptctl::exec_detail {
namespace {

using nlohmann::json;

// Anthropic requires max_tokens; this is what a prompt that sets none gets.
constexpr std::int64_t k_default_max_tokens = 1024;

class AnthropicStream : public AccumulatingDecoder {
 public:
  void feed(std::string_view chunk, const TextSink& on_text) override {
    m_parser.feed(chunk, [&](const std::string& event, const std::string& data) {
      json body = parse_json(data, "a streamed event");
      if (event == "error" || body.value("type", "") == "error") {
        const json& error = body.contains("error") ? body["error"] : body;
        bool overloaded = error.value("type", "") == "overloaded_error";
        throw ResponseError("the stream reported an error: " + error.value("message", data),
                            overloaded);
      }
      if (event == "message_start" && body.contains("message")) {
        const json& usage = body["message"].value("usage", json::object());
        m_response.input_tokens = integer_field(usage, "input_tokens");
        m_response.output_tokens = integer_field(usage, "output_tokens");
      } else if (event == "content_block_delta" && body.contains("delta")) {
        const json& delta = body["delta"];
        if (delta.value("type", "") == "text_delta" && delta.contains("text")) {
          append(delta["text"].get<std::string>(), on_text);
        } else if (delta.value("type", "") == "input_json_delta" &&
                   delta.contains("partial_json")) {
          append(delta["partial_json"].get<std::string>(), on_text);  // a forced tool's input
        }
      } else if (event == "message_delta") {
        if (body.contains("delta") && body["delta"].contains("stop_reason") &&
            body["delta"]["stop_reason"].is_string()) {
          m_response.finish_reason = body["delta"]["stop_reason"].get<std::string>();
        }
        if (auto output = integer_field(body.value("usage", json::object()), "output_tokens")) {
          m_response.output_tokens = output;
        }
      } else if (event == "message_stop") {
        m_done = true;
      }
    });
  }

 private:
  SseParser m_parser;
};

class AnthropicFormat : public WireFormat {
 public:
  [[nodiscard]] http::Request build(const ChatRequest& request, const ProviderSettings& settings,
                                    const std::string& key, bool stream) const override {
    http::Request http;
    http.url = settings.effective_base_url() + "/v1/messages";
    http.headers.emplace_back("x-api-key", key);
    http.headers.emplace_back("anthropic-version", settings.api_version);
    http.headers.emplace_back("Content-Type", "application/json");
    http.headers.emplace_back("Accept", stream ? "text/event-stream" : "application/json");
    http.body = body(request, stream).dump();
    return http;
  }

  [[nodiscard]] ChatResponse parse(std::string_view body) const override {
    json parsed = parse_json(body, "the response");
    if (!parsed.is_object() || !parsed.contains("content") || !parsed["content"].is_array()) {
      throw ResponseError("the response has no content", false);
    }
    ChatResponse response;
    bool any_text = false;
    for (const json& block : parsed["content"]) {
      if (!block.is_object()) {
        continue;
      }
      if (block.value("type", "") == "text" && block.contains("text")) {
        response.text += block["text"].get<std::string>();
        any_text = true;
      } else if (block.value("type", "") == "tool_use" && block.contains("input")) {
        // The answer to a structured-output request: the forced tool's input is the object.
        response.text = block["input"].dump();
        any_text = true;
        break;
      }
    }
    if (!any_text) {
      throw ResponseError("the response has no text content", false);
    }
    if (parsed.contains("stop_reason") && parsed["stop_reason"].is_string()) {
      response.finish_reason = parsed["stop_reason"].get<std::string>();
    }
    const json usage = parsed.value("usage", json::object());
    response.input_tokens = integer_field(usage, "input_tokens");
    response.output_tokens = integer_field(usage, "output_tokens");
    return response;
  }

  [[nodiscard]] std::unique_ptr<StreamDecoder> decoder() const override {
    return std::make_unique<AnthropicStream>();
  }

 private:
  static json body(const ChatRequest& request, bool stream) {
    json body = json::object();
    body["model"] = request.model;
    std::string system;
    json messages = json::array();
    for (const ChatMessage& message : request.messages) {
      if (message.is_instruction()) {
        system += (system.empty() ? "" : "\n\n") + message.content;
      } else {
        messages.push_back({{"role", message.role}, {"content", message.content}});
      }
    }
    if (!system.empty()) {
      body["system"] = system;
    }
    body["messages"] = std::move(messages);
    const ModelSettings& p = request.parameters;
    body["max_tokens"] = p.max_tokens.value_or(k_default_max_tokens);
    if (p.temperature) {
      body["temperature"] = *p.temperature;
    }
    if (p.top_p) {
      body["top_p"] = *p.top_p;
    }
    if (!p.stop.empty()) {
      body["stop_sequences"] = p.stop;
    }
    if (!p.response_schema.is_null()) {
      // Structured output through a tool the model must call, whose input is the answer.
      const std::string name = p.response_schema.value("name", "answer");
      body["tools"] = json::array({{{"name", name},
                                    {"description", "Give the answer as this tool's input."},
                                    {"input_schema", p.response_schema["schema"]}}});
      body["tool_choice"] = {{"type", "tool"}, {"name", name}};
    }
    if (stream) {
      body["stream"] = true;
    }
    return body;
  }
};

}  // namespace

std::unique_ptr<WireFormat> make_anthropic_format() {
  return std::make_unique<AnthropicFormat>();
}

}  // namespace promptctl::exec_detail
