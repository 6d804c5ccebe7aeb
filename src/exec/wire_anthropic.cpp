// Anthropic's Messages API: the system prompt in its own field, max_tokens required, and a
// stream of typed events.
#include "exec/wire.hpp"
#include "util/json_writer.hpp"

namespace promptctl::exec_detail {
namespace {

using nlohmann::json;

// Anthropic requires max_tokens; this is what a prompt that sets none gets.
constexpr std::int64_t k_default_max_tokens = 1024;

// The tool whose input is the answer: the one made up for an output schema, or none.
std::string answer_tool(const ChatRequest& request) {
  const json& schema = request.parameters.response_schema;
  return schema.is_object() ? schema.value("name", "answer") : "";
}

class AnthropicStream : public AccumulatingDecoder {
 public:
  explicit AnthropicStream(std::string answer_tool) : m_answer_tool(std::move(answer_tool)) {}

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
        read_identity(body["message"], m_response);
      } else if (event == "content_block_start" && body.contains("content_block")) {
        start_block(body);
      } else if (event == "content_block_delta" && body.contains("delta")) {
        const json& delta = body["delta"];
        if (delta.value("type", "") == "text_delta" && delta.contains("text")) {
          append(delta["text"].get<std::string>(), on_text);
        } else if (delta.value("type", "") == "input_json_delta" &&
                   delta.contains("partial_json")) {
          std::size_t index = block_index(body);
          if (index == m_answer_block) {
            append(delta["partial_json"].get<std::string>(), on_text);
          } else {
            m_tool_calls.add_arguments(index, delta["partial_json"].get_ref<const std::string&>());
          }
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
  static std::size_t block_index(const json& body) {
    auto index = integer_field(body, "index");
    if (!index || *index < 0) {
      throw ResponseError("the stream has a content block without an index", false);
    }
    return static_cast<std::size_t>(*index);
  }

  // A tool_use block is a tool call, unless it is the answer to an output schema.
  void start_block(const json& body) {
    const json& block = body["content_block"];
    if (block.value("type", "") != "tool_use") {
      return;
    }
    std::string name = block.value("name", "");
    if (!m_answer_tool.empty() && name == m_answer_tool) {
      m_answer_block = block_index(body);
    } else {
      m_tool_calls.start(block_index(body), block.value("id", ""), std::move(name));
    }
  }

  SseParser m_parser;
  std::string m_answer_tool;
  std::size_t m_answer_block = static_cast<std::size_t>(-1);
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
    http.body = util::json_compact(body(request, stream));
    return http;
  }

  [[nodiscard]] ChatResponse parse(std::string_view body,
                                   const ChatRequest& request) const override {
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
      } else if (block.value("type", "") == "tool_use") {
        std::string name = block.value("name", "");
        json input = block.value("input", json::object());
        if (name == answer_tool(request) && !name.empty()) {
          response.text = input.dump();  // the answer to an output schema
          any_text = true;
        } else if (name.empty()) {
          throw ResponseError("the answer has a tool call without a name", false);
        } else {
          response.tool_calls.push_back({block.value("id", ""), std::move(name), std::move(input)});
        }
      }
    }
    if (!any_text && response.tool_calls.empty()) {
      throw ResponseError("the response has no text content", false);
    }
    if (parsed.contains("stop_reason") && parsed["stop_reason"].is_string()) {
      response.finish_reason = parsed["stop_reason"].get<std::string>();
    }
    const json usage = parsed.value("usage", json::object());
    response.input_tokens = integer_field(usage, "input_tokens");
    response.output_tokens = integer_field(usage, "output_tokens");
    read_identity(parsed, response);
    return response;
  }

  [[nodiscard]] std::unique_ptr<StreamDecoder> decoder(const ChatRequest& request) const override {
    return std::make_unique<AnthropicStream>(answer_tool(request));
  }

 private:
  // An assistant's calls are tool_use blocks after its text; tool results are tool_result
  // blocks of the user's turn that follows, which gathers them (and any text after them).
  static void add_message(json& messages, const ChatMessage& message) {
    if (!message.tool_calls.empty()) {
      json blocks = json::array();
      if (!message.content.empty()) {
        blocks.push_back({{"type", "text"}, {"text", message.content}});
      }
      for (const ToolCall& call : message.tool_calls) {
        blocks.push_back({{"type", "tool_use"},
                          {"id", call.id},
                          {"name", call.name},
                          {"input", call.arguments.is_object() ? call.arguments : json::object()}});
      }
      messages.push_back({{"role", "assistant"}, {"content", std::move(blocks)}});
      return;
    }
    bool gathering = !messages.empty() && messages.back()["role"] == "user" &&
                     messages.back()["content"].is_array();
    if (message.role == "tool") {
      json block = {{"type", "tool_result"},
                    {"tool_use_id", message.tool_call_id},
                    {"content", message.content}};
      if (gathering) {
        messages.back()["content"].push_back(std::move(block));
      } else {
        messages.push_back({{"role", "user"}, {"content", json::array({std::move(block)})}});
      }
    } else if (message.role == "user" && (gathering || !message.images.empty())) {
      json blocks = user_blocks(message);
      if (gathering) {
        messages.back()["content"].insert(messages.back()["content"].end(), blocks.begin(),
                                          blocks.end());
      } else {
        messages.push_back({{"role", "user"}, {"content", std::move(blocks)}});
      }
    } else {
      append_role_content(messages, message.role, message.content);
    }
  }

  // A user's images as image blocks (a data URI's data inline, or a URL), before its text, as
  // Anthropic advises.
  static json user_blocks(const ChatMessage& message) {
    json blocks = json::array();
    for (const std::string& image : message.images) {
      std::size_t comma = image.find(',');
      if (image.starts_with("data:") && comma != std::string::npos) {
        std::size_t semicolon = image.find(';');
        blocks.push_back({{"type", "image"},
                          {"source",
                           {{"type", "base64"},
                            {"media_type", image.substr(5, semicolon - 5)},
                            {"data", image.substr(comma + 1)}}}});
      } else {
        blocks.push_back({{"type", "image"}, {"source", {{"type", "url"}, {"url", image}}}});
      }
    }
    if (!message.content.empty()) {
      blocks.push_back({{"type", "text"}, {"text", message.content}});
    }
    return blocks;
  }

  // "required" is Anthropic's "any": some tool, the model picks which.
  static json tool_choice(const std::string& choice) {
    if (choice == "auto" || choice == "none") {
      return {{"type", choice}};
    }
    if (choice == "required") {
      return {{"type", "any"}};
    }
    return {{"type", "tool"}, {"name", choice}};
  }

  static json body(const ChatRequest& request, bool stream) {
    json body = json::object();
    body["model"] = request.model;
    std::string system;
    json messages = json::array();
    for (const ChatMessage& message : request.messages) {
      if (message.is_instruction()) {
        system += (system.empty() ? "" : "\n\n") + message.content;
      } else {
        add_message(messages, message);
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
    } else if (!p.tools.is_null()) {
      body["tools"] = json::array();
      for (const json& tool : p.tools) {
        json declared = {{"name", tool.at("name")}, {"input_schema", tool.at("parameters")}};
        if (tool.contains("description")) {
          declared["description"] = tool["description"];
        }
        body["tools"].push_back(std::move(declared));
      }
      if (p.tool_choice) {
        body["tool_choice"] = tool_choice(*p.tool_choice);
      }
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
