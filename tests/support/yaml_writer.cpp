#include "support/yaml_writer.hpp"

#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace promptctl::testing {
namespace {

using nlohmann::json;

// Decodes the UTF-8 sequence at `text[at]` and advances `at` past it.
uint32_t next_code_point(const std::string& text, size_t& at) {
  auto byte = static_cast<unsigned char>(text[at++]);
  int continuation = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
  uint32_t cp = continuation == 0 ? byte : byte & (0x3F >> continuation);
  for (; continuation > 0; --continuation) {
    if (at >= text.size()) {
      throw std::invalid_argument("truncated UTF-8");
    }
    cp = (cp << 6) | (static_cast<unsigned char>(text[at++]) & 0x3F);
  }
  return cp;
}

// Non-ASCII is escaped too: raw U+0085, U+2028 and U+2029 are line breaks to a YAML reader.
std::string double_quoted(const std::string& text) {
  std::string out = "\"";
  for (size_t at = 0; at < text.size();) {
    uint32_t cp = next_code_point(text, at);
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp >= 0x20 && cp < 0x7F) {
      out += static_cast<char>(cp);
    } else {
      char escape[12];
      std::snprintf(escape, sizeof escape, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", cp);
      out += escape;
    }
  }
  return out + "\"";
}

std::string scalar(const json& value) {
  if (value.is_string()) {
    return double_quoted(value.get<std::string>());
  }
  return value.dump();  // null, true, false and numbers are spelled alike in both
}

bool is_nested(const json& value) {
  return value.is_structured() && !value.empty();
}

void write(const json& value, const std::string& indent, std::string& out);

// A mapping value or a sequence item: on the same line if it is a scalar or empty, else on
// the lines below, indented further.
void write_entry(const std::string& lead, const json& value, const std::string& indent,
                 std::string& out) {
  out += indent + lead;
  if (is_nested(value)) {
    out += "\n";
    write(value, indent + "  ", out);
  } else {
    out += " " + scalar(value) + "\n";
  }
}

void write(const json& value, const std::string& indent, std::string& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      write_entry(double_quoted(key) + ":", item, indent, out);
    }
  } else if (value.is_array()) {
    for (const json& item : value) {
      write_entry("-", item, indent, out);
    }
  }
}

}  // namespace

std::string write_block_yaml(const json& value) {
  if (!is_nested(value)) {
    return scalar(value) + "\n";
  }
  std::string out;
  write(value, "", out);
  return out;
}

}  // namespace promptctl::testing
