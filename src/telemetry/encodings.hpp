// The two encodings' halves, shared by `encode_span`/`otlp_request` and `otlp_json`/
// `otlp_protobuf`: a span as a request holds it, and the request around encoded spans.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "promptctl/telemetry.hpp"

namespace promptctl::telemetry {

std::string json_span(const Span& span);
std::string json_request(const std::vector<std::string>& spans, const Attributes& resource,
                         std::string_view scope_version);
std::string protobuf_span(const Span& span);
std::string protobuf_request(const std::vector<std::string>& spans, const Attributes& resource,
                             std::string_view scope_version);

}  // namespace promptctl::telemetry
