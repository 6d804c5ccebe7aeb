// Reading test cases and their assertions from YAML.
#pragma once

#include <vector>

#include "prompt/reader.hpp"
#include "promptctl/prompt.hpp"

namespace promptctl::prompt_detail {

/// The assertion types a test may use; each may also be negated as "not-<type>".
const std::vector<std::string>& assertion_types();

class TestsReader {
 public:
  explicit TestsReader(YamlReader& reader) : m_reader(reader) {}
  std::vector<TestCase> read_list(const YAML::Node& node);

 private:
  std::optional<TestCase> read_case(const YAML::Node& node);
  std::optional<Assertion> read_assertion(const YAML::Node& node);
  YamlReader& m_reader;
};

/// Reports test variables whose values break the prompt's declarations.
void check_test_vars(const Prompt& prompt, const std::vector<TestCase>& tests,
                     std::vector<Diagnostic>& diagnostics);

}  // namespace promptctl::prompt_detail
