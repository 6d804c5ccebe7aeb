// The OTLP/HTTP JSON encoding: protobuf's JSON mapping with lowerCamelCase names, 64-bit
// integers as strings, enums as numbers, and trace and span ids as hex (not base64), as the
// OTLP specification asks.
#include <nlohmann/json.hpp>

#include "promptctl/telemetry.hpp"

namespace promptctl::telemetry {
namespace {

using nlohmann::json;

json any_value(const AttributeValue& value) {
  struct Encode {
    json operator()(const std::string& text) const { return {{"stringValue", text}}; }
    json operator()(std::int64_t number) const { return {{"intValue", std::to_string(number)}}; }
    json operator()(double number) const { return {{"doubleValue", number}}; }
    json operator()(bool flag) const { return {{"boolValue", flag}}; }
    json operator()(const std::vector<std::string>& texts) const {
      json values = json::array();
      for (const std::string& text : texts) {
        values.push_back({{"stringValue", text}});
      }
      return {{"arrayValue", {{"values", values}}}};
    }
  };
  return std::visit(Encode{}, value);
}

json key_values(const Attributes& attributes) {
  json list = json::array();
  for (const auto& [key, value] : attributes) {
    list.push_back({{"key", key}, {"value", any_value(value)}});
  }
  return list;
}

json span_json(const Span& span) {
  json encoded = {{"traceId", span.context.trace_id},
                  {"spanId", span.context.span_id},
                  {"name", span.name},
                  {"kind", static_cast<int>(span.kind)},
                  {"startTimeUnixNano", std::to_string(span.start_unix_ns)},
                  {"endTimeUnixNano", std::to_string(span.end_unix_ns)},
                  {"attributes", key_values(span.attributes)}};
  if (!span.parent_span_id.empty()) {
    encoded["parentSpanId"] = span.parent_span_id;
  }
  json status = {{"code", static_cast<int>(span.status)}};
  if (span.status == SpanStatus::error && !span.status_message.empty()) {
    status["message"] = span.status_message;
  }
  encoded["status"] = status;
  return encoded;
}

}  // namespace

std::string otlp_json(const std::vector<Span>& spans, const Attributes& resource,
                      std::string_view scope_version) {
  json encoded_spans = json::array();
  for (const Span& span : spans) {
    encoded_spans.push_back(span_json(span));
  }
  json scope = {{"name", "promptctl"}, {"version", std::string(scope_version)}};
  json request = {{"resourceSpans",
                   json::array({{{"resource", {{"attributes", key_values(resource)}}},
                                 {"scopeSpans",
                                  json::array({{{"scope", scope}, {"spans", encoded_spans}}})}}})}};
  // Text from a model or a variable may not be UTF-8: replaced, as in every JSON output.
  return request.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace promptctl::telemetry
