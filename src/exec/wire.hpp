// The wire formats: how a chat request becomes an HTTP request for each kind of provider, and
// how its answer (whole or streamed) becomes a ChatResponse.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.hpp"
#include "promptctl/provider.hpp"

namespace promptctl::exec_detail {

/// A provider's answer that cannot be used: not JSON, no content, or a stream cut short.
class ResponseError : public std::runtime_error {
 public:
  ResponseError(const std::string& message, bool retryable)
      : std::runtime_error(message), m_retryable(retryable) {}
  [[nodiscard]] bool retryable() const { return m_retryable; }

 private:
  bool m_retryable;
};

using TextSink = std::function<void(std::string_view)>;

/// Turns the pieces of a streamed answer into text as it arrives.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  /// Takes the next piece of the body, passing each new piece of text to `on_text`.
  virtual void feed(std::string_view chunk, const TextSink& on_text) = 0;
  /// The whole answer once the body has ended. Throws `ResponseError` (retryable) when the
  /// stream stopped before the provider said it was complete.
  virtual ChatResponse finish() = 0;
};

/// Tool calls as a stream delivers them: each started at its position in the answer, then its
/// arguments as pieces of JSON text, cut anywhere.
class ToolCallPieces {
 public:
  void start(std::size_t index, std::string id, std::string name);
  /// Adds to the arguments of the call at `index`; a piece for a call not started starts one.
  void add_arguments(std::size_t index, std::string_view piece);
  [[nodiscard]] bool empty() const { return m_calls.empty(); }
  /// The calls in order, their arguments parsed.
  [[nodiscard]] std::vector<ToolCall> calls() const;

 private:
  struct Pending {
    std::string id;
    std::string name;
    std::string arguments;
  };
  std::map<std::size_t, Pending> m_calls;
};

/// A decoder that builds the answer up as pieces arrive, and is done when the provider says
/// so (`m_done`, or `complete()` for formats with other signs of an end).
class AccumulatingDecoder : public StreamDecoder {
 public:
  ChatResponse finish() override;

 protected:
  /// Adds a piece of text to the answer and passes it on.
  void append(const std::string& piece, const TextSink& on_text);
  [[nodiscard]] virtual bool complete() const { return m_done; }

  ChatResponse m_response;
  ToolCallPieces m_tool_calls;
  bool m_done = false;
};

/// An integer field of a JSON object (a token count), or nothing.
std::optional<std::int64_t> integer_field(const nlohmann::json& object, const char* field);

/// The provider's id of the answer and the model that wrote it, from an object that names them
/// ("id", "model"), when it does: a streamed answer names them in some of its events.
void read_identity(const nlohmann::json& object, ChatResponse& response);

/// Appends {"role": role, "content": content} to the array `list`.
void append_role_content(nlohmann::json& list, std::string_view role, const std::string& content);
/// `messages` as compact JSON, each {"content", "role"} and nothing else, as json_compact writes
/// the array of their trees: for requests whose messages are all plain text.
void append_plain_messages(std::string& out, const std::vector<ChatMessage>& messages);
/// About how many bytes `append_plain_messages` writes, for reserving them.
std::size_t plain_messages_size(const std::vector<ChatMessage>& messages);
/// Messages as the OpenAI and Ollama formats write them: [{"role", "content"}]. With
/// `instructions_as_system`, for an API that knows no "developer" role, it goes as "system".
nlohmann::json role_content_messages(const std::vector<ChatMessage>& messages,
                                     bool instructions_as_system = false);

/// A tool call whose arguments came as JSON text: parsed, or kept as the text when they are not
/// JSON (the model's mistake, for an assertion to catch). Empty text is no arguments: {}.
ToolCall tool_call_from_text(std::string id, std::string name, std::string_view arguments);

/// The prompt's tools as OpenAI's format (and Ollama's) declares them:
/// [{"type": "function", "function": {"name", "description", "parameters"}}].
nlohmann::json function_tools(const nlohmann::json& tools);

