#include "prompt/reader.hpp"

#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl::prompt_detail {

SourceLocation YamlReader::where(const YAML::Node& node) const {
  return util::location_of(node, m_path);
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
    error(entry.first,
          "unknown key '" + util::printable(key) + "'" + in + util::did_you_mean(key, known),
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
    return util::scalar_text(node);
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
  nlohmann::json value = util::yaml_to_json(node);
  if (value.is_number()) {
    return value.get<double>();
  }
  error(node, std::string(what) + " must be a number", "type");
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what) {
  nlohmann::json value = util::yaml_to_json(node);
  if (value.is_number_integer()) {
    return value.get<std::int64_t>();
  }
  error(node, std::string(what) + " must be an integer", "type");
  return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  nlohmann::json value = util::yaml_to_json(node);
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  error(node, std::string(what) + " must be true or false", "type");
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::strings(const YAML::Node& node,
                                                            std::string_view what) {
  if (node.IsScalar()) {
    return std::vector<std::string>{util::scalar_text(node)};
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
    out.push_back(util::scalar_text(item));
  }
  return out;
}

tmpl::TextOrigin YamlReader::origin_of(const YAML::Node& scalar) const {
  YAML::Mark mark = scalar.Mark();
  if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= m_text.size()) {
    return {m_path, 0, 0, 0};
  }
  char first = m_text[static_cast<size_t>(mark.pos)];
  if (first == '|' || first == '>') {
    // A block scalar's content starts on the next line, at the indentation of its first line.
    size_t line_start = m_text.find('\n', static_cast<size_t>(mark.pos));
    int line = mark.line + 2;
    while (line_start != std::string_view::npos) {
      size_t next = line_start + 1;
      size_t indent = 0;
      while (next + indent < m_text.size() && m_text[next + indent] == ' ') {
        ++indent;
      }
      bool empty_line = next + indent >= m_text.size() || m_text[next + indent] == '\n';
      if (!empty_line) {
        int width = static_cast<int>(indent);
        return {m_path, line, width + 1, width};
      }
      ++line;
      line_start = m_text.find('\n', next);
    }
    return {m_path, mark.line + 2, 1, 0};
  }
  int quote = (first == '"' || first == '\'') ? 1 : 0;
  return {m_path, mark.line + 1, mark.column + 1 + quote, mark.column};
}

}  // namespace promptctl::prompt_detail
