#include "prompt/tests_reader.hpp"

#include "promptctl/assertions.hpp"
#include "promptctl/workspace.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"
#include "util/yaml_fields.hpp"

namespace promptctl::prompt_detail {

namespace {
const std::vector<std::string> k_case_keys = {
    "name", "description", "vars", "dataset", "assert", "provider", "model", "repeat", "threshold"};
const std::vector<std::string> k_assertion_keys = {"type", "value",    "threshold", "weight", "min",
                                                   "max",  "provider", "model",     "prompt"};
}  // namespace

std::vector<TestCase> TestsReader::read_list(const YAML::Node& node) {
  std::vector<TestCase> cases;
  if (!node.IsSequence()) {
    m_reader.error(node, "'tests' must be a list of test cases", "type");
    return cases;
  }
  for (const YAML::Node& item : node) {
    if (auto test = read_case(item)) {
      cases.push_back(std::move(*test));
    }
  }
  return cases;
}

std::optional<TestCase> TestsReader::read_case(const YAML::Node& node) {
  if (!m_reader.expect_map(node, "a test case")) {
    return std::nullopt;
  }
  m_reader.check_keys(node, k_case_keys, "a test case");
  const util::YamlFields fields(node);
  TestCase test;
  test.location = m_reader.where(node);
  if (!fields["name"]) {
    m_reader.error(node, "a test case needs a 'name'", "structure");
  } else {
    test.name = m_reader.string(fields["name"], "'name'").value_or("");
  }
  if (fields["description"]) {
    test.description = m_reader.string(fields["description"], "'description'").value_or("");
  }
  if (const auto& vars = fields["vars"]; vars && vars.IsScalar()) {
    test.vars_file = read_path(vars, "'vars'");
  } else if (vars && m_reader.expect_map(vars, "'vars' (a mapping, or a file's path)")) {
    test.vars = util::yaml_to_json(vars);
    for (const auto& entry : vars) {
      test.var_locations.emplace_back(entry.first.Scalar(), m_reader.where(entry.second));
    }
  }
  if (const auto& dataset = fields["dataset"]) {
    test.dataset = read_path(dataset, "'dataset'");
  }
  if (const auto& asserts = fields["assert"]) {
    test.assertions = read_assertions(asserts);
  }
  if (const auto& threshold = fields["threshold"]) {
    auto value = m_reader.number(threshold, "'threshold'");
    if (value && (*value < 0 || *value > 1)) {
      m_reader.error(threshold, "'threshold' must be a number from 0 to 1", "range");
    } else {
      test.threshold = value;
    }
  }
  if (fields["provider"]) {
    test.provider = m_reader.string(fields["provider"], "'provider'");
  }
  if (fields["model"]) {
    test.model = m_reader.string(fields["model"], "'model'");
  }
  if (fields["repeat"]) {
    auto repeat = m_reader.integer(fields["repeat"], "'repeat'");
    if (repeat && (*repeat < 1 || *repeat > 1000)) {
      m_reader.error(fields["repeat"], "'repeat' must be between 1 and 1000", "range");
    } else if (repeat) {
      test.repeat = static_cast<int>(*repeat);
    }
  }
  return test;
}

std::vector<Assertion> TestsReader::read_assertions(const YAML::Node& node) {
  std::vector<Assertion> assertions;
  if (!node.IsSequence()) {
    m_reader.error(node, "'assert' must be a list of assertions", "type");
    return assertions;
  }
  for (const YAML::Node& item : node) {
    if (auto assertion = read_assertion(item)) {
      assertions.push_back(std::move(*assertion));
    }
  }
  return assertions;
}

TestDefaults TestsReader::read_defaults(const YAML::Node& node) {
  const util::YamlFields fields(node);
  TestDefaults defaults;
  if (fields["provider"]) {
    defaults.provider = m_reader.string(fields["provider"], "'provider'");
  }
  if (fields["model"]) {
    defaults.model = m_reader.string(fields["model"], "'model'");
  }
  if (fields["assert"]) {
    defaults.assertions = read_assertions(fields["assert"]);
  }
  return defaults;
}

std::string TestsReader::read_path(const YAML::Node& node, std::string_view what) {
  std::string path = m_reader.string(node, what).value_or("");
  try {
    return repository_relative_path(path);
  } catch (const Error& e) {
    m_reader.error(node, e.message(), "path");
    return "";
  }
}

std::optional<Assertion> TestsReader::read_assertion(const YAML::Node& node) {
  if (!m_reader.expect_map(node, "an assertion")) {
    return std::nullopt;
  }
  m_reader.check_keys(node, k_assertion_keys, "an assertion");
  if (!node["type"]) {
    m_reader.error(node, "an assertion needs a 'type'", "structure");
    return std::nullopt;
  }
  Assertion assertion;
  assertion.type = m_reader.string(node["type"], "'type'").value_or("");
  assertion.location = m_reader.where(node);
  std::string base = assertion.type.starts_with("not-") ? assertion.type.substr(4) : assertion.type;
  const auto& known = assertion_types();
  if (std::find(known.begin(), known.end(), base) == known.end()) {
    m_reader.error(node["type"],
                   "unknown assertion type '" + util::printable(assertion.type) + "'" +
                       util::did_you_mean(assertion.type, known),
                   "assertion-type");
    return std::nullopt;
  }
  assertion.spec = util::yaml_to_json(node);
  std::vector<std::string> problems = assertion_problems(assertion);
  for (const std::string& problem : problems) {
    m_reader.error(node, problem, "assertion");
  }
  if (!problems.empty()) {
    return std::nullopt;
  }
  return assertion;
}

void check_test_vars(const Prompt& prompt, const std::vector<TestCase>& tests,
                     std::vector<Diagnostic>& diagnostics) {
  for (const TestCase& test : tests) {
    for (const auto& [name, location] : test.var_locations) {
      const VariableSpec* spec = prompt.find_variable(name);
      if (!spec) {
        continue;  // undeclared names are reported by lint, which knows what the template uses
      }
      for (const std::string& problem : spec->check(test.vars[name])) {
        diagnostics.push_back(
            {Severity::error, location, "test '" + test.name + "': " + problem, "test-var-type"});
      }
    }
  }
}

}  // namespace promptctl::prompt_detail
