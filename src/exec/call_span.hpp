// A call to a model as a span of the OpenTelemetry GenAI semantic conventions.
#pragma once

#include <cstdint>
#include <string>

#include "promptctl/execute.hpp"
#include "promptctl/telemetry.hpp"

namespace promptctl::exec_detail {

/// Where and when a call ran, for its span.
struct CallTrace {
  telemetry::TraceContext context;
  std::string parent_span_id;
  std::int64_t start_unix_ns = 0;
  std::string url;  ///< the last request's address (server.address, server.port); none offline
  bool streamed = false;
};

/// What every model call's span says about where it went: `gen_ai.provider.name` (the
/// conventions' name of the provider's type, else its own name), `server.address` and
/// `server.port` of `url` (none for an empty one).
void add_provider_attributes(const ProviderSettings& settings, const std::string& url,
                             telemetry::SpanWriter& span);

/// `error.type` of a failed call: its HTTP status when it got one, else the error's kind.
std::string error_type(int http_status, ErrorKind kind);

/// The span of the finished call `result` to `settings`' provider, written in `encoding`:
/// "chat MODEL", a client span with the request's parameters, the answer's id, model, finish
/// reason and token counts, `error.type` and the error when it failed, the caller's
/// `trace_attributes`, and with `capture_content` the messages and the answer
/// (gen_ai.input.messages, gen_ai.output.messages).
telemetry::EncodedSpan call_span(const CallResult& result, const ProviderSettings& settings,
                                 const CallTrace& trace, bool capture_content,
                                 telemetry::OtlpEncoding encoding);

}  // namespace promptctl::exec_detail
