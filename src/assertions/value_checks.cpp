// Checks of an assertion's value and bounds as written, one function per kind of value; the
// table of types (kinds.cpp) says which one each type uses.
#include <algorithm>

#include "assertions/kinds.hpp"
#include "util/json_schema.hpp"
#include "util/regex.hpp"

namespace promptctl::assertions_detail {

void need_nothing(const Assertion&, std::vector<std::string>&) {}

void need_any_value(const Assertion& assertion, std::vector<std::string>& out) {
  if (assertion_field(assertion, "value").is_null()) {
    out.push_back("'" + base_type(assertion) + "' needs a 'value'");
  }
}

void need_text_value(const Assertion& assertion, std::vector<std::string>& out) {
  const json& value = assertion_field(assertion, "value");
  if (value.is_null()) {
    out.push_back("'" + assertion.type + "' needs a 'value'");
  } else if (!value.is_primitive()) {
    out.push_back("the 'value' of '" + assertion.type + "' must be text");
  }
}

void need_number(const Assertion& assertion, const char* name, std::vector<std::string>& out,
                 bool required) {
  const json& value = assertion_field(assertion, name);
  if (value.is_null()) {
    if (required) {
      out.push_back("'" + assertion.type + "' needs '" + name + "'");
    }
  } else if (!value.is_number() || value.get<double>() < 0) {
    out.push_back("'" + std::string(name) + "' of '" + assertion.type +
                  "' must be a number of at least 0");
  }
}

void need_bounds(const Assertion& assertion, std::vector<std::string>& out) {
  need_number(assertion, "min", out, false);
  need_number(assertion, "max", out, false);
  need_number(assertion, "value", out, false);
  bool has_min = assertion_field(assertion, "min").is_number();
  bool has_max = assertion_field(assertion, "max").is_number();
  if (!has_min && !has_max && !assertion_field(assertion, "value").is_number()) {
    out.push_back("'" + assertion.type + "' needs 'min', 'max' or both (or an exact 'value')");
  } else if (has_min && has_max &&
             assertion_field(assertion, "min").get<double>() >
                 assertion_field(assertion, "max").get<double>()) {
    out.push_back("'min' is more than 'max' in '" + assertion.type + "'");
  }
}

void need_limit(const Assertion& assertion, std::vector<std::string>& out) {
  need_number(assertion, "value", out, false);
  need_number(assertion, "max", out, false);
  if (!assertion_field(assertion, "value").is_number() &&
      !assertion_field(assertion, "max").is_number()) {
    out.push_back("'" + assertion.type + "' needs a 'value' (the most allowed)");
  }
}

void need_text_list(const Assertion& assertion, std::vector<std::string>& out) {
  const json& value = assertion_field(assertion, "value");
  if (!value.is_array() || value.empty() ||
      !std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_primitive(); })) {
    out.push_back("the 'value' of '" + base_type(assertion) + "' must be a list of texts");
  }
}

void need_pattern(const Assertion& assertion, std::vector<std::string>& out) {
  need_text_value(assertion, out);
  const json& value = assertion_field(assertion, "value");
  try {
    (void)util::Regex(text_of(value));
  } catch (const util::RegexError& e) {
    out.push_back("/" + text_of(value) + "/ is not a valid regular expression: " + e.what());
  }
}

void need_schema(const Assertion& assertion, std::vector<std::string>& out) {
  const json& value = assertion_field(assertion, "value");
  if (value.is_object() || value.is_boolean()) {
    for (const std::string& problem : util::schema_problems(value)) {
      out.push_back(problem);
    }
  } else if (!value.is_string()) {
    out.push_back("the 'value' of 'json-schema' must be a schema or the path of a schema file");
  }
}

void need_count(const Assertion& assertion, std::vector<std::string>& out) {
  need_number(assertion, "value", out, true);
}

}  // namespace promptctl::assertions_detail
