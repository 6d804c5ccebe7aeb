// The assertion types as one table: each type's name, the settings it takes and how it is
// decided. Adding a type is adding one row to `k_assertion_kinds` (kinds.cpp) and its functions;
// the public calls of promptctl/assertions.hpp all read the table.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/assertions.hpp"

namespace promptctl::assertions_detail {

using nlohmann::json;

/// What a `threshold` means for a type, if it takes one.
enum class Threshold {
  none,      ///< the type takes no threshold
  distance,  ///< a number of at least 0 (an edit distance)
  cosine,    ///< a cosine similarity, from -1 to 1
  score,     ///< a judge's score, from 0 to 1
};

/// The call a type needs besides the answer, made by the test runner.
enum class ExtraCall { none, embedding, judge };

/// Adds what is wrong with the assertion's `value` (and bounds) to the list.
using ValueCheck = void (*)(const Assertion&, std::vector<std::string>&);
/// Decides an assertion from the answer alone.
using Decision = AssertionResult (*)(const Assertion&, const Observation&);

struct AssertionKind {
  std::string_view name;
  ValueCheck check_value;
  Threshold threshold;
  ExtraCall call;
  /// Null exactly when `call` is not `none`: those are decided from the call's result.
  Decision decide;
};

std::span<const AssertionKind> assertion_kinds();
/// The row of a type, "not-" forms included; null for an unknown type.
const AssertionKind* find_assertion_kind(std::string_view type);

// Shared by the checks and decisions.
std::string base_type(const Assertion& assertion);
std::string text_of(const json& value);  ///< strings as they are, other scalars as JSON
std::string excerpt(std::string_view text);
/// The result of a check, turned round for "not-" assertions.
AssertionResult conclude(const Assertion& assertion, bool held, double score, std::string reason);
AssertionResult conclude(const Assertion& assertion, bool held, std::string reason);

// Checks of a type's value (value_checks.cpp).
void need_number(const Assertion& assertion, const char* name, std::vector<std::string>& out,
                 bool required);
void need_nothing(const Assertion& assertion, std::vector<std::string>& out);
void need_any_value(const Assertion& assertion, std::vector<std::string>& out);
void need_text_value(const Assertion& assertion, std::vector<std::string>& out);
void need_text_list(const Assertion& assertion, std::vector<std::string>& out);
void need_pattern(const Assertion& assertion, std::vector<std::string>& out);
void need_schema(const Assertion& assertion, std::vector<std::string>& out);
void need_count(const Assertion& assertion, std::vector<std::string>& out);
void need_bounds(const Assertion& assertion, std::vector<std::string>& out);
void need_limit(const Assertion& assertion, std::vector<std::string>& out);
void need_tool_call(const Assertion& assertion, std::vector<std::string>& out);

// Decisions from the answer alone (decisions.cpp).
AssertionResult decide_equals(const Assertion& assertion, const Observation& observation);
AssertionResult decide_contains(const Assertion& assertion, const Observation& observation);
AssertionResult decide_icontains(const Assertion& assertion, const Observation& observation);
AssertionResult decide_contains_any(const Assertion& assertion, const Observation& observation);
AssertionResult decide_contains_all(const Assertion& assertion, const Observation& observation);
AssertionResult decide_starts_with(const Assertion& assertion, const Observation& observation);
AssertionResult decide_regex(const Assertion& assertion, const Observation& observation);
AssertionResult decide_is_json(const Assertion& assertion, const Observation& observation);
AssertionResult decide_json_schema(const Assertion& assertion, const Observation& observation);
AssertionResult decide_min_length(const Assertion& assertion, const Observation& observation);
AssertionResult decide_max_length(const Assertion& assertion, const Observation& observation);
AssertionResult decide_length(const Assertion& assertion, const Observation& observation);
AssertionResult decide_word_count(const Assertion& assertion, const Observation& observation);
AssertionResult decide_latency(const Assertion& assertion, const Observation& observation);
AssertionResult decide_cost(const Assertion& assertion, const Observation& observation);
AssertionResult decide_tokens(const Assertion& assertion, const Observation& observation);
AssertionResult decide_levenshtein(const Assertion& assertion, const Observation& observation);

// Decisions on the tools the model called (tool_calls.cpp).
AssertionResult decide_tool_call(const Assertion& assertion, const Observation& observation);
AssertionResult decide_no_tool_call(const Assertion& assertion, const Observation& observation);

}  // namespace promptctl::assertions_detail
