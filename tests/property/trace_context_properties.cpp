// A trace context written as `traceparent` reads back as itself; a `traceparent` that
// differs from a valid one in one character reads back as written or is refused; and the OTLP
// JSON written directly is the protocol encoding a JSON tree of the same spans gives.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "promptctl/telemetry.hpp"

using namespace promptctl::telemetry;

namespace {

rc::Gen<std::string> hex(std::size_t digits) {
  return rc::gen::suchThat(
      rc::gen::container<std::string>(digits, rc::gen::elementOf(std::string("0123456789abcdef"))),
      [](const std::string& text) { return text.find_first_not_of('0') != std::string::npos; });
}

}  // namespace

RC_GTEST_PROP(TraceContextProperties, WrittenContextsReadBackAsThemselves, ()) {
  TraceContext context{*hex(32), *hex(16), *rc::gen::arbitrary<bool>()};
  std::optional<TraceContext> read = TraceContext::parse(context.traceparent());
  RC_ASSERT(read.has_value());
  RC_ASSERT(read->trace_id == context.trace_id);
  RC_ASSERT(read->span_id == context.span_id);
  RC_ASSERT(read->sampled == context.sampled);
}

RC_GTEST_PROP(TraceContextProperties, AChangedCharacterIsReadAsWrittenOrRefused, ()) {
  std::string text = TraceContext{*hex(32), *hex(16), true}.traceparent();
  std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
  text[at] = *rc::gen::elementOf(std::string("0123456789abcdefABCDEF-_ gz\x01"));
  std::optional<TraceContext> read = TraceContext::parse(text);
  if (read) {
    // Whatever was accepted is exactly what the text says.
    RC_ASSERT(text.substr(3, 32) == read->trace_id);
    RC_ASSERT(text.substr(36, 16) == read->span_id);
    RC_ASSERT(read->traceparent().substr(3, 49) == text.substr(3, 49));
    RC_ASSERT((read->trace_id + read->span_id).find_first_not_of("0123456789abcdef") ==
              std::string::npos);
  }
}

namespace {

using nlohmann::json;

// Texts with what JSON must escape, multi-byte and invalid UTF-8.
rc::Gen<std::string> text() {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
          "a", "Z", " ", "\"", "\\", "\n", "\t", "\x01", "\x7f", "é", "日本", "😀", "\xff", "\xc3")),
      [](const std::vector<std::string>& parts) {
        std::string joined;
        for (const std::string& part : parts) {
          joined += part;
        }
        return joined;
      });
}

rc::Gen<AttributeValue> attribute_value() {
  return rc::gen::oneOf(
      rc::gen::map(text(), [](std::string t) { return AttributeValue(std::move(t)); }),
      rc::gen::map(rc::gen::arbitrary<std::int64_t>(),
                   [](std::int64_t n) { return AttributeValue(n); }),
      rc::gen::map(
          rc::gen::arbitrary<std::int64_t>(),
          [](std::int64_t bits) { return AttributeValue(static_cast<double>(bits) / 3.0); }),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return AttributeValue(b); }),
      rc::gen::map(rc::gen::container<std::vector<std::string>>(text()),
                   [](std::vector<std::string> v) { return AttributeValue(std::move(v)); }));
}

rc::Gen<Attributes> attributes() {
  return rc::gen::container<Attributes>(rc::gen::pair(text(), attribute_value()));
}

// The encoding as a JSON tree would give it: what the direct writer must equal.
json reference_value(const AttributeValue& value) {
  if (const auto* t = std::get_if<std::string>(&value)) {
    return {{"stringValue", *t}};
  }
  if (const auto* n = std::get_if<std::int64_t>(&value)) {
    return {{"intValue", std::to_string(*n)}};
  }
  if (const auto* d = std::get_if<double>(&value)) {
    return {{"doubleValue", *d}};
  }
  if (const auto* b = std::get_if<bool>(&value)) {
    return {{"boolValue", *b}};
  }
  json values = json::array();
  for (const std::string& t : std::get<std::vector<std::string>>(value)) {
    values.push_back({{"stringValue", t}});
  }
  return {{"arrayValue", {{"values", values}}}};
}

json reference_attributes(const Attributes& list) {
  json encoded = json::array();
  for (const auto& [key, value] : list) {
    encoded.push_back({{"key", key}, {"value", reference_value(value)}});
  }
  return encoded;
}

Attributes all_attributes(const Span& span) {
  Attributes all = span.attributes;
  if (span.shared_attributes) {
    all.insert(all.end(), span.shared_attributes->begin(), span.shared_attributes->end());
  }
  return all;
}

// Strings as the writer leaves them: invalid UTF-8 replaced, as every JSON output does.
json reparsed(const json& tree) {
  return json::parse(tree.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

RC_GTEST_PROP(TraceContextProperties, OtlpJsonIsTheProtocolsJsonOfTheSpans, ()) {
  Attributes resource = *attributes();
  std::vector<Span> spans;
  json expected_spans = json::array();
  for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
    Span span;
    span.context = {*hex(32), *hex(16), true};
    bool has_parent = *rc::gen::arbitrary<bool>();
    span.parent_span_id = has_parent ? *hex(16) : "";
    span.name = *text();
    span.kind = *rc::gen::element(SpanKind::internal, SpanKind::server, SpanKind::client);
    span.start_unix_ns = *rc::gen::inRange<std::int64_t>(0, 4'000'000'000'000'000'000);
    span.end_unix_ns = span.start_unix_ns + *rc::gen::inRange<std::int64_t>(0, 1'000'000'000);
    span.attributes = *attributes();
    if (*rc::gen::arbitrary<bool>()) {
      span.shared_attributes = std::make_shared<const Attributes>(*attributes());
    }
    span.status = *rc::gen::element(SpanStatus::unset, SpanStatus::ok, SpanStatus::error);
    span.status_message = *text();
    json expected = {{"traceId", span.context.trace_id},
                     {"spanId", span.context.span_id},
                     {"name", span.name},
                     {"kind", static_cast<int>(span.kind)},
                     {"startTimeUnixNano", std::to_string(span.start_unix_ns)},
                     {"endTimeUnixNano", std::to_string(span.end_unix_ns)},
                     {"attributes", reference_attributes(all_attributes(span))},
                     {"status", {{"code", static_cast<int>(span.status)}}}};
    if (has_parent) {
      expected["parentSpanId"] = span.parent_span_id;
    }
    if (span.status == SpanStatus::error && !span.status_message.empty()) {
      expected["status"]["message"] = span.status_message;
    }
    expected_spans.push_back(expected);
    spans.push_back(std::move(span));
  }
  std::string version = *text();
  json expected = {
      {"resourceSpans",
       json::array(
           {{{"resource", {{"attributes", reference_attributes(resource)}}},
             {"scopeSpans", json::array({{{"scope", {{"name", "promptctl"}, {"version", version}}},
                                          {"spans", expected_spans}}})}}})}};
  std::string written = otlp_json(spans, resource, version);
  json parsed = json::parse(written, nullptr, false);
  RC_ASSERT(!parsed.is_discarded());
  RC_ASSERT(parsed == reparsed(expected));
}
