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

void append_any_value(std::string& out, const ValueView& value) {
  struct Encode {
    std::string& out;
    void operator()(std::string_view text) const {
      out += "{\"stringValue\":";
      util::append_json_string(out, text);
      out += '}';
    }
    void operator()(std::int64_t number) const {
      out += "{\"intValue\":\"";
      util::append_json_integer(out, number);
      out += "\"}";
    }
    void operator()(double number) const {
      out += "{\"doubleValue\":";
      append_double(out, number);
      out += '}';
    }
    void operator()(bool flag) const {
      out += flag ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
    }
    void operator()(std::span<const std::string> texts) const {
      out += "{\"arrayValue\":{\"values\":[";
      for (std::size_t i = 0; i < texts.size(); ++i) {
        out += i ? "," : "";
        (*this)(std::string_view(texts[i]));
      }
      out += "]}}";
    }
  };
  std::visit(Encode{out}, value);
}

}  // namespace

// Ids are made by promptctl or read by TraceContext::parse: hex digits, safe as they are.
void json_span_start(std::string& out, const SpanHead& head) {
  out += "{\"traceId\":\"";
  out += head.context.trace_id;
  out += "\",\"spanId\":\"";
  out += head.context.span_id;
  out += '"';
  if (!head.parent_span_id.empty()) {
    out += ",\"parentSpanId\":\"";
    out += head.parent_span_id;
    out += '"';
  }
  out += ",\"name\":";
  util::append_json_string(out, head.name);
  out += ",\"kind\":";
  util::append_json_integer(out, std::int64_t{static_cast<int>(head.kind)});
  out += ",\"startTimeUnixNano\":\"";
  util::append_json_integer(out, head.start_unix_ns);
  out += "\",\"endTimeUnixNano\":\"";
  util::append_json_integer(out, head.end_unix_ns);
  out += "\",\"attributes\":[";
}

void json_attribute(std::string& out, bool first, std::string_view key, const ValueView& value) {
  out += first ? "{\"key\":" : ",{\"key\":";
  util::append_json_string(out, key);
  out += ",\"value\":";
  append_any_value(out, value);
  out += '}';
}

void json_span_end(std::string& out, SpanStatus status, std::string_view message) {
  out += "],\"status\":{\"code\":";
  util::append_json_integer(out, std::int64_t{static_cast<int>(status)});
  if (status == SpanStatus::error && !message.empty()) {
    out += ",\"message\":";
    util::append_json_string(out, message);
  }
  out += "}}";
}

std::string json_request(const std::vector<std::string>& spans, const Attributes& resource,
                         std::string_view scope_version) {
  std::size_t size = 256;
  for (const std::string& span : spans) {
    size += span.size() + 1;
  }
  std::string out = "{\"resourceSpans\":[{\"resource\":{\"attributes\":";
  out.reserve(size);
  out += '[';
  bool first = true;
  for (const auto& [key, value] : resource) {
    json_attribute(out, first, key, view_of(value));
    first = false;
  }
  out += ']';
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
