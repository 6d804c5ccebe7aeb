#include "util/json_reader.hpp"

#include <charconv>
#include <cstdint>

#include "util/json_input.hpp"
#include "util/utf8.hpp"

namespace promptctl::util {
namespace {

using nlohmann::json;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Bytes a string copies as they are: not its end, an escape, a control character or the start
// of a multi-byte character.
bool is_plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// Reads one document; each reading function returns false at the first thing nlohmann-json
// would refuse (or that this reader leaves to it), with the position then meaningless.
class Reader {
 public:
  explicit Reader(std::string_view text)
      : m_at(reinterpret_cast<const unsigned char*>(text.data())), m_end(m_at + text.size()) {}

  std::optional<json> document() {
    if (m_at != m_end && *m_at == 0xEF) {  // a byte order mark, whole, or nothing
      if (m_end - m_at < 3 || m_at[1] != 0xBB || m_at[2] != 0xBF) {
        return std::nullopt;
      }
      m_at += 3;
    }
    json value;
    if (!value_at(value, 0)) {
      return std::nullopt;
    }
    skip_space();
    if (m_at != m_end && *m_at != '\0') {  // nlohmann-json's lexer ends the input at a NUL
      return std::nullopt;
    }
    return value;
  }

 private:
  void skip_space() {
    while (m_at != m_end && is_space(static_cast<char>(*m_at))) {
      ++m_at;
    }
  }

  bool take(char expected) {
    skip_space();
    if (m_at != m_end && *m_at == static_cast<unsigned char>(expected)) {
      ++m_at;
      return true;
    }
    return false;
  }

  bool value_at(json& out, std::size_t depth) {
    skip_space();
    if (m_at == m_end) {
      return false;
    }
    switch (*m_at) {
      case '{':
      case '[':
        if (depth == k_max_json_depth) {
          return false;  // nlohmann-json reads any depth; the callers refuse this one
        }
        return *m_at == '{' ? object_at(out, depth + 1) : array_at(out, depth + 1);
      case '"': {
        std::string text;
        if (!string_at(text)) {
          return false;
        }
        out = std::move(text);
        return true;
      }
      case 't':
        return word("true", out, true);
      case 'f':
        return word("false", out, false);
      case 'n':
        return word("null", out, nullptr);
      default:
        return number_at(out);
    }
  }

  template <typename Value>
  bool word(std::string_view spelled, json& out, Value value) {
    if (static_cast<std::size_t>(m_end - m_at) < spelled.size() ||
        std::string_view(reinterpret_cast<const char*>(m_at), spelled.size()) != spelled) {
      return false;
    }
    m_at += spelled.size();
    out = value;
    return true;
  }

  bool object_at(json& out, std::size_t depth) {
    ++m_at;
    out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    if (take('}')) {
      return true;
    }
    do {
      std::string key;
      json value;
      skip_space();
      if (m_at == m_end || *m_at != '"' || !string_at(key) || !take(':') ||
          !value_at(value, depth)) {
        return false;
      }
      members.insert_or_assign(std::move(key), std::move(value));  // the last one stands
    } while (take(','));
    return take('}');
  }

  bool array_at(json& out, std::size_t depth) {
    ++m_at;
    out = json::array();
    auto& items = out.get_ref<json::array_t&>();
    if (take(']')) {
      return true;
    }
    do {
      if (!value_at(items.emplace_back(), depth)) {
        return false;
      }
    } while (take(','));
    return take(']');
  }

  // At the opening quote.
  bool string_at(std::string& out) {
    ++m_at;
    while (true) {
      const unsigned char* run = m_at;
      while (m_at != m_end && is_plain(*m_at)) {
        ++m_at;
      }
      out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(m_at - run));
      if (m_at == m_end || *m_at < 0x20) {
        return false;
      }
      if (*m_at == '"') {
        ++m_at;
        return true;
      }
      if (*m_at == '\\') {
        if (!escape_at(out)) {
          return false;
        }
        continue;
      }
      // A multi-byte character, well formed as nlohmann-json checks it too: no overlong form,
      // no surrogate, nothing past U+10FFFF.
      std::string_view rest(reinterpret_cast<const char*>(m_at),
                            static_cast<std::size_t>(m_end - m_at));
      auto character = decode_utf8(rest, 0);
      if (!character) {
        return false;
      }
      out.append(rest.data(), character->second);
      m_at += character->second;
    }
  }

  // At the backslash.
  bool escape_at(std::string& out) {
    if (m_end - m_at < 2) {
      return false;
    }
    char kind = static_cast<char>(m_at[1]);
    m_at += 2;
    switch (kind) {
      case '"':
      case '\\':
      case '/':
        out += kind;
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        return code_point_at(out);
      default:
        return false;
    }
  }

  // After "\u": four hex digits, and for a high surrogate the low one's "\uXXXX" after them.
  bool code_point_at(std::string& out) {
    std::uint32_t unit = 0;
    if (!hex4(unit)) {
      return false;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return false;  // a low surrogate alone
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      std::uint32_t low = 0;
      if (m_end - m_at < 2 || m_at[0] != '\\' || m_at[1] != 'u') {
        return false;
      }
      m_at += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, static_cast<char32_t>(unit));
    return true;
  }

  bool hex4(std::uint32_t& value) {
    const char* digits = reinterpret_cast<const char*>(m_at);
    if (m_end - m_at < 4 || std::from_chars(digits, digits + 4, value, 16).ptr != digits + 4) {
      return false;
    }
    m_at += 4;
    return true;
  }

  bool digits() {
    const unsigned char* start = m_at;
    while (m_at != m_end && *m_at >= '0' && *m_at <= '9') {
      ++m_at;
    }
    return m_at != start;
  }

  // JSON's grammar for numbers. An integer is unsigned, or signed when negative, as long as it
  // fits in 64 bits; every other number is a double (nlohmann-json converts as strtod does, and
  // from_chars rounds the same, correctly; a number past a double's range is left to it).
  bool number_at(json& out) {
    const char* start = reinterpret_cast<const char*>(m_at);
    bool negative = *m_at == '-';
    if (negative) {
      ++m_at;
    }
    if (m_at != m_end && *m_at == '0') {
      ++m_at;
    } else if (!digits()) {
      return false;
    }
    bool integral = true;
    if (m_at != m_end && *m_at == '.') {
      ++m_at;
      integral = false;
      if (!digits()) {
        return false;
      }
    }
    if (m_at != m_end && (*m_at == 'e' || *m_at == 'E')) {
      ++m_at;
      integral = false;
      if (m_at != m_end && (*m_at == '+' || *m_at == '-')) {
        ++m_at;
      }
      if (!digits()) {
        return false;
      }
    }
    const char* end = reinterpret_cast<const char*>(m_at);
    if (integral && negative) {
      std::int64_t value = 0;
      if (std::from_chars(start, end, value).ec == std::errc()) {
        out = value;
        return true;
      }
    } else if (integral) {
      std::uint64_t value = 0;
      if (std::from_chars(start, end, value).ec == std::errc()) {
        out = value;
        return true;
      }
    }
    double value = 0;
    if (std::from_chars(start, end, value).ec != std::errc()) {
      return false;
    }
    out = value;
    return true;
  }

  const unsigned char* m_at;
  const unsigned char* m_end;
};

}  // namespace

std::optional<json> read_json(std::string_view text) {
  return Reader(text).document();
}

}  // namespace promptctl::util
