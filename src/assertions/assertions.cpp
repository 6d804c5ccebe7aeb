// Assertions over an answer: what each type checks, and the problems of one as written.
#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

#include "promptctl/assertions.hpp"
#include "promptctl/check.hpp"
#include "util/json_input.hpp"
#include "util/json_schema.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

// How long an answer excerpt in a reason may be.
constexpr std::size_t k_excerpt = 80;

std::string base_type(const Assertion& assertion) {
  return assertion.type.starts_with("not-") ? assertion.type.substr(4) : assertion.type;
}

bool negated(const Assertion& assertion) {
  return assertion.type.starts_with("not-");
}

// A scalar as text: strings as they are, numbers and booleans as JSON writes them.
std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string excerpt(std::string_view text) {
  return "'" + util::printable(text, k_excerpt) + "'";
}

std::string trimmed(std::string_view text) {
  return std::string(util::trim(text));
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::size_t word_count(std::string_view text) {
  return util::split_whitespace(text).size();
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// The result of a check, turned round for "not-" assertions.
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
  std::string reason = found.empty() ? "the answer contains none of them"
                       : missing.empty()
                           ? "the answer contains all of them"
                           : "the answer contains " + joined(found) + " but not " + joined(missing);
  return conclude(assertion, held, all ? score : (held ? 1.0 : 0.0), reason);
}

AssertionResult check_regex(const Assertion& assertion, const std::string& output) {
  std::string pattern = text_of(assertion_field(assertion, "value"));
  std::smatch match;
  bool held = std::regex_search(output, match, std::regex(pattern));
  return conclude(assertion, held,
                  held ? "the answer matches /" + pattern + "/ at " + excerpt(match.str())
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
  const util::SchemaViolation& first = violations.front();
  std::string where = first.pointer.empty() ? "the answer" : "the answer at " + first.pointer;
  std::string more = violations.size() > 1
                         ? " (and " + std::to_string(violations.size() - 1) + " more problems)"
                         : "";
  return conclude(assertion, false, where + " " + first.message + more);
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

// Checks of a type's value, for assertion_problems.
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

void check_value_of(const std::string& type, const Assertion& assertion,
                    std::vector<std::string>& out) {
  const json& value = assertion_field(assertion, "value");
  if (type == "equals") {
    if (value.is_null()) {
      out.push_back("'equals' needs a 'value'");
    }
  } else if (type == "contains-any" || type == "contains-all") {
    if (!value.is_array() || value.empty() ||
        !std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_primitive(); })) {
      out.push_back("the 'value' of '" + type + "' must be a list of texts");
    }
  } else if (type == "regex") {
    need_text_value(assertion, out);
    try {
      std::regex check_pattern(text_of(value));
    } catch (const std::regex_error& e) {
      out.push_back("/" + text_of(value) + "/ is not a valid regular expression: " + e.what());
    }
  } else if (type == "json-schema") {
    if (value.is_object() || value.is_boolean()) {
      for (const std::string& problem : util::schema_problems(value)) {
        out.push_back(problem);
      }
    } else if (!value.is_string()) {
      out.push_back("the 'value' of 'json-schema' must be a schema or the path of a schema file");
    }
  } else if (type == "min-length" || type == "max-length") {
    need_number(assertion, "value", out, true);
  } else if (type == "length" || type == "word-count" || type == "tokens") {
    need_bounds(assertion, out);
  } else if (type == "latency" || type == "cost") {
    need_limit(assertion, out);
  } else if (type != "is-json") {
    need_text_value(assertion, out);
  }
}

void check_threshold(const std::string& type, const Assertion& assertion,
                     std::vector<std::string>& out) {
  const json& threshold = assertion_field(assertion, "threshold");
  if (threshold.is_null()) {
    return;
  }
  if (type == "levenshtein") {
    need_number(assertion, "threshold", out, false);
  } else if (type == "similar" || type == "llm-rubric") {
    if (!threshold.is_number() || threshold.get<double>() < -1 || threshold.get<double>() > 1) {
      out.push_back("'threshold' of '" + type + "' must be a number from " +
                    (type == "similar" ? "-1" : "0") + " to 1");
    }
  } else {
    out.push_back("'" + type + "' takes no 'threshold'");
  }
}

}  // namespace

const json& assertion_field(const Assertion& assertion, const char* name) {
  static const json null_value;
  auto found = assertion.spec.find(name);
  return found == assertion.spec.end() ? null_value : *found;
}

std::string assertion_text(const Assertion& assertion, const char* name) {
  const json& value = assertion_field(assertion, name);
  return value.is_null() ? "" : text_of(value);
}

std::optional<std::string> schema_file_of(const Assertion& assertion) {
  const json& value = assertion_field(assertion, "value");
  if (base_type(assertion) != "json-schema" || !value.is_string()) {
    return std::nullopt;
  }
  return value.get<std::string>();
}

const std::vector<std::string>& assertion_types() {
  static const std::vector<std::string> types = {
      "equals",      "contains",    "icontains",  "contains-any", "contains-all",
      "starts-with", "regex",       "is-json",    "json-schema",  "min-length",
      "max-length",  "length",      "word-count", "latency",      "cost",
      "tokens",      "levenshtein", "similar",    "llm-rubric"};
  return types;
}

std::vector<std::string> assertion_problems(const Assertion& assertion) {
  std::vector<std::string> problems;
  std::string type = base_type(assertion);
  check_value_of(type, assertion, problems);
  check_threshold(type, assertion, problems);
  need_number(assertion, "weight", problems, false);
  bool calls = type == "similar" || type == "llm-rubric";
  for (const char* key : {"provider", "model"}) {
    const json& value = assertion_field(assertion, key);
    if (!value.is_null() && (!calls || !value.is_string())) {
      problems.push_back(calls ? "'" + std::string(key) + "' must be text"
                               : "'" + type + "' takes no '" + key + "'");
    }
  }
  if (!assertion_field(assertion, "prompt").is_null() && type != "llm-rubric") {
    problems.push_back("only 'llm-rubric' takes a 'prompt'");
  }
  return problems;
}

