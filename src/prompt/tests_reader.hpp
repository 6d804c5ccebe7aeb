// Reading test cases and their assertions from YAML.
#pragma once

#include <vector>

#include "prompt/reader.hpp"
#include "promptctl/prompt.hpp"

namespace promptctl::prompt_detail {

class TestsReader {
 public:
  explicit TestsReader(YamlReader& reader) : m_reader(reader) {}
  std::vector<TestCase> read_list(const YAML::Node& node);
  std::vector<Assertion> read_assertions(const YAML::Node& node);
  /// Reads provider, model and assert from a mapping (`defaults:` of a tests file, `tests:` of
  /// promptctl.yaml); the caller checks the mapping's keys.
  TestDefaults read_defaults(const YAML::Node& node);

 private:
  std::optional<TestCase> read_case(const YAML::Node& node);
  std::string read_path(const YAML::Node& node, std::string_view what);
  std::optional<Assertion> read_assertion(const YAML::Node& node);
  YamlReader& m_reader;
};

/// Reports test variables whose values break the prompt's declarations.
void check_test_vars(const Prompt& prompt, const std::vector<TestCase>& tests,
                     std::vector<Diagnostic>& diagnostics);

}  // namespace promptctl::prompt_detail