/// The body of an OpenAI-style chat request (`azure` leaves out the model, which the URL names)
/// as `build` sends it: compact JSON, keys in byte order.
std::string openai_body(const ChatRequest& request, bool azure, bool stream);
/// The same body as a JSON tree, which `openai_body` compacts for requests with tools, a schema
/// or anything but plain text messages.
nlohmann::json openai_body_tree(const ChatRequest& request, bool azure, bool stream);

/// The tool calls of an OpenAI-style message (`tool_calls`, each with a `function` holding the
/// name and the arguments as JSON text, or, from Ollama, as an object).
std::vector<ToolCall> function_tool_calls(const nlohmann::json& message);

class WireFormat {
 public:
  virtual ~WireFormat() = default;
  /// The HTTP request for `request`; `key` is empty for providers without one.
  [[nodiscard]] virtual http::Request build(const ChatRequest& request,
                                            const ProviderSettings& settings,
                                            const std::string& key, bool stream) const = 0;
  /// Reads a whole (non-streamed) answer to `request`. Throws `ResponseError`.
  [[nodiscard]] virtual ChatResponse parse(std::string_view body,
                                           const ChatRequest& request) const = 0;
  /// A decoder for the streamed answer to `request`.
  [[nodiscard]] virtual std::unique_ptr<StreamDecoder> decoder(
      const ChatRequest& request) const = 0;
  /// The provider's own explanation in an error body, or "" when it gives none.
  [[nodiscard]] virtual std::string error_detail(std::string_view body) const;

  /// The request that embeds `texts` with `model`. Throws `Error` (invalid_input) for a kind of
  /// provider that has no embeddings endpoint, which is what this default does.
  [[nodiscard]] virtual http::Request build_embeddings(const std::string& model,
                                                       const std::vector<std::string>& texts,
                                                       const ProviderSettings& settings,
                                                       const std::string& key) const;
  /// The vectors of an embeddings answer, in input order. Throws `ResponseError` unless there
  /// is one vector of numbers per input.
  [[nodiscard]] virtual std::vector<std::vector<double>> parse_embeddings(std::string_view body,
                                                                          size_t count) const;
};

/// An answer's list of vectors, checked: `count` lists of numbers, each as long as the first.
std::vector<std::vector<double>> read_vectors(const nlohmann::json& vectors, size_t count);

/// The wire format of a provider type (not echo, which makes no requests).
const WireFormat& wire_format(WireDialect dialect);
/// The wire format of a type's dialect.
const WireFormat& wire_format(ProviderType type);

/// Splits server-sent events (text/event-stream) into (event, data) pairs.
class SseParser {
 public:
  using EventSink = std::function<void(const std::string& event, const std::string& data)>;
  void feed(std::string_view chunk, const EventSink& on_event);

 private:
  void line(std::string_view text, const EventSink& on_event);
  std::string m_pending;
  std::string m_event;
  std::string m_data;
  bool m_has_data = false;
};

/// Runs `decode`, a reading of a provider's answer, with nlohmann-json's complaints about an
/// answer of the wrong shape (a string where a flag belongs, a number out of range) turned into
/// a `ResponseError` (not retryable): callers handle one kind of bad answer.
template <class Decode>
auto decoding(Decode&& decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const nlohmann::json::exception& e) {
    throw ResponseError(std::string("the answer has an unexpected shape (") + e.what() + ")",
                        false);
  }
}

/// Parses JSON from a provider. Throws `ResponseError`: retryable when the text is not JSON,
/// not retryable when it nests too deep.
nlohmann::json parse_json(std::string_view body, std::string_view what);

std::unique_ptr<WireFormat> make_openai_format(bool azure);
std::unique_ptr<WireFormat> make_anthropic_format();
std::unique_ptr<WireFormat> make_ollama_format();

}  // namespace promptctl::exec_detail
