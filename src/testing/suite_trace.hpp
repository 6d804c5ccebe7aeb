// A test run as a trace: a span for the run, a span per case under it, and the case's calls
// (its answer and its judges) under the case.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/execute.hpp"
#include "promptctl/telemetry.hpp"
#include "testing/plan.hpp"

namespace promptctl::testing_detail {

class SuiteTrace {
 public:
  /// Starts the run's span, and a span context for each of `cases`, whose calls it makes
  /// children of their case. Does nothing without a tracer that exports.
  SuiteTrace(telemetry::Tracer* tracer, std::vector<PlannedCase>& cases);

  /// Gives `chain`, a call made for case `index` (a judge's), the case's span as its parent.
  void adopt(std::size_t index, std::vector<ChatRequest>& chain) const;
  /// A call of case `index` finished: the case's span lasts from its first call's start to its
  /// last call's end.
  void call_finished(std::size_t index, const CallResult& call);
  /// The run's span, for calls that serve several cases (embeddings); none when not tracing.
  [[nodiscard]] std::optional<telemetry::TraceContext> run_context() const {
    return m_tracer ? std::optional(m_run) : std::nullopt;
  }
  /// Ends the case spans with their verdicts, then the run's span.
  void finish(const std::vector<PlannedCase>& cases);

 private:
  struct CaseSpan {
    telemetry::TraceContext context;
    std::int64_t start_unix_ns = 0;
    std::int64_t end_unix_ns = 0;
  };

  telemetry::Tracer* m_tracer = nullptr;  ///< null: nothing is traced
  telemetry::TraceContext m_run;
  std::int64_t m_run_start_unix_ns = 0;
  std::vector<CaseSpan> m_cases;
};

}  // namespace promptctl::testing_detail
