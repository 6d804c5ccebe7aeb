// The table of assertion types, and the public calls that read it.
#include "assertions/kinds.hpp"

#include <array>

#include "promptctl/check.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace assertions_detail {
namespace {

// In the order `assertion_types()` lists them (and messages suggest them).
constexpr std::array k_assertion_kinds = {
    AssertionKind{"equals", need_any_value, Threshold::none, ExtraCall::none, decide_equals},
    AssertionKind{"contains", need_text_value, Threshold::none, ExtraCall::none, decide_contains},
    AssertionKind{"icontains", need_text_value, Threshold::none, ExtraCall::none, decide_icontains},
    AssertionKind{"contains-any", need_text_list, Threshold::none, ExtraCall::none,
                  decide_contains_any},
    AssertionKind{"contains-all", need_text_list, Threshold::none, ExtraCall::none,
                  decide_contains_all},
    AssertionKind{"starts-with", need_text_value, Threshold::none, ExtraCall::none,
                  decide_starts_with},
    AssertionKind{"regex", need_pattern, Threshold::none, ExtraCall::none, decide_regex},
    AssertionKind{"is-json", need_nothing, Threshold::none, ExtraCall::none, decide_is_json},
    AssertionKind{"json-schema", need_schema, Threshold::none, ExtraCall::none, decide_json_schema},
    AssertionKind{"min-length", need_count, Threshold::none, ExtraCall::none, decide_min_length},
    AssertionKind{"max-length", need_count, Threshold::none, ExtraCall::none, decide_max_length},
    AssertionKind{"length", need_bounds, Threshold::none, ExtraCall::none, decide_length},
    AssertionKind{"word-count", need_bounds, Threshold::none, ExtraCall::none, decide_word_count},
    AssertionKind{"latency", need_limit, Threshold::none, ExtraCall::none, decide_latency},
    AssertionKind{"cost", need_limit, Threshold::none, ExtraCall::none, decide_cost},
    AssertionKind{"tokens", need_bounds, Threshold::none, ExtraCall::none, decide_tokens},
    AssertionKind{"levenshtein", need_text_value, Threshold::distance, ExtraCall::none,
                  decide_levenshtein},
    AssertionKind{"tool-call", need_tool_call, Threshold::none, ExtraCall::none, decide_tool_call},
    AssertionKind{"no-tool-call", need_nothing, Threshold::none, ExtraCall::none,
                  decide_no_tool_call},
    AssertionKind{"similar", need_text_value, Threshold::cosine, ExtraCall::embedding, nullptr},
    AssertionKind{"llm-rubric", need_text_value, Threshold::score, ExtraCall::judge, nullptr},
};

// A row is decided either from the answer or from its extra call, never both or neither; and
// each name is used once. Checked here so that a new row cannot get it wrong.
constexpr bool rows_are_well_formed() {
  for (std::size_t i = 0; i < k_assertion_kinds.size(); ++i) {
    const AssertionKind& kind = k_assertion_kinds[i];
    if (kind.check_value == nullptr || kind.name.empty() || kind.name.starts_with("not-") ||
        (kind.decide == nullptr) == (kind.call == ExtraCall::none)) {
      return false;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (k_assertion_kinds[j].name == kind.name) {
        return false;
      }
    }
  }
  return true;
}
static_assert(rows_are_well_formed(),
              "each assertion type has one name, a value check, and exactly one way to decide");

void check_threshold(const AssertionKind& kind, const Assertion& assertion,
                     std::vector<std::string>& out) {
  const json& threshold = assertion_field(assertion, "threshold");
  if (threshold.is_null()) {
    return;
  }
  switch (kind.threshold) {
    case Threshold::none:
      out.push_back("'" + std::string(kind.name) + "' takes no 'threshold'");
      return;
    case Threshold::distance:
      need_number(assertion, "threshold", out, false);
      return;
    case Threshold::cosine:
    case Threshold::score: {
      double lowest = kind.threshold == Threshold::cosine ? -1 : 0;
      if (!threshold.is_number() || threshold.get<double>() < lowest ||
          threshold.get<double>() > 1) {
        out.push_back("'threshold' of '" + std::string(kind.name) + "' must be a number from " +
                      (kind.threshold == Threshold::cosine ? "-1" : "0") + " to 1");
      }
      return;
    }
  }
}

void check_call_settings(const AssertionKind& kind, const Assertion& assertion,
                         std::vector<std::string>& out) {
  bool calls = kind.call != ExtraCall::none;
  for (const char* key : {"provider", "model"}) {
    const json& value = assertion_field(assertion, key);
    if (!value.is_null() && (!calls || !value.is_string())) {
      out.push_back(calls ? "'" + std::string(key) + "' must be text"
                          : "'" + std::string(kind.name) + "' takes no '" + key + "'");
    }
  }
  if (!assertion_field(assertion, "prompt").is_null() && kind.call != ExtraCall::judge) {
    out.push_back("only 'llm-rubric' takes a 'prompt'");
  }
}

// The row of an assertion the reader has accepted; an unknown type here is a broken invariant.
const AssertionKind& kind_of(const Assertion& assertion) {
  const AssertionKind* kind = find_assertion_kind(assertion.type);
  PROMPTCTL_CHECK(kind != nullptr);
  return *kind;
}

}  // namespace

std::span<const AssertionKind> assertion_kinds() {
  return k_assertion_kinds;
}

const AssertionKind* find_assertion_kind(std::string_view type) {
  if (type.starts_with("not-")) {
    type.remove_prefix(4);
  }
  for (const AssertionKind& kind : k_assertion_kinds) {
    if (kind.name == type) {
      return &kind;
    }
  }
  return nullptr;
}

}  // namespace assertions_detail

using namespace assertions_detail;

const std::vector<std::string>& assertion_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> names;
    for (const AssertionKind& kind : assertion_kinds()) {
      names.emplace_back(kind.name);
    }
    return names;
  }();
  return types;
}

std::optional<std::string> schema_file_of(const Assertion& assertion) {
  const json& value = assertion_field(assertion, "value");
  if (base_type(assertion) != "json-schema" || !value.is_string()) {
    return std::nullopt;
  }
  return value.get<std::string>();
}

std::vector<std::string> assertion_problems(const Assertion& assertion) {
  const AssertionKind* kind = find_assertion_kind(assertion.type);
  if (kind == nullptr) {
    return {"unknown assertion type '" + util::printable(assertion.type) + "'"};
  }
  std::vector<std::string> problems;
  kind->check_value(assertion, problems);
  check_threshold(*kind, assertion, problems);
  need_number(assertion, "weight", problems, false);
  check_call_settings(*kind, assertion, problems);
  return problems;
}

bool needs_embedding(const Assertion& assertion) {
  const AssertionKind* kind = find_assertion_kind(assertion.type);
  return kind != nullptr && kind->call == ExtraCall::embedding;
}

bool needs_judge(const Assertion& assertion) {
  const AssertionKind* kind = find_assertion_kind(assertion.type);
  return kind != nullptr && kind->call == ExtraCall::judge;
}

AssertionResult evaluate_assertion(const Assertion& assertion, const Observation& observation) {
  const AssertionKind& kind = kind_of(assertion);
  PROMPTCTL_CHECK(kind.decide != nullptr);
  return kind.decide(assertion, observation);
}

}  // namespace promptctl
