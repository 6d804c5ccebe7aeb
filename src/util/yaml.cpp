#include "util/yaml.hpp"

#include <yaml-cpp/depthguard.h>

#include "util/strings.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace promptctl::util {

using nlohmann::json;

namespace {

// The values a document may hold once its aliases are followed: a few bytes of anchors and
// aliases can otherwise stand for billions of values (an "alias bomb"). Without aliases a
// document holds fewer values than it has bytes, so only alias expansion can reach this.
std::size_t expansion_budget(std::string_view text) {
  return text.size() + 100'000;
}

// Walks the document once as its readers will, aliases followed: refuses repeated mapping keys
// (yaml-cpp keeps both entries and lookups see the first: almost always an editing mistake)
// and documents whose aliases expand past `budget` values. Aliases can make a node its own
// descendant, hence the depth bound.
void check_document(const YAML::Node& node, const std::string& file, int depth,
                    std::size_t& budget) {
  if (budget == 0) {
    throw Error(ErrorKind::invalid_input,
                "aliases expand this file to too many values (an alias bomb?)",
                location_of(node, file), "write the values out, or use fewer aliases");
  }
  --budget;
  if (depth > 256) {
    return;
  }
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      check_document(item, file, depth + 1, budget);
    }
    return;
  }
  if (!node.IsMap()) {
    return;
  }
  std::map<std::string, YAML::Mark> seen;
  for (const auto& entry : node) {
    if (entry.first.IsScalar()) {
      auto [it, fresh] = seen.emplace(entry.first.Scalar(), entry.first.Mark());
      if (!fresh) {
        throw Error(ErrorKind::invalid_input, "duplicate key '" + entry.first.Scalar() + "'",
                    location_of(entry.first, file),
                    "it is already set at line " + std::to_string(it->second.line + 1));
      }
    }
    check_document(entry.second, file, depth + 1, budget);
  }
}

}  // namespace

YAML::Node parse_yaml(std::string_view text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    std::size_t budget = expansion_budget(text);
    check_document(root, file, 0, budget);
    return root;
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) {
      where = {file, 0, 0};
    }
    // yaml-cpp's own words for too deep a document are "bad file".
    bool too_deep = dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr;
    throw Error(
        ErrorKind::invalid_input,
        too_deep ? "invalid YAML: nested more than 2000 levels deep" : "invalid YAML: " + e.msg,
        where);
  }
}

SourceLocation location_of(const YAML::Node& node, const std::string& file) {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) {
    return {file, 0, 0};
  }
  return {file, mark.line + 1, mark.column + 1};
}

namespace {

bool all_of_chars(std::string_view text, bool (*accept)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), accept);
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view without_sign(std::string_view text) {
  return !text.empty() && (text[0] == '-' || text[0] == '+') ? text.substr(1) : text;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_float(std::string_view text) {
  text = without_sign(text);
  size_t exponent = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, exponent);
  size_t dot = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : mantissa.substr(dot + 1);
  bool digits_before = all_of_chars(whole, is_digit);
  bool digits_after = fraction.empty() || all_of_chars(fraction, is_digit);
  bool mantissa_ok =
      (digits_before && digits_after) || (whole.empty() && !fraction.empty() && digits_after);
  if (!mantissa_ok || mantissa.empty()) {
    return false;
  }
  return exponent == std::string_view::npos ||
         all_of_chars(without_sign(text.substr(exponent + 1)), is_digit);
}

// Plain scalars typed by the YAML 1.2 core schema; hand-written because std::regex costs more
// to compile than a whole render.
json plain_scalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  try {
    if (all_of_chars(without_sign(text), is_digit)) {
      return text[0] == '-' ? json(std::stoll(text)) : json(std::stoull(text));
    }
    if (text.starts_with("0o") && all_of_chars(std::string_view(text).substr(2), is_octal)) {
      return std::stoull(text.substr(2), nullptr, 8);
    }
    if (text.starts_with("0x") && all_of_chars(std::string_view(text).substr(2), is_hex)) {
      return std::stoull(text.substr(2), nullptr, 16);
    }
    if (is_float(text)) {
      return std::stod(text);
    }
  } catch (const std::out_of_range&) {
    return text;  // too large for a number: keep the digits
  }
  return text;  // includes .inf and .nan, which JSON cannot hold
}

}  // namespace

std::string scalar_text(const YAML::Node& node) {
  const std::string& raw = node.Scalar();
  if (!invalid_utf8_at(raw)) {
    return raw;
  }
  std::string out;
  std::string_view rest = raw;
  while (!rest.empty()) {
    auto bad = invalid_utf8_at(rest);
    size_t good = bad.value_or(rest.size());
    out.append(rest.substr(0, good));
    if (!bad) {
      break;
    }
    auto byte = static_cast<unsigned char>(rest[good]);
    out += static_cast<char>(0xC0 | (byte >> 6));
    out += static_cast<char>(0x80 | (byte & 0x3F));
    rest.remove_prefix(good + 1);
  }
  return out;
}

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted and block scalars "!" and plain ones "?".
      return node.Tag() == "?" ? plain_scalar(scalar_text(node)) : json(scalar_text(node));
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const YAML::Node& item : node) {
        array.push_back(yaml_to_json(item));
      }
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          // Usually an unquoted "{{name}}", which YAML reads as a mapping inside a mapping.
          throw Error(ErrorKind::invalid_input,
                      "a mapping key must be a plain value, not a list or mapping (quote values "
                      "that start with '{' or '[')",
                      location_of(entry.first, ""));
        }
        object[scalar_text(entry.first)] = yaml_to_json(entry.second);
      }
      return object;
    }
  }
  return nullptr;
}

}  // namespace promptctl::util
