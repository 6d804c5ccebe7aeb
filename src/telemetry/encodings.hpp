// The two encodings' halves, shared by `SpanWriter`, `otlp_request` and `otlp_json`/
// `otlp_protobuf`: a span's parts as a request holds them, and the request around encoded spans.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "promptctl/telemetry.hpp"

namespace promptctl::telemetry {

/// An attribute's value as it is written: borrowed, never copied.
using ValueView =
    std::variant<std::string_view, std::int64_t, double, bool, std::span<const std::string>>;

ValueView view_of(const AttributeValue& value);

/// The span's fields before its attributes, and the opening of their list.
void json_span_start(std::string& out, const SpanHead& head);
/// An attribute of the list, after another unless `first`.
void json_attribute(std::string& out, bool first, std::string_view key, const ValueView& value);
/// The end of the attribute list, the status and the end of the span.
void json_span_end(std::string& out, SpanStatus status, std::string_view message);
std::string json_request(const std::vector<std::string>& spans, const Attributes& resource,
                         std::string_view scope_version);

/// The span's fields before its attributes.
void protobuf_span_start(std::string& out, const SpanHead& head);
/// An attribute as a KeyValue in the span's attributes field.
void protobuf_attribute(std::string& out, std::string_view key, const ValueView& value);
/// The status, and the length of what `out` holds put before it as a field of ScopeSpans.
void protobuf_span_end(std::string& out, SpanStatus status, std::string_view message);
std::string protobuf_request(const std::vector<std::string>& spans, const Attributes& resource,
                             std::string_view scope_version);

}  // namespace promptctl::telemetry
