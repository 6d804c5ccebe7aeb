// Ollama's native chat API: options in their own object and a stream of JSON lines.
#include <map>

#include "exec/wire.hpp"
#include "util/json_writer.hpp"

namespace promptctl::exec_detail {
namespace {

using nlohmann::json;

void read_final(const json& body, ChatResponse& response) {
  read_identity(body, response);
  if (body.contains("done_reason") && body["done_reason"].is_string()) {
    response.finish_reason = body["done_reason"].get<std::string>();
  }
  response.input_tokens = integer_field(body, "prompt_eval_count");
  response.output_tokens = integer_field(body, "eval_count");
}

std::string message_text(const json& body) {
  if (body.is_object() && body.contains("message") && body["message"].is_object() &&
      body["message"].contains("content") && body["message"]["content"].is_string()) {
    return body["message"]["content"].get<std::string>();
  }
  return {};
}

class OllamaStream : public AccumulatingDecoder {
 public:
  void feed(std::string_view chunk, const TextSink& on_text) override {
    m_pending.append(chunk);
    size_t end;
    while ((end = m_pending.find('\n')) != std::string::npos) {
      std::string line = m_pending.substr(0, end);
      m_pending.erase(0, end + 1);
      if (line.find_first_not_of(" \r\t") == std::string::npos) {
        continue;
      }
      json body = parse_json(line, "a streamed line");
      if (body.contains("error")) {
        throw ResponseError("the stream reported an error: " + body["error"].dump(), false);
      }
      if (std::string piece = message_text(body); !piece.empty()) {
        append(piece, on_text);
      }
      // Ollama sends each tool call whole, in the line that makes it.
      for (ToolCall& call : function_tool_calls(body.value("message", json::object()))) {
        m_tool_calls.start(m_calls_seen, std::move(call.id), std::move(call.name));
        m_tool_calls.add_arguments(m_calls_seen++, call.arguments.dump());
      }
      if (body.value("done", false)) {
        read_final(body, m_response);
        m_done = true;
      }
    }
  }

 private:
  std::string m_pending;
  std::size_t m_calls_seen = 0;
};

// An assistant's calls go with its message, their arguments as an object; a tool's result
// names the tool (Ollama's calls have no ids to name); images go as their base64 data.
json messages(const std::vector<ChatMessage>& chat) {
  json list = role_content_messages(chat, /*instructions_as_system=*/true);
  std::map<std::string, std::string> tool_of_call;
  for (std::size_t i = 0; i < chat.size(); ++i) {
    const ChatMessage& message = chat[i];
    if (!message.tool_calls.empty()) {
      json calls = json::array();
      for (const ToolCall& call : message.tool_calls) {
        tool_of_call[call.id] = call.name;
        calls.push_back({{"function", {{"name", call.name}, {"arguments", call.arguments}}}});
      }
      list[i]["tool_calls"] = std::move(calls);
    }
    if (message.role == "tool") {
      list[i]["tool_name"] = tool_of_call[message.tool_call_id];
    }
    if (!message.images.empty()) {
      json images = json::array();
      for (const std::string& image : message.images) {
        // Ollama takes an image's base64 data alone; a URL was refused before the request.
        std::size_t comma = image.find(',');
        if (image.starts_with("data:") && comma != std::string::npos) {
          images.push_back(image.substr(comma + 1));
        }
      }
      list[i]["images"] = std::move(images);
    }
  }
  return list;
}

class OllamaFormat : public WireFormat {
 public:
  [[nodiscard]] http::Request build_embeddings(const std::string& model,
                                               const std::vector<std::string>& texts,
                                               const ProviderSettings& settings,
                                               const std::string& key) const override {
    http::Request http;
    http.url = settings.effective_base_url() + "/api/embed";
    if (!key.empty()) {
      http.headers.emplace_back("Authorization", "Bearer " + key);
    }
    http.headers.emplace_back("Content-Type", "application/json");
    http.body = json{{"model", model}, {"input", texts}}.dump();
    return http;
  }

  [[nodiscard]] std::vector<std::vector<double>> parse_embeddings(std::string_view body,
                                                                  size_t count) const override {
    json parsed = parse_json(body, "the response");
    return read_vectors(
        parsed.is_object() && parsed.contains("embeddings") ? parsed["embeddings"] : json(nullptr),
        count);
  }

  [[nodiscard]] http::Request build(const ChatRequest& request, const ProviderSettings& settings,
                                    const std::string& key, bool stream) const override {
    http::Request http;
    http.url = settings.effective_base_url() + "/api/chat";
    if (!key.empty()) {  // behind an authenticating proxy
      http.headers.emplace_back("Authorization", "Bearer " + key);
    }
    http.headers.emplace_back("Content-Type", "application/json");
    json body = json::object();
    body["model"] = request.model;
    body["messages"] = messages(request.messages);
    body["stream"] = stream;  // Ollama streams unless told not to
    json options = json::object();
    const ModelSettings& p = request.parameters;
    if (p.temperature) {
      options["temperature"] = *p.temperature;
    }
    if (p.top_p) {
      options["top_p"] = *p.top_p;
    }
    if (p.max_tokens) {
      options["num_predict"] = *p.max_tokens;
    }
    if (p.seed) {
      options["seed"] = *p.seed;
    }
    if (!p.stop.empty()) {
      options["stop"] = p.stop;
    }
    if (!options.empty()) {
      body["options"] = std::move(options);
    }
    if (!p.tools.is_null()) {
      body["tools"] = function_tools(p.tools);
    }
    if (!p.response_schema.is_null()) {
      body["format"] = p.response_schema["schema"];  // Ollama's structured outputs
    } else if (p.response_format == "json") {
      body["format"] = "json";
    }
    http.body = util::json_compact(body);
    return http;
  }

  [[nodiscard]] ChatResponse parse(std::string_view body,
                                   const ChatRequest& /*request*/) const override {
    json parsed = parse_json(body, "the response");
    if (!parsed.is_object() || !parsed.contains("message")) {
      throw ResponseError("the response has no message", false);
    }
    ChatResponse response;
    response.text = message_text(parsed);
    response.tool_calls = function_tool_calls(parsed["message"]);
    read_final(parsed, response);
    return response;
  }

  [[nodiscard]] std::unique_ptr<StreamDecoder> decoder(
      const ChatRequest& /*request*/) const override {
    return std::make_unique<OllamaStream>();
  }
};

}  // namespace

std::unique_ptr<WireFormat> make_ollama_format() {
  return std::make_unique<OllamaFormat>();
}

}  // namespace promptctl::exec_detail