bool needs_embedding(const Assertion& assertion) {
  return base_type(assertion) == "similar";
}
bool needs_judge(const Assertion& assertion) {
  return base_type(assertion) == "llm-rubric";
}

AssertionResult evaluate_assertion(const Assertion& assertion, const Observation& observation) {
  PROMPTCTL_CHECK(!needs_embedding(assertion) && !needs_judge(assertion));
  const std::string type = base_type(assertion);
  const std::string& output = observation.output;
  if (type == "equals")
    return check_equals(assertion, output);
  if (type == "contains")
    return check_contains(assertion, output, false);
  if (type == "icontains")
    return check_contains(assertion, output, true);
  if (type == "contains-any")
    return check_contains_set(assertion, output, false);
  if (type == "contains-all")
    return check_contains_set(assertion, output, true);
  if (type == "regex")
    return check_regex(assertion, output);
  if (type == "json-schema")
    return check_json_schema(assertion, output);
  if (type == "levenshtein")
    return check_levenshtein(assertion, output);
  if (type == "starts-with") {
    std::string prefix = text_of(assertion_field(assertion, "value"));
    bool held = trimmed(output).starts_with(prefix);
    return conclude(assertion, held,
                    "the answer starts with " + excerpt(held ? prefix : trimmed(output)));
  }
  if (type == "is-json") {
    bool held = parse_json(output).has_value();
    return conclude(assertion, held, held ? "the answer is JSON" : "the answer is not JSON");
  }
  auto length = static_cast<double>(code_points(output));
  if (type == "min-length") {
    Assertion bounded = assertion;
    bounded.spec["min"] = assertion_field(assertion, "value");
    bounded.spec.erase("value");
    return check_bounds(bounded, length, "answer's length", " characters");
  }
  if (type == "max-length") {
    return check_limit(assertion, length, "answer's length", " characters");
  }
  if (type == "length")
    return check_bounds(assertion, length, "answer's length", " characters");
  if (type == "word-count") {
    return check_bounds(assertion, static_cast<double>(word_count(output)), "word count", "");
  }
  if (type == "latency")
    return check_limit(assertion, observation.latency_ms, "latency", " ms");
  if (type == "cost")
    return check_limit(assertion, observation.cost, "cost", " USD");
  if (type == "tokens") {
    std::optional<double> tokens;
    if (observation.output_tokens) {
      tokens = static_cast<double>(*observation.output_tokens);
    }
    return check_bounds(assertion, tokens, "answer's token count", "");
  }
  PROMPTCTL_UNREACHABLE("every type in assertion_types() has its case here");
}

AssertionResult similarity_result(const Assertion& assertion, double cosine) {
  const json& threshold = assertion_field(assertion, "threshold");
  double limit = threshold.is_number() ? threshold.get<double>() : 0.8;
  std::ostringstream similarity;
  similarity.precision(3);
  similarity << cosine;
  return conclude(assertion, cosine >= limit, std::clamp(cosine, 0.0, 1.0),
                  "the similarity to " + excerpt(text_of(assertion_field(assertion, "value"))) +
                      " is " + similarity.str() + " (at least " + number_text(limit) +
                      " expected)");
}

AssertionResult rubric_result(const Assertion& assertion, const JudgeVerdict& verdict) {
  const json& threshold = assertion_field(assertion, "threshold");
  bool held = threshold.is_number() ? verdict.score >= threshold.get<double>() : verdict.pass;
  std::string reason =
      "the judge says: " + (verdict.reason.empty() ? "(no reason given)" : verdict.reason);
  if (threshold.is_number()) {
    reason += " (score " + number_text(verdict.score) + ", at least " +
              number_text(threshold.get<double>()) + " expected)";
  }
  return conclude(assertion, held, verdict.score, reason);
}

AssertionResult undecided_result(const Assertion& assertion, std::string why, ErrorKind kind) {
  AssertionResult result = conclude(assertion, false, std::move(why));
  result.pass = false;
  result.score = 0;
  result.undecided = true;
  result.undecided_kind = kind;
  return result;
}

std::size_t levenshtein_distance(std::string_view a, std::string_view b) {
  auto split = [](std::string_view text) {
    std::vector<std::string_view> characters;
    for (std::size_t i = 0; i < text.size();) {
      std::size_t length = 1;
      while (i + length < text.size() && (text[i + length] & 0xC0) == 0x80) {
        ++length;
      }
      characters.push_back(text.substr(i, length));
      i += length;
    }
    return characters;
  };
  std::vector<std::string_view> left = split(a);
  std::vector<std::string_view> right = split(b);
  std::vector<std::size_t> previous(right.size() + 1);
  std::vector<std::size_t> current(right.size() + 1);
  for (std::size_t j = 0; j <= right.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= left.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= right.size(); ++j) {
      std::size_t substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[right.size()];
}

double cosine_similarity(const std::vector<double>& a, const std::vector<double>& b) {
  double dot = 0;
  double norm_a = 0;
  double norm_b = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += a[i] * b[i];
    norm_a += a[i] * a[i];
    norm_b += b[i] * b[i];
  }
  if (norm_a == 0 || norm_b == 0) {
    return 0;
  }
  return dot / (std::sqrt(norm_a) * std::sqrt(norm_b));
}

}  // namespace promptctl
