// The OTLP/HTTP JSON encoding: protobuf's JSON mapping with lowerCamelCase names, 64-bit
// integers as strings, enums as numbers, and trace and span ids as hex (not base64), as the
// OTLP specification asks. Written as text directly: a batch holds hundreds of spans of some
// twenty attributes each, and building a JSON tree first cost more than the calls it describes.
#include <charconv>
#include <cmath>

#include "telemetry/encodings.hpp"
#include "util/json_writer.hpp"

namespace promptctl::telemetry {
namespace {

void append_double(std::string& out, double number) {
  // Protobuf's JSON mapping writes the values JSON has no number for as strings.
  if (std::isnan(number)) {
    out += "\"NaN\"";
    return;
  }
  if (std::isinf(number)) {
    out += number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  if (number == 0 && std::signbit(number)) {
    out += "-0.0";  // "-0" would be read back as the integer 0
    return;
  }
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, end);
}

void append_any_value(std::string& out, const AttributeValue& value) {
  struct Encode {
    std::string& out;
    void operator()(const std::string& text) const {
      out += "{\"stringValue\":";
      util::append_json_string(out, text);
      out += '}';
    }
    void operator()(std::int64_t number) const {
      out += "{\"intValue\":\"" + std::to_string(number) + "\"}";
    }
    void operator()(double number) const {
      out += "{\"doubleValue\":";
      append_double(out, number);
      out += '}';
    }
    void operator()(bool flag) const {
      out += flag ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
    }
    void operator()(const std::vector<std::string>& texts) const {
      out += "{\"arrayValue\":{\"values\":[";
      for (std::size_t i = 0; i < texts.size(); ++i) {
        out += i ? "," : "";
        (*this)(texts[i]);
      }
      out += "]}}";
    }
  };
  std::visit(Encode{out}, value);
}

// `attributes`, then `more` when there is one, as one list.
void append_key_values(std::string& out, const Attributes& attributes,
                       const Attributes* more = nullptr) {
  out += '[';
  bool first = true;
  for (const Attributes* list : {&attributes, more}) {
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      out += first ? "{\"key\":" : ",{\"key\":";
      first = false;
      util::append_json_string(out, (*list)[i].first);
      out += ",\"value\":";
      append_any_value(out, (*list)[i].second);
      out += '}';
    }
  }
  out += ']';
}

// Ids are made by promptctl or read by TraceContext::parse: hex digits, safe as they are.
void append_span(std::string& out, const Span& span) {
  out +=
      "{\"traceId\":\"" + span.context.trace_id + "\",\"spanId\":\"" + span.context.span_id + "\"";
  if (!span.parent_span_id.empty()) {
    out += ",\"parentSpanId\":\"" + span.parent_span_id + "\"";
  }
  out += ",\"name\":";
  util::append_json_string(out, span.name);
  out += ",\"kind\":" + std::to_string(static_cast<int>(span.kind));
  out += ",\"startTimeUnixNano\":\"" + std::to_string(span.start_unix_ns) + "\"";
  out += ",\"endTimeUnixNano\":\"" + std::to_string(span.end_unix_ns) + "\"";
  out += ",\"attributes\":";
  append_key_values(out, span.attributes, span.shared_attributes.get());
  out += ",\"status\":{\"code\":" + std::to_string(static_cast<int>(span.status));
  if (span.status == SpanStatus::error && !span.status_message.empty()) {
    out += ",\"message\":";
    util::append_json_string(out, span.status_message);
  }
  out += "}}";
}

}  // namespace

std::string json_span(const Span& span) {
  std::string out;
  out.reserve(1280);
  append_span(out, span);
  return out;
}

std::string json_request(const std::vector<std::string>& spans, const Attributes& resource,
                         std::string_view scope_version) {
  std::size_t size = 256;
  for (const std::string& span : spans) {
    size += span.size() + 1;
  }
  std::string out = "{\"resourceSpans\":[{\"resource\":{\"attributes\":";
  out.reserve(size);
  append_key_values(out, resource);
  out += "},\"scopeSpans\":[{\"scope\":{\"name\":\"promptctl\",\"version\":";
  util::append_json_string(out, scope_version);
  out += "},\"spans\":[";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    out += i ? "," : "";
    out += spans[i];
  }
  out += "]}]}]}";
  return out;
}

}  // namespace promptctl::telemetry
