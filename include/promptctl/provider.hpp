// Model providers: the chat request sent to them and the response they give.
// The wire formats and HTTP (libcurl) stay inside src/exec and src/http.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "promptctl/error.hpp"
#include "promptctl/prompt.hpp"
#include "promptctl/provider_settings.hpp"
#include "promptctl/render.hpp"
#include "promptctl/requests.hpp"
#include "promptctl/telemetry.hpp"

namespace promptctl {

/// One chat request: everything that decides the answer, and nothing secret.
struct ChatRequest {
  std::string provider;
  std::string model;
  std::vector<ChatMessage> messages;
  ModelSettings parameters;  ///< temperature, top_p, max_tokens, seed, stop, response_format
  /// Whether the answer may be written to the response cache: not for a prompt whose ledger
  /// keeps less than everything (`ledger: {store}`). Neither sent nor hashed nor stored.
  bool cache_answer = true;
  /// What the caller knows of the call, for its span in a trace (the prompt's name, version,
  /// environment, experiment): the same on each request of a chain. Neither sent nor hashed
  /// nor stored; shared, so that a request copies cheaply whether or not it is traced.
  std::shared_ptr<const telemetry::Attributes> trace_attributes;
  /// The span the call's span belongs under (a server's incoming `traceparent`); none: the
  /// process's TRACEPARENT, or a trace of its own.
  std::optional<telemetry::TraceContext> trace_parent;

  /// The request as stored in the ledger and hashed for the cache.
  [[nodiscard]] nlohmann::json to_json() const;
  /// Reads what `to_json` wrote. Throws `Error` (invalid_input) for anything else.
  static ChatRequest from_json(const nlohmann::json& json);
  /// `to_json()` as compact JSON text (`util::json_compact`), written directly for a request of
  /// plain text messages without a schema or tools: the form stored and hashed.
  [[nodiscard]] std::string compact_json() const;
  /// A hash of `compact_json()`: the response cache's key.
  [[nodiscard]] std::string hash() const;
};

struct ChatResponse {
  std::string text;
  std::vector<ToolCall> tool_calls;
  std::string finish_reason;
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
  /// The provider's id of this answer and the model that wrote it, when it says (for traces;
  /// not kept in the cache or the ledger).
  std::string id;
  std::string model;
};

}  // namespace promptctl
