#include "util/yaml_reader.hpp"

#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl::util {

SourceLocation YamlReader::where(const YAML::Node& node) const {
  return location_of(node, m_path);
}

void YamlReader::error(const YAML::Node& node, std::string message, std::string code) {
  error_at(where(node), std::move(message), std::move(code));
}

void YamlReader::error_at(SourceLocation location, std::string message, std::string code) {
  m_diagnostics.push_back(
      {Severity::error, std::move(location), std::move(message), std::move(code)});
}

void YamlReader::check_keys(const YAML::Node& map, const std::vector<std::string>& known,
                            std::string_view context) {
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (key.starts_with("x-") || std::find(known.begin(), known.end(), key) != known.end()) {
      continue;
    }
    std::string in = context.empty() ? std::string() : " in " + std::string(context);
    error(entry.first, "unknown key '" + printable(key) + "'" + in + did_you_mean(key, known),
          "unknown-key");
  }
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) {
    return true;
  }
  error(node, std::string(what) + " must be a mapping", "type");
  return false;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    return scalar_text(node);
  }
  if (node.IsNull()) {
    return std::string();
  }
  YAML::Mark mark = node.Mark();
  bool unquoted_tag =
      !mark.is_null() && m_text.substr(static_cast<size_t>(mark.pos)).starts_with("{{");
  error(node,
        std::string(what) + " must be a string" +
            (unquoted_tag ? " (a value that starts with '{{' needs quotes)" : ""),
        "type");
  return std::nullopt;
}

std::optional<double> YamlReader::number(const YAML::Node& node, std::string_view what) {
  nlohmann::json value = yaml_to_json(node);
  if (value.is_number()) {
    return value.get<double>();
  }
  error(node, std::string(what) + " must be a number", "type");
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what) {
  nlohmann::json value = yaml_to_json(node);
  if (value.is_number_integer()) {
    return value.get<std::int64_t>();
  }
  error(node, std::string(what) + " must be an integer", "type");
  return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  nlohmann::json value = yaml_to_json(node);
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  error(node, std::string(what) + " must be true or false", "type");
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::strings(const YAML::Node& node,
                                                            std::string_view what) {
  if (node.IsScalar()) {
    return std::vector<std::string>{scalar_text(node)};
  }
  if (!node.IsSequence()) {
    error(node, std::string(what) + " must be a list of strings", "type");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      error(item, std::string(what) + " must be a list of strings", "type");
      return std::nullopt;
    }
    out.push_back(scalar_text(item));
  }
  return out;
}

}  // namespace promptctl::util
