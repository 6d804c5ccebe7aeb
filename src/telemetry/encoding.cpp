// OTLP's encodings chosen by name: a span as it ends, a batch as it leaves, and the whole
// request for a list of spans.
#include "telemetry/encodings.hpp"

namespace promptctl::telemetry {
namespace {

std::string request_of(const std::vector<Span>& spans, const Attributes& resource,
                       std::string_view scope_version, OtlpEncoding encoding) {
  std::vector<std::string> encoded;
  encoded.reserve(spans.size());
  for (const Span& span : spans) {
    encoded.push_back(encode_span(span, encoding));
  }
  return otlp_request(encoded, resource, scope_version, encoding);
}

}  // namespace

std::string encode_span(const Span& span, OtlpEncoding encoding) {
  return encoding == OtlpEncoding::json ? json_span(span) : protobuf_span(span);
}

std::string otlp_request(const std::vector<std::string>& spans, const Attributes& resource,
                         std::string_view scope_version, OtlpEncoding encoding) {
  return encoding == OtlpEncoding::json ? json_request(spans, resource, scope_version)
                                        : protobuf_request(spans, resource, scope_version);
}

std::string otlp_json(const std::vector<Span>& spans, const Attributes& resource,
                      std::string_view scope_version) {
  return request_of(spans, resource, scope_version, OtlpEncoding::json);
}

std::string otlp_protobuf(const std::vector<Span>& spans, const Attributes& resource,
                          std::string_view scope_version) {
  return request_of(spans, resource, scope_version, OtlpEncoding::protobuf);
}

}  // namespace promptctl::telemetry
