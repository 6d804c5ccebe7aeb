#include "exec/call_span.hpp"

#include <nlohmann/json.hpp>

#include "util/json_document.hpp"
#include "util/url.hpp"

namespace promptctl::exec_detail {
namespace {

using nlohmann::json;
using telemetry::SpanWriter;

void add_request(const ChatRequest& request, SpanWriter& span) {
  const ModelSettings& asked = request.parameters;
  span.add("gen_ai.request.model", request.model);
  if (asked.temperature) {
    span.add("gen_ai.request.temperature", *asked.temperature);
  }
  if (asked.top_p) {
    span.add("gen_ai.request.top_p", *asked.top_p);
  }
  if (asked.max_tokens) {
    span.add("gen_ai.request.max_tokens", *asked.max_tokens);
  }
  if (asked.seed) {
    span.add("gen_ai.request.seed", *asked.seed);
  }
  if (!asked.stop.empty()) {
    span.add("gen_ai.request.stop_sequences", std::span<const std::string>(asked.stop));
  }
}

void add_response(const ChatResponse& response, SpanWriter& span) {
  if (!response.id.empty()) {
    span.add("gen_ai.response.id", response.id);
  }
  if (!response.model.empty()) {
    span.add("gen_ai.response.model", response.model);
  }
  if (!response.finish_reason.empty()) {
    span.add("gen_ai.response.finish_reasons", std::span(&response.finish_reason, 1));
  }
  if (response.input_tokens) {
    span.add("gen_ai.usage.input_tokens", *response.input_tokens);
  }
  if (response.output_tokens) {
    span.add("gen_ai.usage.output_tokens", *response.output_tokens);
  }
}

// The conventions' message shapes: a role and its parts, text and tool calls.
json message_parts(const std::string& text, const std::vector<ToolCall>& calls) {
  json parts = json::array();
  if (!text.empty()) {
    parts.push_back({{"type", "text"}, {"content", text}});
  }
  for (const ToolCall& call : calls) {
    parts.push_back({{"type", "tool_call"},
                     {"id", call.id},
                     {"name", call.name},
                     {"arguments", call.arguments}});
  }
  return parts;
}

void add_content(const CallResult& result, SpanWriter& span) {
  json input = json::array();
  for (const ChatMessage& message : result.request.messages) {
    input.push_back(
        {{"role", message.role}, {"parts", message_parts(message.content, message.tool_calls)}});
  }
  auto dumped = [](const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  span.add("gen_ai.input.messages", dumped(input));
  if (result.ok) {
    json output =
        json::array({{{"role", "assistant"},
                      {"parts", message_parts(result.response.text, result.response.tool_calls)},
                      {"finish_reason", result.response.finish_reason}}});
    span.add("gen_ai.output.messages", dumped(output));
  }
}

}  // namespace

void add_provider_attributes(const ProviderSettings& settings, const std::string& url,
                             SpanWriter& span) {
  std::string_view provider = settings.kind().telemetry_name;
  span.add("gen_ai.provider.name", provider.empty() ? std::string_view(settings.name) : provider);
  std::optional<util::UrlParts> parts = util::parse_url(url);
  if (!parts || parts->host.empty()) {
    return;
  }
  span.add("server.address", parts->host);
  std::int64_t port = parts->scheme == "https" ? 443 : 80;
  if (!parts->port.empty()) {
    port = std::stoll(parts->port);
  }
  span.add("server.port", port);
}

// A low-cardinality class of failure, as the conventions ask.
std::string error_type(int http_status, ErrorKind kind) {
  return http_status >= 400 ? std::to_string(http_status) : std::string(util::kind_name(kind));
}

telemetry::EncodedSpan call_span(const CallResult& result, const ProviderSettings& settings,
                                 const CallTrace& trace, bool capture_content,
                                 telemetry::OtlpEncoding encoding) {
  std::string name = "chat " + result.request.model;
  SpanWriter span(encoding, {trace.context, trace.parent_span_id, name, telemetry::SpanKind::client,
                             trace.start_unix_ns, telemetry::now_unix_ns()});
  span.add("gen_ai.operation.name", "chat");
  add_provider_attributes(settings, trace.url, span);
  add_request(result.request, span);
  if (trace.streamed) {
    span.add("gen_ai.request.stream", true);
  }
  if (result.ok) {
    add_response(result.response, span);
  } else {
    span.add("error.type", error_type(result.http_status, result.error_kind));
  }
  span.add("promptctl.provider", result.request.provider);
  span.add("promptctl.attempts", static_cast<std::int64_t>(result.attempts));
  if (!result.uid.empty()) {
    span.add("promptctl.run.uid", result.uid);
  }
  if (result.cost) {
    span.add("promptctl.cost_usd", *result.cost);
  }
  if (capture_content) {
    add_content(result, span);
  }
  if (result.request.trace_attributes) {
    span.add(*result.request.trace_attributes);
  }
  if (result.ok) {
    return std::move(span).finish(telemetry::SpanStatus::unset, {});
  }
  return std::move(span).finish(telemetry::SpanStatus::error, result.error);
}

}  // namespace promptctl::exec_detail
