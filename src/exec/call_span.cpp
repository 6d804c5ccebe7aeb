#include "exec/call_span.hpp"

#include <nlohmann/json.hpp>

#include "util/json_document.hpp"
#include "util/url.hpp"

namespace promptctl::exec_detail {
namespace {

using nlohmann::json;
using telemetry::Attributes;

void add_request(const ChatRequest& request, Attributes& attributes) {
  const ModelSettings& asked = request.parameters;
  attributes.emplace_back("gen_ai.request.model", request.model);
  if (asked.temperature) {
    attributes.emplace_back("gen_ai.request.temperature", *asked.temperature);
  }
  if (asked.top_p) {
    attributes.emplace_back("gen_ai.request.top_p", *asked.top_p);
  }
  if (asked.max_tokens) {
    attributes.emplace_back("gen_ai.request.max_tokens", *asked.max_tokens);
  }
  if (asked.seed) {
    attributes.emplace_back("gen_ai.request.seed", *asked.seed);
  }
  if (!asked.stop.empty()) {
    attributes.emplace_back("gen_ai.request.stop_sequences", asked.stop);
  }
}

void add_response(const ChatResponse& response, Attributes& attributes) {
  if (!response.id.empty()) {
    attributes.emplace_back("gen_ai.response.id", response.id);
  }
  if (!response.model.empty()) {
    attributes.emplace_back("gen_ai.response.model", response.model);
  }
  if (!response.finish_reason.empty()) {
    attributes.emplace_back("gen_ai.response.finish_reasons",
                            std::vector<std::string>{response.finish_reason});
  }
  if (response.input_tokens) {
    attributes.emplace_back("gen_ai.usage.input_tokens", *response.input_tokens);
  }
  if (response.output_tokens) {
    attributes.emplace_back("gen_ai.usage.output_tokens", *response.output_tokens);
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

void add_content(const CallResult& result, Attributes& attributes) {
  json input = json::array();
  for (const ChatMessage& message : result.request.messages) {
    input.push_back(
        {{"role", message.role}, {"parts", message_parts(message.content, message.tool_calls)}});
  }
  auto dumped = [](const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  attributes.emplace_back("gen_ai.input.messages", dumped(input));
  if (result.ok) {
    json output =
        json::array({{{"role", "assistant"},
                      {"parts", message_parts(result.response.text, result.response.tool_calls)},
                      {"finish_reason", result.response.finish_reason}}});
    attributes.emplace_back("gen_ai.output.messages", dumped(output));
  }
}

}  // namespace

void add_provider_attributes(const ProviderSettings& settings, const std::string& url,
                             Attributes& attributes) {
  std::string_view provider = settings.kind().telemetry_name;
  attributes.emplace_back("gen_ai.provider.name",
                          provider.empty() ? settings.name : std::string(provider));
  std::optional<util::UrlParts> parts = util::parse_url(url);
  if (!parts || parts->host.empty()) {
    return;
  }
  attributes.emplace_back("server.address", parts->host);
  std::int64_t port = parts->scheme == "https" ? 443 : 80;
  if (!parts->port.empty()) {
    port = std::stoll(parts->port);
  }
  attributes.emplace_back("server.port", port);
}

// A low-cardinality class of failure, as the conventions ask.
std::string error_type(int http_status, ErrorKind kind) {
  return http_status >= 400 ? std::to_string(http_status) : std::string(util::kind_name(kind));
}

telemetry::Span call_span(const CallResult& result, const ProviderSettings& settings,
                          const CallTrace& trace, bool capture_content) {
  telemetry::Span span;
  span.context = trace.context;
  span.parent_span_id = trace.parent_span_id;
  span.name = "chat " + result.request.model;
  span.kind = telemetry::SpanKind::client;
  span.start_unix_ns = trace.start_unix_ns;
  span.end_unix_ns = telemetry::now_unix_ns();
  Attributes& attributes = span.attributes;
  attributes.reserve(24);  // every attribute a call can have, in one allocation
  attributes.emplace_back("gen_ai.operation.name", "chat");
  add_provider_attributes(settings, trace.url, attributes);
  add_request(result.request, attributes);
  if (trace.streamed) {
    attributes.emplace_back("gen_ai.request.stream", true);
  }
  if (result.ok) {
    add_response(result.response, attributes);
  } else {
    attributes.emplace_back("error.type", error_type(result.http_status, result.error_kind));
    span.status = telemetry::SpanStatus::error;
    span.status_message = result.error;
  }
  attributes.emplace_back("promptctl.provider", result.request.provider);
  attributes.emplace_back("promptctl.attempts", static_cast<std::int64_t>(result.attempts));
  if (!result.uid.empty()) {
    attributes.emplace_back("promptctl.run.uid", result.uid);
  }
  if (result.cost) {
    attributes.emplace_back("promptctl.cost_usd", *result.cost);
  }
  span.shared_attributes = result.request.trace_attributes;
  if (capture_content) {
    add_content(result, attributes);
  }
  return span;
}

}  // namespace promptctl::exec_detail
