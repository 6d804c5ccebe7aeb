#include "prompt/tests_reader.hpp"

#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl::prompt_detail {

const std::vector<std::string>& assertion_types() {
  static const std::vector<std::string> types = {
      "equals",      "contains",    "icontains",  "contains-any", "contains-all",
      "starts-with", "regex",       "is-json",    "json-schema",  "min-length",
      "max-length",  "length",      "word-count", "latency",      "cost",
      "tokens",      "levenshtein", "similar",    "llm-rubric"};
  return types;
}

namespace {
const std::vector<std::string> k_case_keys = {"name",     "description", "vars",  "assert",
                                              "provider", "model",       "repeat"};
const std::vector<std::string> k_assertion_keys = {"type", "value", "threshold", "weight",
                                                   "min",  "max",   "provider",  "model"};
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
  TestCase test;
  test.location = m_reader.where(node);
  if (!node["name"]) {
    m_reader.error(node, "a test case needs a 'name'", "structure");
  } else {
    test.name = m_reader.string(node["name"], "'name'").value_or("");
  }
  if (node["description"]) {
    test.description = m_reader.string(node["description"], "'description'").value_or("");
  }
  if (const auto& vars = node["vars"]; vars && m_reader.expect_map(vars, "'vars'")) {
    test.vars = util::yaml_to_json(vars);
    for (const auto& entry : vars) {
      test.var_locations.emplace_back(entry.first.Scalar(), m_reader.where(entry.second));
    }
  }
  if (const auto& asserts = node["assert"]) {
    if (!asserts.IsSequence()) {
      m_reader.error(asserts, "'assert' must be a list of assertions", "type");
    } else {
      for (const YAML::Node& item : asserts) {
        if (auto assertion = read_assertion(item)) {
          test.assertions.push_back(std::move(*assertion));
        }
      }
    }
  }
  if (node["provider"]) {
    test.provider = m_reader.string(node["provider"], "'provider'");
  }
  if (node["model"]) {
    test.model = m_reader.string(node["model"], "'model'");
  }
  if (node["repeat"]) {
    auto repeat = m_reader.integer(node["repeat"], "'repeat'");
    if (repeat && (*repeat < 1 || *repeat > 1000)) {
      m_reader.error(node["repeat"], "'repeat' must be between 1 and 1000", "range");
    } else if (repeat) {
      test.repeat = static_cast<int>(*repeat);
    }
  }
  return test;
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
