// Comparing two variants over paired cases.
#include <algorithm>
#include <map>
#include <tuple>

#include "promptctl/compare.hpp"
#include "promptctl/error.hpp"

namespace promptctl {
namespace {

using stats::Interval;

bool decided(const CaseResult& result) {
  return result.status != CaseStatus::error;
}

double tokens_of(const CaseResult& result) {
  return static_cast<double>(result.input_tokens.value_or(0) + result.output_tokens.value_or(0));
}

// What pairs a case with its counterpart: not the prompt or model, which are what differ.
std::tuple<std::string, std::size_t, int> pair_key(const CaseResult& result) {
  return {result.test, result.row, result.repetition};
}

nlohmann::json interval_json(const Interval& interval) {
  return {interval.low, interval.high};
}

VariantFigures figures_of(const std::vector<CaseResult>& results, std::string label) {
  VariantFigures out;
  out.label = std::move(label);
  out.cases = results.size();
  std::vector<double> tokens;
  std::vector<double> costs;
  for (const CaseResult& result : results) {
    if (!decided(result)) {
      ++out.errors;
      continue;
    }
    (result.status == CaseStatus::pass ? out.passed : out.failed) += 1;
    out.latencies_ms.push_back(result.latency_ms);
    tokens.push_back(tokens_of(result));
    if (result.cost) {
      costs.push_back(*result.cost);
    }
  }
  out.pass_interval = stats::wilson_interval(static_cast<std::int64_t>(out.passed),
                                             static_cast<std::int64_t>(out.passed + out.failed));
  out.latency_mean_ms = stats::mean(out.latencies_ms);
  out.latency_p95_ms = stats::quantile(out.latencies_ms, 0.95);
  out.latency_interval = stats::bootstrap_mean_interval(out.latencies_ms);
  out.tokens_mean = stats::mean(tokens);
  out.tokens_interval = stats::bootstrap_mean_interval(tokens);
  if (!costs.empty()) {
    out.cost_mean = stats::mean(costs);
    out.cost_interval = stats::bootstrap_mean_interval(costs);
  }
  return out;
}

// A metric over the pairs: its value under each variant, the paired bootstrap interval of the
// difference, the paired test, and the verdict.
MetricComparison compare_metric(const std::string& metric, bool higher_is_better,
                                const std::vector<double>& a, const std::vector<double>& b,
                                double alpha, bool binary) {
  MetricComparison out;
  out.metric = metric;
  out.higher_is_better = higher_is_better;
  out.pairs = a.size();
  out.a = stats::mean(a);
  out.b = stats::mean(b);
  out.difference = out.b - out.a;
  out.difference_interval = stats::paired_bootstrap_interval(a, b);
  if (binary) {
    std::int64_t a_only = 0;
    std::int64_t b_only = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      a_only += a[i] > b[i] ? 1 : 0;
      b_only += b[i] > a[i] ? 1 : 0;
    }
    out.test = stats::exact_mcnemar(a_only, b_only, static_cast<std::int64_t>(a.size()));
  } else {
    std::vector<double> differences;
    for (size_t i = 0; i < a.size(); ++i) {
      differences.push_back(b[i] - a[i]);
    }
    out.test = stats::wilcoxon_signed_rank(differences);
  }
  if (out.pairs > 0 && out.test.p_value < alpha && out.difference != 0) {
    bool b_higher = out.difference > 0;
    out.verdict = b_higher == higher_is_better ? Difference::better : Difference::worse;
  }
  return out;
}

}  // namespace

double VariantFigures::pass_rate() const {
  std::size_t decided_cases = passed + failed;
  return decided_cases == 0 ? 0 : static_cast<double>(passed) / static_cast<double>(decided_cases);
}

nlohmann::json VariantFigures::to_json() const {
  return {
      {"label", label},
      {"cases", cases},
      {"passed", passed},
      {"failed", failed},
      {"errors", errors},
      {"pass_rate", pass_rate()},
      {"pass_rate_interval", interval_json(pass_interval)},
      {"latency_mean_ms", latency_mean_ms},
      {"latency_mean_interval", interval_json(latency_interval)},
      {"latency_p95_ms", latency_p95_ms},
      {"tokens_mean", tokens_mean},
      {"tokens_mean_interval", interval_json(tokens_interval)},
      {"cost_mean", cost_mean ? nlohmann::json(*cost_mean) : nlohmann::json(nullptr)},
      {"cost_mean_interval", cost_mean ? interval_json(cost_interval) : nlohmann::json(nullptr)}};
}

