// Assertions over a model's answer: the types there are, what each needs, and how each is
// decided. Pure functions of the assertion and the answer; the calls some types need (an
// embedding, a judge) are made by the test runner, which hands their results here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/error.hpp"

namespace promptctl {

/// One assertion of a test case, as written.
struct Assertion {
  std::string type;
  nlohmann::json spec;  ///< the whole assertion mapping, for the test runner
  SourceLocation location;
};

/// What a call produced, as assertions see it.
struct Observation {
  std::string output;
  /// The tools the model called, each {"id", "name", "arguments"}.
  nlohmann::json tool_calls = nlohmann::json::array();
  double latency_ms = 0;
  std::optional<double> cost;
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
};

struct AssertionResult {
  std::string type;  ///< as written, "not-contains" included
  bool pass = false;
  /// Nothing could be decided: the embedding or judge call it needed failed.
  bool undecided = false;
  /// Why, when undecided: provider for a failed call, invalid_input for a broken setting.
  ErrorKind undecided_kind = ErrorKind::provider;
  double score = 0;  ///< from 0 to 1
  double weight = 1;
  std::string reason;
  nlohmann::json expected;  ///< the value compared against, or null
  SourceLocation location;
};

/// A key of an assertion as written, or null.
const nlohmann::json& assertion_field(const Assertion& assertion, const char* name);
/// The same as text: "" when absent, other scalars as JSON writes them.
std::string assertion_text(const Assertion& assertion, const char* name);
/// The schema file a json-schema assertion names, or nothing when its schema is inline.
std::optional<std::string> schema_file_of(const Assertion& assertion);

/// The assertion types, without their "not-" forms.
const std::vector<std::string>& assertion_types();

/// What is wrong with an assertion as written (a missing value, a bad pattern or bound), one
/// message per problem; empty for a usable assertion. A json-schema given as a file is checked
/// once the file is read.
std::vector<std::string> assertion_problems(const Assertion& assertion);

/// Whether the assertion needs another call to decide: an embedding (`similar`) or a judge
/// (`llm-rubric`).
bool needs_embedding(const Assertion& assertion);
bool needs_judge(const Assertion& assertion);

/// Decides an assertion that needs no other call. Must not be given one that does.
AssertionResult evaluate_assertion(const Assertion& assertion, const Observation& observation);

/// Decides `similar` from the cosine similarity of the answer's and the value's embeddings.
AssertionResult similarity_result(const Assertion& assertion, double cosine);

/// A judge's decision on an answer.
struct JudgeVerdict {
  bool pass = false;
  double score = 0;
  std::string reason;
};
/// Reads a judge's answer: a JSON object with "pass" (or "score") and "reason", possibly inside
/// a fenced block or surrounded by prose; or text starting with PASS or FAIL. Nothing when
/// neither is there.
std::optional<JudgeVerdict> parse_judge_verdict(std::string_view answer);
/// Decides `llm-rubric` from the judge's verdict (its score against the threshold, if any).
AssertionResult rubric_result(const Assertion& assertion, const JudgeVerdict& verdict);

/// An assertion that could not be decided, why, and whose fault it was.
AssertionResult undecided_result(const Assertion& assertion, std::string why,
                                 ErrorKind kind = ErrorKind::provider);

/// Edit distance in characters (code points) between two texts.
std::size_t levenshtein_distance(std::string_view a, std::string_view b);
/// Cosine similarity of two vectors of the same length; 0 when either is all zero.
double cosine_similarity(const std::vector<double>& a, const std::vector<double>& b);

/// The built-in judge prompt's file, used when the repository has none of its own.
std::string_view builtin_judge_prompt();

}  // namespace promptctl
