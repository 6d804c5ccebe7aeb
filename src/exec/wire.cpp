#include "exec/wire.hpp"

#include "promptctl/error.hpp"
#include "util/json_input.hpp"
#include "util/json_reader.hpp"
#include "util/json_writer.hpp"
#include "util/strings.hpp"

namespace promptctl::exec_detail {

using nlohmann::json;

json parse_json(std::string_view body, std::string_view what) {
  if (std::optional<json> read = util::read_json(body)) {
    return std::move(*read);
  }
  if (util::json_too_deep_at(body)) {
    throw ResponseError(std::string(what) + " nests more than " +
                            std::to_string(util::k_max_json_depth) + " levels deep",
                        false);
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    // A garbled or cut body is usually the connection's fault, not the request's: worth the
    // same bounded retries as a 5xx.
    throw ResponseError(
        std::string(what) + " is not valid JSON (" + e.what() + "): " + util::printable(body, 120),
        true);
  }
}

ChatResponse AccumulatingDecoder::finish() {
  if (!complete()) {
    throw ResponseError("the stream ended before the response was complete", true);
  }
  m_response.tool_calls = m_tool_calls.calls();
  return m_response;
}

void AccumulatingDecoder::append(const std::string& piece, const TextSink& on_text) {
  m_response.text += piece;
  on_text(piece);
}

std::optional<std::int64_t> integer_field(const json& object, const char* field) {
  if (object.is_object() && object.contains(field) && object[field].is_number_integer()) {
    return object[field].get<std::int64_t>();
  }
  return std::nullopt;
}

void read_identity(const json& object, ChatResponse& response) {
  if (!object.is_object()) {
    return;
  }
  if (auto id = object.find("id"); id != object.end() && id->is_string()) {
    response.id = id->get<std::string>();
  }
  if (auto model = object.find("model"); model != object.end() && model->is_string()) {
    response.model = model->get<std::string>();
  }
}

void append_role_content(json& list, std::string_view role, const std::string& content) {
  // Members set one by one: an initializer list would build each pair as an array first.
  json& item = list.emplace_back(json::object());
  item["role"] = role;
  item["content"] = content;
}

void append_plain_messages(std::string& out, const std::vector<ChatMessage>& messages) {
  out += '[';
  for (std::size_t i = 0; i < messages.size(); ++i) {
    out += i ? ",{\"content\":" : "{\"content\":";
    util::append_json_string_strict(out, messages[i].content);
    out += ",\"role\":";
    util::append_json_string_strict(out, messages[i].role);
    out += '}';
  }
  out += ']';
}

std::size_t plain_messages_size(const std::vector<ChatMessage>& messages) {
  std::size_t size = 2;
  for (const ChatMessage& message : messages) {
    size += message.content.size() + message.role.size() + 24;  // and the keys, quotes, commas
  }
  return size;
}

json role_content_messages(const std::vector<ChatMessage>& messages, bool instructions_as_system) {
  json list = json::array();
  list.get_ref<json::array_t&>().reserve(messages.size());
  for (const ChatMessage& message : messages) {
    append_role_content(list,
                        instructions_as_system && message.is_instruction()
                            ? std::string_view("system")
                            : std::string_view(message.role),
                        message.content);
  }
  return list;
}

http::Request WireFormat::build_embeddings(const std::string&, const std::vector<std::string>&,
                                           const ProviderSettings& settings,
                                           const std::string&) const {
  throw Error(ErrorKind::invalid_input,
              "provider '" + settings.name + "' (" + std::string(to_string(settings.type)) +
                  ") has no embeddings endpoint",
              {}, "choose an embedding model of another provider (tests.embedding_model)");
}

std::vector<std::vector<double>> WireFormat::parse_embeddings(std::string_view, size_t) const {
  throw ResponseError("this provider has no embeddings", false);
}

std::vector<std::vector<double>> read_vectors(const json& vectors, size_t count) {
  if (!vectors.is_array() || vectors.size() != count) {
    throw ResponseError("the response does not have one embedding per input", false);
  }
  std::vector<std::vector<double>> out;
  for (const json& vector : vectors) {
    if (!vector.is_array() || vector.empty() ||
        (!out.empty() && vector.size() != out.front().size())) {
      throw ResponseError("the response has an embedding that is not a list of numbers", false);
    }
    std::vector<double>& values = out.emplace_back();
    for (const json& number : vector) {
      if (!number.is_number()) {
        throw ResponseError("the response has an embedding that is not a list of numbers", false);
      }
      values.push_back(number.get<double>());
    }
  }
  return out;
}

std::string WireFormat::error_detail(std::string_view body) const {
  json parsed = util::parse_json_input(body);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return std::string(util::trim(body.substr(0, 300)));
  }
  const json& error = parsed.contains("error") ? parsed["error"] : parsed;
  if (error.is_string()) {
    return error.get<std::string>();
  }
  if (error.is_object() && error.contains("message") && error["message"].is_string()) {
    std::string message = error["message"].get<std::string>();
    if (error.contains("type") && error["type"].is_string()) {
      message = error["type"].get<std::string>() + ": " + message;
    }
    return message;
  }
  return std::string(util::trim(body.substr(0, 300)));
}

const WireFormat& wire_format(WireDialect dialect) {
  static const auto openai = make_openai_format(false);
  static const auto azure = make_openai_format(true);
  static const auto anthropic = make_anthropic_format();
  static const auto ollama = make_ollama_format();
  switch (dialect) {
    case WireDialect::openai:
      return *openai;
    case WireDialect::azure_openai:
      return *azure;
    case WireDialect::anthropic:
      return *anthropic;
    case WireDialect::ollama:
      return *ollama;
    case WireDialect::offline:
      break;
  }
  throw Error(ErrorKind::internal, "a provider that answers offline has no wire format");
}

const WireFormat& wire_format(ProviderType type) {
  return wire_format(provider_kind(type).dialect);
}

void SseParser::feed(std::string_view chunk, const EventSink& on_event) {
  m_pending.append(chunk);
  size_t start = 0;
  size_t end;
  while ((end = m_pending.find('\n', start)) != std::string::npos) {
    std::string_view text(m_pending.data() + start, end - start);
    if (!text.empty() && text.back() == '\r') {
      text.remove_suffix(1);
    }
    line(text, on_event);
    start = end + 1;
  }
  m_pending.erase(0, start);
}

void SseParser::line(std::string_view text, const EventSink& on_event) {
  if (text.empty()) {  // a blank line ends an event
    if (m_has_data) {
      on_event(m_event.empty() ? "message" : m_event, m_data);
    }
    m_event.clear();
    m_data.clear();
    m_has_data = false;
    return;
  }
  if (text.front() == ':') {
    return;  // a comment, sent to keep the connection alive
  }
  size_t colon = text.find(':');
  std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (value.starts_with(' ')) {
    value.remove_prefix(1);
  }
  if (field == "event") {
    m_event = value;
  } else if (field == "data") {
    if (m_has_data) {
      m_data += '\n';
    }
    m_data += value;
    m_has_data = true;
  }
}

}  // namespace promptctl::exec_detail
