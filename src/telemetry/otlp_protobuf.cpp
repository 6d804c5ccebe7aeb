// The OTLP/HTTP binary encoding: an ExportTraceServiceRequest in protobuf's wire format, written
// directly with the field numbers of opentelemetry-proto's trace, common and resource
// definitions. An attribute's size is worked out before it is written, so that its length goes
// first and nothing is moved; the few larger messages (a span, the request around the spans) are
// written in place and their length put before them after, a move of their bytes.
#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>

#include "telemetry/encodings.hpp"
#include "util/strings.hpp"

namespace promptctl::telemetry {
namespace {

enum class Wire : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2 };

// Writes fields into bytes already made room for.
class Cursor {
 public:
  explicit Cursor(char* at) : m_at(at) {}
  [[nodiscard]] char* at() const { return m_at; }

  void varint(std::uint64_t value) {
    while (value >= 0x80) {
      *m_at++ = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    *m_at++ = static_cast<char>(value);
  }
  void tag(int field, Wire wire) {
    varint((static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(wire));
  }
  // The start of a length-delimited field of `length` bytes.
  void length_delimited(int field, std::size_t length) {
    tag(field, Wire::length_delimited);
    varint(length);
  }
  void bytes(int field, std::string_view bytes) {
    length_delimited(field, bytes.size());
    std::memcpy(m_at, bytes.data(), bytes.size());
    m_at += bytes.size();
  }
  void fixed64(int field, std::uint64_t value) {
    tag(field, Wire::fixed64);
    for (int byte = 0; byte < 8; ++byte) {
      *m_at++ = static_cast<char>((value >> (8 * byte)) & 0xff);
    }
  }

 private:
  char* m_at;
};

std::size_t varint_size(std::uint64_t value) {
  std::size_t size = 1;
  for (; value >= 0x80; value >>= 7) {
    ++size;
  }
  return size;
}

// A length-delimited field of `length` bytes, with a field number under 16 (a one-byte tag),
// as all of those whose size is worked out are.
std::size_t delimited_size(std::size_t length) {
  return 1 + varint_size(length) + length;
}

void put_varint(std::string& out, std::uint64_t value) {
  char bytes[10];
  Cursor cursor(bytes);
  cursor.varint(value);
  out.append(bytes, cursor.at());
}

void put_tag(std::string& out, int field, Wire wire) {
  put_varint(out, (static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint8_t>(wire));
}

void put_fixed64(std::string& out, int field, std::uint64_t value) {
  char bytes[10];
  Cursor cursor(bytes);
  cursor.fixed64(field, value);
  out.append(bytes, cursor.at());
}

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_tag(out, field, Wire::length_delimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// Protobuf's strings must be UTF-8, or a collector refuses the whole batch: `text`, or when it
// is not UTF-8 (rarely), a copy in `replaced` whose invalid bytes are replaced as the JSON
// encoding replaces them.
std::string_view utf8_text(std::string_view text, std::string& replaced) {
  if (!util::invalid_utf8_at(text)) {
    return text;
  }
  std::string dumped = nlohmann::json(std::string(text))
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  replaced = nlohmann::json::parse(dumped).get<std::string>();
  return replaced;
}

// The same for a list: `texts` itself unless one of them needs replacing.
std::span<const std::string> utf8_texts(std::span<const std::string> texts,
                                        std::vector<std::string>& replaced) {
  bool valid = std::all_of(texts.begin(), texts.end(),
                           [](const std::string& text) { return !util::invalid_utf8_at(text); });
  if (valid) {
    return texts;
  }
  for (const std::string& text : texts) {
    std::string copy;
    replaced.emplace_back(utf8_text(text, copy));
  }
  return replaced;
}

// A plain string field: protobuf leaves out the default, the empty string.
void put_string(std::string& out, int field, std::string_view text) {
  if (!text.empty()) {
    std::string replaced;
    put_bytes(out, field, utf8_text(text, replaced));
  }
}

// Ids are made by promptctl or read by TraceContext::parse: lowercase hex digits.
void put_hex_id(std::string& out, int field, std::string_view hex) {
  auto nibble = [](char digit) { return digit <= '9' ? digit - '0' : digit - 'a' + 10; };
  put_tag(out, field, Wire::length_delimited);
  put_varint(out, hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
  }
}

// Field `field` as a message whose fields `write` appends: its length is known only after.
template <typename Write>
void put_message(std::string& out, int field, Write&& write) {
  put_tag(out, field, Wire::length_delimited);
  std::size_t start = out.size();
  write(out);
  std::string length;
  put_varint(length, out.size() - start);
  out.insert(start, length);
}

// The size of an ArrayValue of strings: each an AnyValue (field 1) holding a string_value (1).
std::size_t string_array_size(std::span<const std::string> texts) {
  std::size_t size = 0;
  for (const std::string& text : texts) {
    size += delimited_size(delimited_size(text.size()));
  }
  return size;
}

// The size of an AnyValue: string_value 1, bool_value 2, int_value 3, double_value 4,
// array_value 5.
std::size_t any_value_size(const ValueView& value) {
  struct Size {
    std::size_t operator()(std::string_view text) const { return delimited_size(text.size()); }
    std::size_t operator()(bool) const { return 2; }
    std::size_t operator()(std::int64_t number) const {
      return 1 + varint_size(static_cast<std::uint64_t>(number));
    }
    std::size_t operator()(double) const { return 9; }
    std::size_t operator()(std::span<const std::string> texts) const {
      return delimited_size(string_array_size(texts));
    }
  };
  return std::visit(Size{}, value);
}

// `value`, its strings already UTF-8, in the room `any_value_size` said it takes.
void put_any_value(Cursor& cursor, const ValueView& value) {
  struct Encode {
    Cursor& cursor;
    void operator()(std::string_view text) const { cursor.bytes(1, text); }
    void operator()(bool flag) const {
      cursor.tag(2, Wire::varint);
      cursor.varint(flag ? 1 : 0);
    }
    void operator()(std::int64_t number) const {
      cursor.tag(3, Wire::varint);
      cursor.varint(static_cast<std::uint64_t>(number));
    }
    void operator()(double number) const {
      cursor.fixed64(4, std::bit_cast<std::uint64_t>(number));
    }
    void operator()(std::span<const std::string> texts) const {
      cursor.length_delimited(5, string_array_size(texts));
      for (const std::string& text : texts) {
        cursor.length_delimited(1, delimited_size(text.size()));
        cursor.bytes(1, text);
      }
    }
  };
  std::visit(Encode{cursor}, value);
}

// An attribute as a KeyValue (key 1, value 2) in field `field` (under 16). Its size is worked
// out first, so that it is written once, in room made for it.
void put_key_value(std::string& out, int field, std::string_view key, const ValueView& value) {
  std::string replaced_key;
  key = utf8_text(key, replaced_key);
  std::string replaced_text;
  std::vector<std::string> replaced_texts;
  ValueView valid = value;
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    valid = utf8_text(*text, replaced_text);
  } else if (const auto* texts = std::get_if<std::span<const std::string>>(&value)) {
    valid = utf8_texts(*texts, replaced_texts);
  }
  std::size_t any = any_value_size(valid);
  // Protobuf leaves out the default, an empty key.
  std::size_t pair = (key.empty() ? 0 : delimited_size(key.size())) + delimited_size(any);
  std::size_t start = out.size();
  out.resize(start + delimited_size(pair));
  Cursor cursor(out.data() + start);
  cursor.length_delimited(field, pair);
  if (!key.empty()) {
    cursor.bytes(1, key);
  }
  cursor.length_delimited(2, any);
  put_any_value(cursor, valid);
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

// A Span: trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, start 7, end 8,
// attributes 9, status 15 (message 2, code 3).
void protobuf_span_start(std::string& out, const SpanHead& head) {
  put_hex_id(out, 1, head.context.trace_id);
  put_hex_id(out, 2, head.context.span_id);
  if (!head.parent_span_id.empty()) {
    put_hex_id(out, 4, head.parent_span_id);
  }
  put_string(out, 5, head.name);
  put_tag(out, 6, Wire::varint);
  put_varint(out, static_cast<std::uint64_t>(head.kind));
  put_fixed64(out, 7, static_cast<std::uint64_t>(head.start_unix_ns));
  put_fixed64(out, 8, static_cast<std::uint64_t>(head.end_unix_ns));
}

void protobuf_attribute(std::string& out, std::string_view key, const ValueView& value) {
  put_key_value(out, 9, key, value);
}

void protobuf_span_end(std::string& out, SpanStatus status, std::string_view message) {
  put_message(out, 15, [&](std::string& written) {
    if (status == SpanStatus::error && !message.empty()) {
      put_string(written, 2, message);
    }
    if (status != SpanStatus::unset) {
      put_tag(written, 3, Wire::varint);
      put_varint(written, static_cast<std::uint64_t>(status));
    }
  });
  // The span as ScopeSpans holds it: field 2, its length before it.
  std::string prefix;
  put_tag(prefix, 2, Wire::length_delimited);
  put_varint(prefix, out.size());
  out.insert(0, prefix);
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
    put_message(resource_spans, 1, [&](std::string& described) {
      for (const auto& [key, value] : resource) {
        put_key_value(described, 1, key, view_of(value));
      }
    });
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
