// OTLP's encodings chosen by name: a span written as it is described, a span as it ends, and the
// request around spans so encoded.
#include "telemetry/encodings.hpp"

namespace promptctl::telemetry {
namespace {

std::string request_of(const std::vector<Span>& spans, const Attributes& resource,
                       std::string_view scope_version, OtlpEncoding encoding) {
  std::vector<std::string> encoded;
  encoded.reserve(spans.size());
  for (const Span& span : spans) {
    encoded.push_back(encode_span(span, encoding).bytes);
  }
  return otlp_request(encoded, resource, scope_version, encoding);
}

void write_attribute(OtlpEncoding encoding, std::string& out, bool& first, std::string_view key,
                     const ValueView& value) {
  if (encoding == OtlpEncoding::json) {
    json_attribute(out, std::exchange(first, false), key, value);
  } else {
    protobuf_attribute(out, key, value);
  }
}

}  // namespace

ValueView view_of(const AttributeValue& value) {
  return std::visit(
      [](const auto& held) -> ValueView {
        using Held = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<Held, std::string>) {
          return std::string_view(held);
        } else if constexpr (std::is_same_v<Held, std::vector<std::string>>) {
          return std::span<const std::string>(held);
        } else {
          return held;
        }
      },
      value);
}

SpanWriter::SpanWriter(OtlpEncoding encoding, const SpanHead& head) : m_encoding(encoding) {
  // Room for a model call's span in either encoding, so that it is written in one allocation.
  if (m_encoding == OtlpEncoding::json) {
    m_out.reserve(1536);
    json_span_start(m_out, head);
  } else {
    m_out.reserve(896);
    protobuf_span_start(m_out, head);
  }
}

void SpanWriter::add(std::string_view key, std::string_view value) {
  write_attribute(m_encoding, m_out, m_first_attribute, key, value);
}

void SpanWriter::add(std::string_view key, std::int64_t value) {
  write_attribute(m_encoding, m_out, m_first_attribute, key, value);
}

void SpanWriter::add(std::string_view key, double value) {
  write_attribute(m_encoding, m_out, m_first_attribute, key, value);
}

void SpanWriter::add(std::string_view key, bool value) {
  write_attribute(m_encoding, m_out, m_first_attribute, key, value);
}

void SpanWriter::add(std::string_view key, std::span<const std::string> values) {
  write_attribute(m_encoding, m_out, m_first_attribute, key, values);
}

void SpanWriter::add(const Attributes& attributes) {
  for (const auto& [key, value] : attributes) {
    write_attribute(m_encoding, m_out, m_first_attribute, key, view_of(value));
  }
}

EncodedSpan SpanWriter::finish(SpanStatus status, std::string_view message) && {
  if (m_encoding == OtlpEncoding::json) {
    json_span_end(m_out, status, message);
  } else {
    protobuf_span_end(m_out, status, message);
  }
  return {m_encoding, std::move(m_out)};
}

EncodedSpan encode_span(const Span& span, OtlpEncoding encoding) {
  SpanWriter writer(encoding, {span.context, span.parent_span_id, span.name, span.kind,
                               span.start_unix_ns, span.end_unix_ns});
  writer.add(span.attributes);
  if (span.shared_attributes) {
    writer.add(*span.shared_attributes);
  }
  return std::move(writer).finish(span.status, span.status_message);
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
