// Invariants of assertions: edit distance is a metric, negation turns every verdict round, and
// a JSON Schema's own examples conform.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/testing.hpp"
#include "util/json_schema.hpp"

using namespace promptctl;

namespace {

rc::Gen<std::string> short_text() {
  return rc::gen::container<std::string>(rc::gen::element('a', 'b', 'c', ' ', 'x'));
}

RC_GTEST_PROP(AssertionProperties, EditDistanceIsAMetric, ()) {
  std::string a = *short_text();
  std::string b = *short_text();
  std::string c = *short_text();
  RC_ASSERT(levenshtein_distance(a, a) == 0U);
  RC_ASSERT(levenshtein_distance(a, b) == levenshtein_distance(b, a));
  RC_ASSERT(levenshtein_distance(a, c) <= levenshtein_distance(a, b) + levenshtein_distance(b, c));
  RC_ASSERT(levenshtein_distance(a, b) <= std::max(a.size(), b.size()));
}

RC_GTEST_PROP(AssertionProperties, NegationTurnsEveryVerdictRound, ()) {
  std::string type =
      *rc::gen::element<std::string>("contains", "icontains", "starts-with", "equals", "regex");
  std::string value = *short_text();
  Observation observation;
  observation.output = *short_text();
  Assertion plain;
  plain.type = type;
  plain.spec = {{"type", type}, {"value", value}};
  Assertion negated = plain;
  negated.type = "not-" + type;
  negated.spec["type"] = negated.type;
  AssertionResult yes = evaluate_assertion(plain, observation);
  AssertionResult no = evaluate_assertion(negated, observation);
  RC_ASSERT(yes.pass != no.pass);
  RC_ASSERT(yes.score + no.score == 1.0);
  RC_ASSERT(yes.reason == no.reason);
}

RC_GTEST_PROP(AssertionProperties, ValuesConformToTheirEnumAndConst, ()) {
  std::vector<int> choices = *rc::gen::nonEmpty<std::vector<int>>();
  nlohmann::json schema = {{"type", "integer"}, {"enum", choices}};
  int picked = *rc::gen::elementOf(choices);
  RC_ASSERT(util::check_json_schema(schema, picked).empty());
  RC_ASSERT(util::check_json_schema({{"const", picked}}, picked).empty());
  RC_ASSERT(!util::check_json_schema({{"const", picked}}, nlohmann::json(picked).dump()).empty());
}

}  // namespace
