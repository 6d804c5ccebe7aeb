#include "util/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "util/strings.hpp"

namespace promptctl::util {

using nlohmann::json;

namespace {

template <typename Integer>
void append_integer(std::string& out, Integer number) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, number);
  out.append(digits, end);
}

}  // namespace

void append_json_integer(std::string& out, std::int64_t number) {
  append_integer(out, number);
}

void append_json_integer(std::string& out, std::uint64_t number) {
  append_integer(out, number);
}

void append_json_number(std::string& out, double number) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  // The library's own formatting, without a writer built around it (which reads the locale).
  std::array<char, 64> digits{};
  char* end = nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), number);
  out.append(digits.data(), end);
}

namespace {

// Eight bytes at a time: a line of JSON written per row of a batch is mostly plain ASCII, which
// the word tests below pass over without looking at each byte.
constexpr std::uint64_t k_ones = 0x0101010101010101;
constexpr std::uint64_t k_highs = 0x8080808080808080;

std::uint64_t load_word(const char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Nonzero exactly when some byte of `word` is zero (a byte above a zero one may be marked too).
constexpr std::uint64_t has_zero_byte(std::uint64_t word) {
  return (word - k_ones) & ~word & k_highs;
}

// Nonzero when some byte of `word` must be escaped: a control character, '"' or '\'.
constexpr std::uint64_t needs_escape(std::uint64_t word) {
  return ((word - k_ones * 0x20) & ~word & k_highs) | has_zero_byte(word ^ (k_ones * '"')) |
         has_zero_byte(word ^ (k_ones * '\\'));
}

bool is_ascii(std::string_view text) {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    if (load_word(text.data() + i) & k_highs) {
      return false;
    }
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) {
      return false;
    }
  }
  return true;
}

void append_escape(std::string& out, unsigned char byte) {
  static constexpr char k_hex[] = "0123456789abcdef";
  switch (byte) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out += "\\u00";
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0xF];
  }
}

// `text`, known to be valid UTF-8, as a JSON string.
void append_valid_string(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t plain_from = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size() && !needs_escape(load_word(text.data() + i))) {
      i += 8;  // the bytes of a valid multi-byte character are written as they are, too
      continue;
    }
    std::size_t block_end = std::min(text.size(), i + 8);
    for (; i < block_end; ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (byte >= 0x20 && byte != '"' && byte != '\\') {
        continue;
      }
      out.append(text.data() + plain_from, i - plain_from);
      plain_from = i + 1;
      append_escape(out, byte);
    }
  }
  out.append(text.data() + plain_from, text.size() - plain_from);
  out += '"';
}

// How invalid UTF-8 in a string is treated: as dump() does by default, or with replacement.
enum class InvalidUtf8 { throws, replaced };

void append_string(std::string& out, std::string_view text, InvalidUtf8 invalid) {
  if (!is_ascii(text) && invalid_utf8_at(text)) {
    // Rare: the library replaces the bytes, or throws its own type_error naming the byte.
    out += json(std::string(text))
               .dump(-1, ' ', false,
                     invalid == InvalidUtf8::throws ? json::error_handler_t::strict
                                                    : json::error_handler_t::replace);
    return;
  }
  append_valid_string(out, text);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  append_string(out, text, InvalidUtf8::replaced);
}

void append_json_string_strict(std::string& out, std::string_view text) {
  append_string(out, text, InvalidUtf8::throws);
}

void append_json_strings_strict(std::string& out, const std::vector<std::string>& texts) {
  out += '[';
  for (std::size_t i = 0; i < texts.size(); ++i) {
    out += i ? "," : "";
    append_string(out, texts[i], InvalidUtf8::throws);
  }
  out += ']';
}

namespace {

void append_compact(std::string& out, const json& value, InvalidUtf8 invalid) {
  switch (value.type()) {
    case json::value_t::null:
      out += "null";
      return;
    case json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_integer:
      append_json_integer(out, value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      append_json_integer(out, value.get<std::uint64_t>());
      return;
    case json::value_t::number_float:
      append_json_number(out, value.get<double>());
      return;
    case json::value_t::string:
      append_string(out, value.get_ref<const std::string&>(), invalid);
      return;
    case json::value_t::array: {
      out += '[';
      bool first = true;
      for (const json& element : value) {
        out += first ? "" : ",";
        first = false;
        append_compact(out, element, invalid);
      }
      out += ']';
      return;
    }
    case json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto member = value.begin(); member != value.end(); ++member) {
        out += first ? "" : ",";
        first = false;
        append_string(out, member.key(), invalid);
        out += ':';
        append_compact(out, member.value(), invalid);
      }
      out += '}';
      return;
    }
    default:  // binary and discarded values: never in a document of ours, and rare
      out += value.dump(-1, ' ', false,
                        invalid == InvalidUtf8::throws ? json::error_handler_t::strict
                                                       : json::error_handler_t::replace);
  }
}

}  // namespace

void append_json_compact(std::string& out, const json& value) {
  append_compact(out, value, InvalidUtf8::throws);
}

void append_json_compact_replacing(std::string& out, const json& value) {
  append_compact(out, value, InvalidUtf8::replaced);
}

std::string json_compact(const json& value) {
  std::string out;
  append_json_compact(out, value);
  return out;
}

void append_json_value(std::string& out, const json& value, int depth) {
  nlohmann::detail::serializer<json> writer(nlohmann::detail::output_adapter<char>(out), ' ',
                                            json::error_handler_t::replace);
  writer.dump(value, true, false, 2, static_cast<unsigned>(depth * 2));
}

void append_line_start(std::string& out, int depth) {
  out += '\n';
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

JsonObjectWriter::JsonObjectWriter(std::string& out, int depth) : m_out(out), m_depth(depth) {
  m_out += '{';
}

std::string& JsonObjectWriter::key(std::string_view name) {
  if (!m_empty) {
    m_out += ',';
  }
  m_empty = false;
  append_line_start(m_out, m_depth + 1);
  append_json_string(m_out, name);
  m_out += ": ";
  return m_out;
}

void JsonObjectWriter::close() {
  if (!m_empty) {
    append_line_start(m_out, m_depth);
  }
  m_out += '}';
}

JsonCompactObjectWriter::JsonCompactObjectWriter(std::string& out) : m_out(out) {
  m_out += '{';
}

std::string& JsonCompactObjectWriter::key(std::string_view name) {
  m_out += m_empty ? "\"" : ",\"";
  m_empty = false;
  m_out += name;
  m_out += "\":";
  return m_out;
}

}  // namespace promptctl::util
