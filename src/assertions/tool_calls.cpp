// Assertions on the tools a model called: `tool-call` (a call of a tool, with arguments that
// hold given values or fit a schema) and `no-tool-call`.
#include <algorithm>

#include "assertions/kinds.hpp"
#include "util/json_schema.hpp"
#include "util/strings.hpp"

namespace promptctl::assertions_detail {
namespace {

const std::vector<std::string> k_expected_call_keys = {"name", "arguments", "schema"};

// Whether `actual` holds every key of `expected` with an equal value, objects compared the same
// way at every depth: the arguments a test names, whatever else the model added.
bool holds(const json& actual, const json& expected) {
  if (!expected.is_object()) {
    return actual == expected;
  }
  if (!actual.is_object()) {
    return false;
  }
  for (const auto& [key, value] : expected.items()) {
    if (!actual.contains(key) || !holds(actual[key], value)) {
      return false;
    }
  }
  return true;
}

// Why a call does not match what the assertion expects, or "" when it does.
std::string mismatch(const json& call, const json& expected) {
  const json& arguments = call.contains("arguments") ? call["arguments"] : json();
  if (expected.contains("arguments") && !holds(arguments, expected["arguments"])) {
    return "its arguments " + arguments.dump() + " do not hold " + expected["arguments"].dump();
  }
  if (expected.contains("schema")) {
    std::vector<util::SchemaViolation> violations =
        util::check_json_schema(expected["schema"], arguments);
    if (!violations.empty()) {
      return "its arguments break the schema: " + util::describe_violations(violations);
    }
  }
  return "";
}

// The expected call as written: a tool's name, or {name, arguments, schema}; null for any call.
json expected_call(const Assertion& assertion) {
  const json& value = assertion_field(assertion, "value");
  return value.is_string() ? json{{"name", value}} : value;
}

std::string call_names(const json& calls) {
  std::vector<std::string> names;
  for (const json& call : calls) {
    names.push_back(call.value("name", ""));
  }
  return util::join(names, ", ");
}

}  // namespace

void need_tool_call(const Assertion& assertion, std::vector<std::string>& out) {
  const json& value = assertion_field(assertion, "value");
  if (value.is_null() || value.is_string()) {
    return;
  }
  if (!value.is_object()) {
    out.push_back("the 'value' of '" + assertion.type +
                  "' is a tool's name or {name, arguments, schema}");
    return;
  }
  for (const auto& [key, item] : value.items()) {
    if (std::find(k_expected_call_keys.begin(), k_expected_call_keys.end(), key) ==
        k_expected_call_keys.end()) {
      out.push_back("unknown key '" + key + "' in the 'value' of '" + assertion.type +
                    "': name, arguments or schema" + util::did_you_mean(key, k_expected_call_keys));
    }
  }
  if (value.contains("name") && !value["name"].is_string()) {
    out.push_back("the tool's 'name' must be text");
  }
  if (value.contains("arguments") && !value["arguments"].is_object()) {
    out.push_back("the expected 'arguments' must be a mapping");
  }
  if (value.contains("schema")) {
    for (const std::string& problem : util::schema_problems(value["schema"])) {
      out.push_back("the arguments' schema: " + problem);
    }
  }
}

AssertionResult decide_tool_call(const Assertion& assertion, const Observation& observation) {
  const json& calls = observation.tool_calls;
  json expected = expected_call(assertion);
  if (calls.empty()) {
    return conclude(assertion, false, "the model called no tool");
  }
  std::string name = expected.is_object() ? expected.value("name", "") : "";
  std::string why;
  for (const json& call : calls) {
    if (!name.empty() && call.value("name", "") != name) {
      continue;
    }
    if (!expected.is_object()) {
      return conclude(assertion, true, "the model called " + call_names(calls));
    }
    std::string wrong = mismatch(call, expected);
    if (wrong.empty()) {
      return conclude(assertion, true,
                      "the model called " + util::visible(call.value("name", "")) +
                          " with arguments " + call.value("arguments", json::object()).dump());
    }
    why = why.empty() ? wrong : why;
  }
  std::string called = "the model called " + util::visible(call_names(calls));
  return conclude(assertion, false,
                  why.empty() ? called + ", not " + util::visible(name) : called + ", but " + why);
}

AssertionResult decide_no_tool_call(const Assertion& assertion, const Observation& observation) {
  bool none = observation.tool_calls.empty();
  return conclude(assertion, none,
                  none ? "the model called no tool"
                       : "the model called " + util::visible(call_names(observation.tool_calls)));
}

}  // namespace promptctl::assertions_detail
