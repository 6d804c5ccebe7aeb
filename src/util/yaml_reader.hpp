// Typed access to a YAML document that records problems as diagnostics instead of stopping.
#pragma once

#include <yaml-cpp/yaml.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/error.hpp"

namespace promptctl::util {

class YamlReader {
 public:
  YamlReader(std::string path, std::string_view text, std::vector<Diagnostic>& diagnostics)
      : m_path(std::move(path)), m_text(text), m_diagnostics(diagnostics) {}

  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] SourceLocation where(const YAML::Node& node) const;

  void error(const YAML::Node& node, std::string message, std::string code);
  void error_at(SourceLocation location, std::string message, std::string code);

  /// Reports every key of `map` that is not in `known` and does not start with "x-".
  void check_keys(const YAML::Node& map, const std::vector<std::string>& known,
                  std::string_view context);

  bool expect_map(const YAML::Node& node, std::string_view what);
  std::optional<std::string> string(const YAML::Node& node, std::string_view what);
  std::optional<double> number(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  /// A list of strings; a single string counts as a list of one.
  std::optional<std::vector<std::string>> strings(const YAML::Node& node, std::string_view what);

  /// The whole text of the document.
  [[nodiscard]] std::string_view text() const { return m_text; }

 private:
  std::string m_path;
  std::string_view m_text;
  std::vector<Diagnostic>& m_diagnostics;
};

}  // namespace promptctl::util
