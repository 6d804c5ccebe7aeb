// Assertions decided from the answer alone: the checks of each type and the wording of their
// reasons.
#include <algorithm>

#include "assertions/kinds.hpp"
#include "util/json_input.hpp"
#include "util/json_schema.hpp"
#include "util/regex.hpp"
#include "util/strings.hpp"

namespace promptctl::assertions_detail {

using util::number_text;

namespace {

// How long an answer excerpt in a reason may be.
constexpr std::size_t k_excerpt = 80;

bool negated(const Assertion& assertion) {
  return assertion.type.starts_with("not-");
}

std::string trimmed(std::string_view text) {
  return std::string(util::trim(text));
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::size_t word_count(std::string_view text) {
  return util::split_whitespace(text).size();
}

double answer_length(const Observation& observation) {
  return static_cast<double>(code_points(observation.output));
}

}  // namespace

std::string base_type(const Assertion& assertion) {
  return assertion.type.starts_with("not-") ? assertion.type.substr(4) : assertion.type;
}

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string excerpt(std::string_view text) {
  return "'" + util::printable(text, k_excerpt) + "'";
}

AssertionResult conclude(const Assertion& assertion, bool held, double score, std::string reason) {
  AssertionResult result;
  result.type = assertion.type;
  result.location = assertion.location;
  result.expected = assertion_field(assertion, "value");
  const json& weight = assertion_field(assertion, "weight");
  result.weight = weight.is_number() ? weight.get<double>() : 1.0;
  result.pass = negated(assertion) ? !held : held;
  result.score = negated(assertion) ? 1.0 - score : score;
  result.reason = std::move(reason);
  return result;
}

AssertionResult conclude(const Assertion& assertion, bool held, std::string reason) {
  return conclude(assertion, held, held ? 1.0 : 0.0, std::move(reason));
}

namespace {

// Bounds from min/max, or an exact value.
struct Bounds {
  std::optional<double> min;
  std::optional<double> max;
};
Bounds bounds_of(const Assertion& assertion) {
  Bounds bounds;
  const json& value = assertion_field(assertion, "value");
  const json& min = assertion_field(assertion, "min");
  const json& max = assertion_field(assertion, "max");
  if (min.is_number())
    bounds.min = min.get<double>();
  if (max.is_number())
    bounds.max = max.get<double>();
  if (value.is_number() && !bounds.min && !bounds.max) {
    bounds.min = bounds.max = value.get<double>();
  }
  return bounds;
}

AssertionResult check_bounds(const Assertion& assertion, std::optional<double> measured,
                             const std::string& what, const std::string& unit) {
  if (!measured) {
    return conclude(assertion, false, "the " + what + " is unknown");
  }
  Bounds bounds = bounds_of(assertion);
  bool held =
      (!bounds.min || *measured >= *bounds.min) && (!bounds.max || *measured <= *bounds.max);
  std::string range =
      bounds.min && bounds.max && *bounds.min == *bounds.max ? "exactly " + number_text(*bounds.min)
      : bounds.min && bounds.max
          ? "between " + number_text(*bounds.min) + " and " + number_text(*bounds.max)
      : bounds.min ? "at least " + number_text(*bounds.min)
                   : "at most " + number_text(bounds.max.value_or(0));
  return conclude(
      assertion, held,
      "the " + what + " is " + number_text(*measured) + unit + " (" + range + unit + " expected)");
}

// An upper bound: `value` or `max`.
AssertionResult check_limit(const Assertion& assertion, std::optional<double> measured,
                            const std::string& what, const std::string& unit) {
  const json& value = assertion_field(assertion, "value");
  Assertion as_max = assertion;
  if (value.is_number() && !assertion_field(assertion, "max").is_number()) {
    as_max.spec["max"] = value;
    as_max.spec.erase("value");
  }
  return check_bounds(as_max, measured, what, unit);
}

std::optional<json> parse_json(const std::string& output) {
  json parsed = util::parse_json_input(output);
  if (parsed.is_discarded()) {
    return std::nullopt;
  }
  return parsed;
}

AssertionResult check_equals(const Assertion& assertion, const std::string& output) {
  const json& value = assertion_field(assertion, "value");
  if (value.is_object() || value.is_array()) {
    auto parsed = parse_json(output);
    bool held = parsed && *parsed == value;
    return conclude(assertion, held,
                    parsed ? (held ? "the answer is that JSON value"
                                   : "the answer is the JSON value " + excerpt(parsed->dump()))
                           : "the answer is not JSON");
  }
  std::string expected = text_of(value);
  bool held = trimmed(output) == trimmed(expected);
  return conclude(assertion, held,
                  held ? "the answer is " + excerpt(expected) : "the answer is " + excerpt(output));
}

AssertionResult check_contains(const Assertion& assertion, const std::string& output,
                               bool ignore_case) {
  std::string needle = text_of(assertion_field(assertion, "value"));
  bool held = ignore_case ? util::to_lower(output).find(util::to_lower(needle)) != std::string::npos
                          : output.find(needle) != std::string::npos;
  return conclude(assertion, held,
                  std::string("the answer ") + (held ? "contains " : "does not contain ") +
                      excerpt(needle) + (ignore_case ? " (ignoring case)" : ""));
}

AssertionResult check_contains_set(const Assertion& assertion, const std::string& output,
                                   bool all) {
  std::vector<std::string> found;
  std::vector<std::string> missing;
  for (const json& item : assertion_field(assertion, "value")) {
    std::string needle = text_of(item);
    (output.find(needle) != std::string::npos ? found : missing).push_back(excerpt(needle));
  }
  std::size_t total = found.size() + missing.size();
  double score = total ? static_cast<double>(found.size()) / static_cast<double>(total) : 0;
  bool held = all ? missing.empty() : !found.empty();
  std::string reason = found.empty()     ? "the answer contains none of them"
                       : missing.empty() ? "the answer contains all of them"
                                         : "the answer contains " + util::join(found, ", ") +
                                               " but not " + util::join(missing, ", ");
  return conclude(assertion, held, all ? score : (held ? 1.0 : 0.0), reason);
}

AssertionResult check_regex(const Assertion& assertion, const std::string& output) {
  std::string pattern = text_of(assertion_field(assertion, "value"));
  std::optional<util::RegexMatch> match;
  try {
    match = util::Regex(pattern).find(output);
  } catch (const util::RegexError& e) {
    return conclude(assertion, false,
                    "the answer could not be checked against /" + pattern + "/: " + e.what());
  }
  return conclude(assertion, match.has_value(),
                  match ? "the answer matches /" + pattern + "/ at " +
                              excerpt(output.substr(match->begin, match->end - match->begin))
                        : "the answer does not match /" + pattern + "/");
}

AssertionResult check_json_schema(const Assertion& assertion, const std::string& output) {
  auto parsed = parse_json(output);
  if (!parsed) {
    return conclude(assertion, false, "the answer is not JSON");
  }
  auto violations = util::check_json_schema(assertion_field(assertion, "value"), *parsed);
  if (violations.empty()) {
    return conclude(assertion, true, "the answer conforms to the schema");
  }
  return conclude(assertion, false,
                  "the answer breaks the schema: " + util::describe_violations(violations));
}

AssertionResult check_levenshtein(const Assertion& assertion, const std::string& output) {
  std::string expected = text_of(assertion_field(assertion, "value"));
  const json& threshold = assertion_field(assertion, "threshold");
  double limit = threshold.is_number() ? threshold.get<double>() : 5;
  auto distance = static_cast<double>(levenshtein_distance(trimmed(output), trimmed(expected)));
  double longest = static_cast<double>(
      std::max({code_points(trimmed(output)), code_points(trimmed(expected)), std::size_t{1}}));
  return conclude(assertion, distance <= limit, 1.0 - std::min(1.0, distance / longest),
                  "the edit distance to " + excerpt(expected) + " is " + number_text(distance) +
                      " (at most " + number_text(limit) + " expected)");
}

}  // namespace

AssertionResult decide_equals(const Assertion& assertion, const Observation& observation) {
  return check_equals(assertion, observation.output);
}
AssertionResult decide_contains(const Assertion& assertion, const Observation& observation) {
  return check_contains(assertion, observation.output, false);
}
AssertionResult decide_icontains(const Assertion& assertion, const Observation& observation) {
  return check_contains(assertion, observation.output, true);
}
AssertionResult decide_contains_any(const Assertion& assertion, const Observation& observation) {
  return check_contains_set(assertion, observation.output, false);
}
AssertionResult decide_contains_all(const Assertion& assertion, const Observation& observation) {
  return check_contains_set(assertion, observation.output, true);
}
AssertionResult decide_regex(const Assertion& assertion, const Observation& observation) {
  return check_regex(assertion, observation.output);
}
AssertionResult decide_json_schema(const Assertion& assertion, const Observation& observation) {
  // The prompt's own output schema is for answers; a call of one of its tools is not one yet.
  if (assertion_field(assertion, "of_output").is_boolean() && observation.output.empty() &&
      !observation.tool_calls.empty()) {
    return conclude(assertion, true,
                    "the answer is a tool call, which the output schema is not for");
  }
  return check_json_schema(assertion, observation.output);
}
AssertionResult decide_levenshtein(const Assertion& assertion, const Observation& observation) {
  return check_levenshtein(assertion, observation.output);
}

AssertionResult decide_starts_with(const Assertion& assertion, const Observation& observation) {
  std::string prefix = text_of(assertion_field(assertion, "value"));
  bool held = trimmed(observation.output).starts_with(prefix);
  return conclude(assertion, held,
                  "the answer starts with " + excerpt(held ? prefix : trimmed(observation.output)));
}

AssertionResult decide_is_json(const Assertion& assertion, const Observation& observation) {
  bool held = parse_json(observation.output).has_value();
  return conclude(assertion, held, held ? "the answer is JSON" : "the answer is not JSON");
}

AssertionResult decide_min_length(const Assertion& assertion, const Observation& observation) {
  Assertion bounded = assertion;
  bounded.spec["min"] = assertion_field(assertion, "value");
  bounded.spec.erase("value");
  return check_bounds(bounded, answer_length(observation), "answer's length", " characters");
}

AssertionResult decide_max_length(const Assertion& assertion, const Observation& observation) {
  return check_limit(assertion, answer_length(observation), "answer's length", " characters");
}

AssertionResult decide_length(const Assertion& assertion, const Observation& observation) {
  return check_bounds(assertion, answer_length(observation), "answer's length", " characters");
}

AssertionResult decide_word_count(const Assertion& assertion, const Observation& observation) {
  return check_bounds(assertion, static_cast<double>(word_count(observation.output)), "word count",
                      "");
}

AssertionResult decide_latency(const Assertion& assertion, const Observation& observation) {
  return check_limit(assertion, observation.latency_ms, "latency", " ms");
}

AssertionResult decide_cost(const Assertion& assertion, const Observation& observation) {
  return check_limit(assertion, observation.cost, "cost", " USD");
}

AssertionResult decide_tokens(const Assertion& assertion, const Observation& observation) {
  std::optional<double> tokens;
  if (observation.output_tokens) {
    tokens = static_cast<double>(*observation.output_tokens);
  }
  return check_bounds(assertion, tokens, "answer's token count", "");
}

}  // namespace promptctl::assertions_detail
