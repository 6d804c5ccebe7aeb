// The OTLP/HTTP binary encoding: an ExportTraceServiceRequest in protobuf's wire format, written
// directly with the field numbers of opentelemetry-proto's trace, common and resource
// definitions. Each nested message is written in place and its length put before it after:
// a move of its bytes by one to three places, cheaper than sizing every message first.
#include <bit>
#include <nlohmann/json.hpp>

#include "telemetry/encodings.hpp"
#include "util/strings.hpp"

namespace promptctl::telemetry {
namespace {

enum class Wire : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2 };

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void put_tag(std::string& out, int field, Wire wire) {
  put_varint(out, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(wire));
}

void put_fixed64(std::string& out, int field, std::uint64_t value) {
  put_tag(out, field, Wire::fixed64);
  for (int byte = 0; byte < 8; ++byte) {
    out += static_cast<char>((value >> (8 * byte)) & 0xff);
  }
}

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_tag(out, field, Wire::length_delimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// Protobuf's strings must be UTF-8, or a collector refuses the whole batch: invalid bytes are
// replaced as the JSON encoding replaces them. Written even when empty: for a member of a
// oneof, whose presence is its meaning.
void put_string_value(std::string& out, int field, std::string_view text) {
  if (!util::invalid_utf8_at(text)) {
    put_bytes(out, field, text);
    return;
  }
  std::string replaced = nlohmann::json(std::string(text))
                             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  put_bytes(out, field, nlohmann::json::parse(replaced).get<std::string>());
}

// A plain string field: protobuf leaves out the default, the empty string.
void put_string(std::string& out, int field, std::string_view text) {
  if (!text.empty()) {
    put_string_value(out, field, text);
  }
}

// Ids are made by promptctl or read by TraceContext::parse: lowercase hex digits.
void put_hex_id(std::string& out, int field, std::string_view hex) {
  auto nibble = [](char digit) { return digit <= '9' ? digit - '0' : digit - 'a' + 10; };
  std::string bytes(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  put_bytes(out, field, bytes);
}

// Field `field` as a message whose fields `write` appends.
template <typename Write>
void put_message(std::string& out, int field, Write&& write) {
  put_tag(out, field, Wire::length_delimited);
  std::size_t start = out.size();
  write(out);
  std::string length;
  put_varint(length, out.size() - start);
  out.insert(start, length);
}

// An AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4, array_value 5
// (an ArrayValue of AnyValues, field 1).
void put_any_value(std::string& out, const AttributeValue& value) {
  struct Encode {
    std::string& out;
    void operator()(const std::string& text) const { put_string_value(out, 1, text); }
    void operator()(bool flag) const {
      put_tag(out, 2, Wire::varint);
      put_varint(out, flag ? 1 : 0);
    }
    void operator()(std::int64_t number) const {
      put_tag(out, 3, Wire::varint);
      put_varint(out, static_cast<std::uint64_t>(number));
    }
    void operator()(double number) const {
      put_fixed64(out, 4, std::bit_cast<std::uint64_t>(number));
    }
    void operator()(const std::vector<std::string>& texts) const {
      put_message(out, 5, [&](std::string& array) {
        for (const std::string& text : texts) {
          put_message(array, 1, [&](std::string& item) { put_string_value(item, 1, text); });
        }
      });
    }
  };
  std::visit(Encode{out}, value);
}

// Each attribute as a KeyValue (key 1, value 2) in field `field`.
void put_attributes(std::string& out, int field, const Attributes& attributes) {
  for (const auto& attribute : attributes) {
    put_message(out, field, [&](std::string& pair) {
      put_string(pair, 1, attribute.first);
      put_message(pair, 2, [&](std::string& any) { put_any_value(any, attribute.second); });
    });
  }
}

// A Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, start 7, end 8,
// attributes 9, status 15 (message 2, code 3).
void put_span(std::string& out, const Span& span) {
  put_hex_id(out, 1, span.context.trace_id);
  put_hex_id(out, 2, span.context.span_id);
  if (!span.parent_span_id.empty()) {
    put_hex_id(out, 4, span.parent_span_id);
  }
  put_string(out, 5, span.name);
  put_tag(out, 6, Wire::varint);
  put_varint(out, static_cast<std::uint64_t>(span.kind));
  put_fixed64(out, 7, static_cast<std::uint64_t>(span.start_unix_ns));
  put_fixed64(out, 8, static_cast<std::uint64_t>(span.end_unix_ns));
  put_attributes(out, 9, span.attributes);
  if (span.shared_attributes) {
    put_attributes(out, 9, *span.shared_attributes);
  }
  put_message(out, 15, [&](std::string& status) {
    if (span.status == SpanStatus::error && !span.status_message.empty()) {
      put_string(status, 2, span.status_message);
    }
    if (span.status != SpanStatus::unset) {
      put_tag(status, 3, Wire::varint);
      put_varint(status, static_cast<std::uint64_t>(span.status));
    }
  });
}

// Reads fields of a message in protobuf's wire format, for the collector's short answer.
class FieldReader {
 public:
  explicit FieldReader(std::string_view bytes) : m_rest(bytes) {}

  // The next field's number and wire type; false at the end or at bytes that are not a field.
  bool next(std::uint64_t& field, std::uint64_t& wire) {
    std::uint64_t tag = 0;
    if (m_rest.empty() || !varint(tag)) {
      return false;
    }
    field = tag >> 3;
    wire = tag & 7;
    return true;
  }

  bool varint(std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && !m_rest.empty(); shift += 7) {
      auto byte = static_cast<std::uint8_t>(m_rest.front());
      m_rest.remove_prefix(1);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) {
        return true;
      }
    }
    return false;
  }

  // A length-delimited field's bytes.
  bool bytes(std::string_view& value) {
    std::uint64_t length = 0;
    if (!varint(length) || length > m_rest.size()) {
      return false;
    }
    value = m_rest.substr(0, length);
    m_rest.remove_prefix(length);
    return true;
  }

  // Steps over a field of wire type `wire`.
  bool skip(std::uint64_t wire) {
    std::uint64_t ignored = 0;
    std::string_view skipped;
    std::size_t fixed = wire == 1 ? 8 : wire == 5 ? 4 : 0;
    if (fixed) {
      if (m_rest.size() < fixed) {
        return false;
      }
      m_rest.remove_prefix(fixed);
      return true;
    }
    return wire == 0 ? varint(ignored) : wire == 2 && bytes(skipped);
  }

 private:
  std::string_view m_rest;
};

}  // namespace

