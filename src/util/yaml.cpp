#include "util/yaml.hpp"

#include <cmath>
#include <regex>

namespace promptctl::util {

using nlohmann::json;

YAML::Node parse_yaml(std::string_view text, const std::string& file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.is_null()) {
      where = {file, 0, 0};
    }
    throw Error(ErrorKind::invalid_input, "invalid YAML: " + e.msg, where);
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

json plain_scalar(const std::string& text) {
  static const std::regex integer(R"([-+]?[0-9]+)");
  static const std::regex octal(R"(0o[0-7]+)");
  static const std::regex hex(R"(0x[0-9a-fA-F]+)");
  static const std::regex real(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
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
    if (std::regex_match(text, integer)) {
      return text[0] == '-' ? json(std::stoll(text)) : json(std::stoull(text));
    }
    if (std::regex_match(text, octal)) {
      return std::stoull(text.substr(2), nullptr, 8);
    }
    if (std::regex_match(text, hex)) {
      return std::stoull(text.substr(2), nullptr, 16);
    }
    if (std::regex_match(text, real)) {
      return std::stod(text);
    }
  } catch (const std::out_of_range&) {
    return text;  // too large for a number: keep the digits
  }
  if (text == ".inf" || text == ".Inf" || text == "+.inf" || text == "-.inf" || text == ".nan") {
    return text;  // JSON has no infinities or NaN
  }
  return text;
}

}  // namespace

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted and block scalars "!" and plain ones "?".
      return node.Tag() == "?" ? plain_scalar(node.Scalar()) : json(node.Scalar());
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
        object[entry.first.as<std::string>()] = yaml_to_json(entry.second);
      }
      return object;
    }
  }
  return nullptr;
}

namespace {

void emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << YAML::DoubleQuoted << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const json& item : value) {
        emit(out, item);
      }
      out << YAML::EndSeq;
      break;
    case json::value_t::string:
      out << YAML::DoubleQuoted << value.get<std::string>();
      break;
    case json::value_t::null:
      out << YAML::Null;
      break;
    case json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      break;
    default:
      out << value.dump();
      break;
  }
}

}  // namespace

std::string json_to_yaml(const json& value) {
  YAML::Emitter out;
  out.SetOutputCharset(YAML::EscapeNonAscii);
  emit(out, value);
  std::string text = out.c_str();
  return text + "\n";
}

}  // namespace promptctl::util
