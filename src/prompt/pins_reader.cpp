#include "prompt/pins_reader.hpp"

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace promptctl::prompt_detail {
namespace {

// A key `to_yaml` writes bare that YAML reads as the same text: it starts with a letter, digit
// or underscore (never '-', '.', which YAML may read as an indicator).
bool is_plain_key(std::string_view key) {
  return !key.empty() && (std::isalnum(static_cast<unsigned char>(key[0])) || key[0] == '_') &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' ||
                  c == '.';
         });
}

bool is_object_id(std::string_view text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

// "KEY:" at `indent` spaces with a plain key: the key.
std::optional<std::string_view> key_line(std::string_view line, std::size_t indent) {
  if (line.size() < indent + 2 ||
      line.substr(0, indent).find_first_not_of(' ') != std::string_view::npos ||
      line.back() != ':') {
    return std::nullopt;
  }
  std::string_view key = line.substr(indent, line.size() - indent - 1);
  return is_plain_key(key) ? std::optional(key) : std::nullopt;
}

// A quoted value without escapes or control characters, in valid UTF-8, which YAML and JSON
// read alike.
std::optional<std::string_view> quoted(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    return std::nullopt;
  }
  std::string_view inner = value.substr(1, value.size() - 2);
  bool simple = std::none_of(inner.begin(), inner.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f || c == '"' || c == '\\';
  });
  return simple && !util::invalid_utf8_at(inner) ? std::optional(inner) : std::nullopt;
}

// One "    field: value" line into `pin`; false for anything not written so.
bool read_field(std::string_view line, Pin& pin, std::vector<std::string_view>& seen) {
  constexpr std::string_view k_indent = "    ";
  if (!line.starts_with(k_indent)) {
    return false;
  }
  line.remove_prefix(k_indent.size());
  std::size_t colon = line.find(": ");
  if (colon == std::string_view::npos) {
    return false;
  }
  std::string_view field = line.substr(0, colon);
  std::string_view value = line.substr(colon + 2);
  if (std::find(seen.begin(), seen.end(), field) != seen.end()) {
    return false;  // a repeated field: the YAML parser decides what that means
  }
  seen.push_back(field);
  if (field == "emergency") {
    if (value != "true" && value != "false") {
      return false;
    }
    pin.emergency = value == "true";
    return true;
  }
  std::optional<std::string_view> text = quoted(value);
  if (!text) {
    return false;
  }
  std::string* target = field == "commit"        ? &pin.commit
                        : field == "content"     ? &pin.content
                        : field == "deployed_by" ? &pin.deployed_by
                        : field == "deployed_at" ? &pin.deployed_at
                        : field == "reason"      ? &pin.reason
                                                 : nullptr;
  if (!target) {
    return false;
  }
  *target = std::string(*text);
  return true;
}

}  // namespace

std::optional<PinFile> read_written_pins(std::string_view text) {
  PinFile pins;
  std::map<std::string, Pin>* environment = nullptr;
  Pin* pin = nullptr;
  std::vector<std::string_view> seen;
  // A pin is complete (and valid) before the next key or the end.
  auto pin_is_whole = [&] {
    return !pin || (is_object_id(pin->commit) && is_object_id(pin->content) &&
                    std::find(seen.begin(), seen.end(), "deployed_by") != seen.end() &&
                    std::find(seen.begin(), seen.end(), "deployed_at") != seen.end());
  };
  bool any = false;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      return std::nullopt;  // written files end with a newline
    }
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.starts_with('#') && !any) {
      continue;  // the header
    }
    any = true;
    if (auto name = key_line(line, 0)) {
      if (!pin_is_whole() || (environment && environment->empty())) {
        return std::nullopt;
      }
      if (pins.environments.count(std::string(*name))) {
        return std::nullopt;
      }
      environment = &pins.environments[std::string(*name)];
      pin = nullptr;
    } else if (auto prompt = key_line(line, 2)) {
      if (!environment || !pin_is_whole() || environment->count(std::string(*prompt))) {
        return std::nullopt;
      }
      pin = &(*environment)[std::string(*prompt)];
      seen.clear();
    } else if (!pin || !read_field(line, *pin, seen)) {
      return std::nullopt;
    }
  }
  if (!any || !pin_is_whole() || (environment && environment->empty())) {
    return std::nullopt;  // "{}" for no pins, or a file cut short: the YAML parser decides
  }
  return pins;
}

}  // namespace promptctl::prompt_detail