const char* to_string(Difference difference) {
  switch (difference) {
    case Difference::better:
      return "better";
    case Difference::worse:
      return "worse";
    case Difference::none:
      return "no significant difference";
  }
  return "no significant difference";
}

nlohmann::json MetricComparison::to_json() const {
  return {{"metric", metric},
          {"higher_is_better", higher_is_better},
          {"pairs", pairs},
          {"a", a},
          {"b", b},
          {"difference", difference},
          {"difference_interval", interval_json(difference_interval)},
          {"test", test.method},
          {"statistic", test.statistic},
          {"p_value", test.p_value},
          {"effect", test.effect},
          {"effect_name", test.effect_name},
          {"verdict", to_string(verdict)}};
}

const MetricComparison& Comparison::primary_metric() const {
  for (const MetricComparison& metric : metrics) {
    if (metric.metric == primary) {
      return metric;
    }
  }
  return metrics.front();
}

nlohmann::json Comparison::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const MetricComparison& metric : metrics) {
    list.push_back(metric.to_json());
  }
  nlohmann::json left_out = nlohmann::json::array();
  for (const UnpairedCase& unpaired_case : unpaired) {
    left_out.push_back(unpaired_case.to_json());
  }
  return {{"a", a.to_json()}, {"b", b.to_json()},
          {"alpha", alpha},   {"primary", primary},
          {"seed", seed},     {"verdict", to_string(primary_metric().verdict)},
          {"metrics", list},  {"unpaired", left_out}};
}

nlohmann::json UnpairedCase::to_json() const {
  return {{"variant", variant}, {"case", label}, {"reason", reason}};
}

std::vector<UnpairedCase> unpaired_cases(const PairedResults& paired) {
  std::vector<UnpairedCase> out;
  auto add = [&](const std::vector<CaseResult>& only, const char* side, const char* other) {
    for (const CaseResult& result : only) {
      std::string reason = result.error.empty() ? std::string(other) + " has no such case"
                                                : "the test cannot run here: " + result.error;
      out.push_back({side, result.label(false), result.test, result.row, std::move(reason)});
    }
  };
  add(paired.only_a, "a", "B");
  add(paired.only_b, "b", "A");
  return out;
}

const std::vector<std::string>& comparison_metrics() {
  static const std::vector<std::string> names = {"pass_rate", "latency_ms", "tokens", "cost"};
  return names;
}

Comparison compare_variants(const std::vector<CaseResult>& a, const std::vector<CaseResult>& b,
                            std::string a_label, std::string b_label, const std::string& primary,
                            double alpha) {
  const auto& known = comparison_metrics();
  if (std::find(known.begin(), known.end(), primary) == known.end()) {
    throw Error(ErrorKind::usage,
                "unknown metric '" + primary + "'; choose pass_rate, latency_ms, tokens or cost");
  }
  if (!(alpha > 0 && alpha < 1)) {
    throw Error(ErrorKind::usage, "alpha must be between 0 and 1");
  }
  Comparison out;
  out.alpha = alpha;
  out.primary = primary;
  out.a = figures_of(a, std::move(a_label));
  out.b = figures_of(b, std::move(b_label));
  std::map<std::tuple<std::string, std::size_t, int>, const CaseResult*> by_key;
  for (const CaseResult& result : a) {
    if (decided(result)) {
      by_key[pair_key(result)] = &result;
    }
  }
  std::vector<double> pass_a, pass_b, latency_a, latency_b, tokens_a, tokens_b, cost_a, cost_b;
  for (const CaseResult& result : b) {
    auto it = by_key.find(pair_key(result));
    if (!decided(result) || it == by_key.end()) {
      continue;
    }
    const CaseResult& other = *it->second;
    pass_a.push_back(other.status == CaseStatus::pass ? 1 : 0);
    pass_b.push_back(result.status == CaseStatus::pass ? 1 : 0);
    latency_a.push_back(other.latency_ms);
    latency_b.push_back(result.latency_ms);
    tokens_a.push_back(tokens_of(other));
    tokens_b.push_back(tokens_of(result));
    if (other.cost && result.cost) {
      cost_a.push_back(*other.cost);
      cost_b.push_back(*result.cost);
    }
  }
  out.metrics.push_back(compare_metric("pass_rate", true, pass_a, pass_b, alpha, true));
  out.metrics.push_back(compare_metric("latency_ms", false, latency_a, latency_b, alpha, false));
  out.metrics.push_back(compare_metric("tokens", false, tokens_a, tokens_b, alpha, false));
  if (!cost_a.empty() || primary == "cost") {
    out.metrics.push_back(compare_metric("cost", false, cost_a, cost_b, alpha, false));
  }
  return out;
}

}  // namespace promptctl
