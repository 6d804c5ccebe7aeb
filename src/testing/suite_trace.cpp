#include "testing/suite_trace.hpp"

#include <algorithm>

namespace promptctl::testing_detail {

namespace {

constexpr std::int64_t k_ns_per_ms = 1'000'000;

// Written straight into the tracer's encoding: a suite of thousands of cases has a span each.
telemetry::EncodedSpan case_span(const PlannedCase& planned, const telemetry::TraceContext& context,
                                 const std::string& parent, std::int64_t start, std::int64_t end,
                                 telemetry::OtlpEncoding encoding) {
  const CaseResult& result = planned.result;
  std::string name = "test " + result.prompt;
  telemetry::SpanWriter span(encoding, {context, parent, name, telemetry::SpanKind::internal, start,
                                        std::max(start, end)});
  span.add("gen_ai.prompt.name", result.prompt);
  span.add("promptctl.test.name", result.test);
  span.add("promptctl.test.case", result.label(true));
  span.add("gen_ai.evaluation.name", "promptctl.test");
  span.add("gen_ai.evaluation.score.label", to_string(result.status));
  if (result.status != CaseStatus::error) {
    span.add("gen_ai.evaluation.score.value", result.score);
  }
  if (result.run_id) {
    span.add("promptctl.run.id", *result.run_id);
  }
  if (result.status == CaseStatus::pass) {
    return std::move(span).finish(telemetry::SpanStatus::ok, {});
  }
  return std::move(span).finish(telemetry::SpanStatus::error, result.status == CaseStatus::fail
                                                                  ? "the case failed"
                                                                  : std::string_view(result.error));
}

}  // namespace

SuiteTrace::SuiteTrace(telemetry::Tracer* tracer, std::vector<PlannedCase>& cases) {
  if (!tracer || !tracer->exporting()) {
    return;
  }
  m_tracer = tracer;
  m_run = tracer->start_span(std::nullopt);
  m_run_start_unix_ns = telemetry::now_unix_ns();
  m_cases.resize(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    m_cases[i].context = tracer->start_span(m_run);
    adopt(i, cases[i].chain);
  }
}

void SuiteTrace::adopt(std::size_t index, std::vector<ChatRequest>& chain) const {
  if (!m_tracer) {
    return;
  }
  for (ChatRequest& request : chain) {
    request.trace_parent = m_cases[index].context;
  }
}

void SuiteTrace::call_finished(std::size_t index, const CallResult& call) {
  if (!m_tracer) {
    return;
  }
  CaseSpan& span = m_cases[index];
  std::int64_t start = call.started_ms * k_ns_per_ms;
  if (span.start_unix_ns == 0 || (start != 0 && start < span.start_unix_ns)) {
    span.start_unix_ns = start;
  }
  span.end_unix_ns = std::max(span.end_unix_ns, telemetry::now_unix_ns());
}

void SuiteTrace::finish(const std::vector<PlannedCase>& cases) {
  if (!m_tracer) {
    return;
  }
  std::int64_t now = telemetry::now_unix_ns();
  std::int64_t passed = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CaseSpan& span = m_cases[i];
    std::int64_t start = span.start_unix_ns ? span.start_unix_ns : m_run_start_unix_ns;
    std::int64_t end = span.end_unix_ns ? span.end_unix_ns : now;
    if (m_tracer->exports(span.context)) {
      m_tracer->end(case_span(cases[i], span.context, m_run.span_id, start, end,
                              m_tracer->settings().encoding));
    }
    passed += cases[i].result.status == CaseStatus::pass ? 1 : 0;
  }
  telemetry::Span run;
  run.context = m_run;
  run.parent_span_id = m_tracer->parent_span_id(std::nullopt);
  run.name = "promptctl test";
  run.start_unix_ns = m_run_start_unix_ns;
  run.end_unix_ns = now;
  run.attributes = {{"promptctl.test.cases", static_cast<std::int64_t>(cases.size())},
                    {"promptctl.test.passed", passed}};
  run.status = passed == static_cast<std::int64_t>(cases.size()) ? telemetry::SpanStatus::ok
                                                                 : telemetry::SpanStatus::error;
  m_tracer->end(std::move(run));
}

}  // namespace promptctl::testing_detail
