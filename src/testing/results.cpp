// Results of a run: identity across revisions, ordering, the summary.
#include <algorithm>
#include <map>

#include "promptctl/testing.hpp"

namespace promptctl {

std::string_view to_string(CaseStatus status) {
  switch (status) {
    case CaseStatus::pass:
      return "pass";
    case CaseStatus::fail:
      return "fail";
    case CaseStatus::error:
      return "error";
  }
  return "error";
}

std::string CaseResult::key() const {
  return prompt + "\n" + test + "\n" + std::to_string(row) + "\n" + std::to_string(repetition) +
         "\n" + model;
}

std::string CaseResult::label(bool with_model) const {
  std::string text = test;
  if (row > 0) {
    text += " [row " + std::to_string(row) + "]";
  }
  if (repetition > 1) {
    text += " (#" + std::to_string(repetition) + ")";
  }
  if (with_model && !model.empty()) {
    text += " <" + model + ">";
  }
  return text;
}

void compare_with_baseline(std::vector<CaseResult>& current,
                           const std::vector<CaseResult>& baseline) {
  std::map<std::string, CaseStatus> before;
  for (const CaseResult& result : baseline) {
    before.emplace(result.key(), result.status);
  }
  for (CaseResult& result : current) {
    auto found = before.find(result.key());
    result.baseline = found == before.end() ? "" : std::string(to_string(found->second));
  }
}

void order_for_report(std::vector<CaseResult>& results) {
  auto rank = [](const CaseResult& result) {
    if (result.regressed())
      return 0;
    if (result.status == CaseStatus::fail)
      return 1;
    if (result.status == CaseStatus::error)
      return 2;
    return 3;
  };
  std::stable_sort(results.begin(), results.end(),
                   [&](const CaseResult& a, const CaseResult& b) { return rank(a) < rank(b); });
}

TestSummary summarize(const std::vector<CaseResult>& results, std::int64_t started_ms,
                      double duration_ms) {
  TestSummary summary;
  summary.started_ms = started_ms;
  summary.total = results.size();
  summary.duration_ms = duration_ms;
  for (const CaseResult& result : results) {
    summary.passed += result.status == CaseStatus::pass ? 1 : 0;
    summary.failed += result.status == CaseStatus::fail ? 1 : 0;
    summary.errors += result.status == CaseStatus::error ? 1 : 0;
    summary.input_errors +=
        result.status == CaseStatus::error && result.error_kind != ErrorKind::provider ? 1 : 0;
    summary.regressions += result.regressed() ? 1 : 0;
    if (result.cost) {
      summary.cost = summary.cost.value_or(0) + *result.cost;
    }
  }
  return summary;
}

}  // namespace promptctl