// ExportTraceServiceResponse: partial_success 1, an ExportTracePartialSuccess whose
// rejected_spans is field 1.
std::int64_t otlp_protobuf_rejected_spans(std::string_view answer) {
  FieldReader response(answer);
  std::uint64_t field = 0;
  std::uint64_t wire = 0;
  while (response.next(field, wire)) {
    std::string_view partial;
    if (field != 1 || wire != 2) {
      if (!response.skip(wire)) {
        return 0;
      }
      continue;
    }
    if (!response.bytes(partial)) {
      return 0;
    }
    FieldReader success(partial);
    while (success.next(field, wire)) {
      std::uint64_t rejected = 0;
      if (field == 1 && wire == 0) {
        return success.varint(rejected) ? static_cast<std::int64_t>(rejected) : 0;
      }
      if (!success.skip(wire)) {
        return 0;
      }
    }
  }
  return 0;
}

// A span as ScopeSpans holds it: field 2.
std::string protobuf_span(const Span& span) {
  std::string out;
  out.reserve(768);
  put_message(out, 2, [&](std::string& written) { put_span(written, span); });
  return out;
}

// ExportTraceServiceRequest: resource_spans 1, a ResourceSpans of resource 1 (a Resource of
// attributes 1) and scope_spans 2, a ScopeSpans of scope 1 (name 1, version 2) and spans 2.
std::string protobuf_request(const std::vector<std::string>& spans, const Attributes& resource,
                             std::string_view scope_version) {
  std::size_t size = 256;
  for (const std::string& span : spans) {
    size += span.size();
  }
  std::string out;
  out.reserve(size);
  put_message(out, 1, [&](std::string& resource_spans) {
    put_message(resource_spans, 1,
                [&](std::string& described) { put_attributes(described, 1, resource); });
    put_message(resource_spans, 2, [&](std::string& scope_spans) {
      put_message(scope_spans, 1, [&](std::string& scope) {
        put_string(scope, 1, "promptctl");
        put_string(scope, 2, scope_version);
      });
      for (const std::string& span : spans) {
        scope_spans += span;
      }
    });
  });
  return out;
}

}  // namespace promptctl::telemetry
