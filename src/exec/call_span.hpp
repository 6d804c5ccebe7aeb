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

/// The span of the finished call `result` to `settings`' provider: "chat MODEL", a client span
/// with the request's parameters, the answer's id, model, finish reason and token counts,
/// `error.type` and the error when it failed, the caller's `trace_attributes`, and with
/// `capture_content` the messages and the answer (gen_ai.input.messages, gen_ai.output.messages).
telemetry::Span call_span(const CallResult& result, const ProviderSettings& settings,
                          const CallTrace& trace, bool capture_content);

}  // namespace promptctl::exec_detail
