// Assertions decided from another call's result (an embedding, a judge), undecided ones, and
// the measures they use. The types themselves are in kinds.cpp.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "assertions/kinds.hpp"
#include "promptctl/assertions.hpp"
#include "util/strings.hpp"

namespace promptctl {
using assertions_detail::conclude;
using assertions_detail::excerpt;
using assertions_detail::text_of;
using nlohmann::json;
using util::number_text;

const json& assertion_field(const Assertion& assertion, const char* name) {
  static const json null_value;
  auto found = assertion.spec.find(name);
  return found == assertion.spec.end() ? null_value : *found;
}

std::string assertion_text(const Assertion& assertion, const char* name) {
  const json& value = assertion_field(assertion, name);
  return value.is_null() ? "" : text_of(value);
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
