// Comparing two variants (prompt versions or models) run over the same cases: per-variant
// figures with intervals, and a paired test for each difference.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/statistics.hpp"
#include "promptctl/testing.hpp"

namespace promptctl {

/// What one variant did over its cases.
struct VariantFigures {
  std::string label;
  std::size_t cases = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t errors = 0;         ///< cases without a verdict, left out of the pass rate
  stats::Interval pass_interval;  ///< Wilson, over the decided cases
  double latency_mean_ms = 0;
  double latency_p95_ms = 0;
  stats::Interval latency_interval;  ///< bootstrap interval of the mean
  double tokens_mean = 0;            ///< input and output tokens per case, where reported
  stats::Interval tokens_interval;
  std::optional<double> cost_mean;  ///< US dollars per case, where priced
  stats::Interval cost_interval;
  std::vector<double> latencies_ms;  ///< every decided case's latency, for charts

  [[nodiscard]] double pass_rate() const;
  [[nodiscard]] nlohmann::json to_json() const;
};

enum class Difference { better, worse, none };

/// One metric compared over the pairs of cases both variants decided.
struct MetricComparison {
  std::string metric;  ///< "pass_rate", "latency_ms", "tokens" or "cost"
  bool higher_is_better = true;
  std::size_t pairs = 0;
  double a = 0;  ///< the mean under A over the pairs
  double b = 0;
  double difference = 0;                  ///< b - a
  stats::Interval difference_interval;    ///< paired bootstrap
  stats::TestResult test;                 ///< exact McNemar for pass/fail, else Wilcoxon
  Difference verdict = Difference::none;  ///< B against A, at the chosen alpha

  [[nodiscard]] nlohmann::json to_json() const;
};

/// "better", "worse" or "no significant difference".
const char* to_string(Difference difference);

/// A case one variant has and the other lacks, which the comparison leaves out.
struct UnpairedCase {
  std::string variant;  ///< "a" or "b": the side that has it
  std::string label;    ///< as reports name a case: "greets [row 3]"
  std::string test;     ///< its test alone: "greets"
  std::size_t row = 0;  ///< its dataset row, 0 for a test without a dataset
  std::string reason;   ///< the test's error on that side, or that the other side lacks it

  [[nodiscard]] nlohmann::json to_json() const;
};

/// The unpaired cases of a comparison's batch, A's first.
std::vector<UnpairedCase> unpaired_cases(const PairedResults& paired);

struct Comparison {
  VariantFigures a;
  VariantFigures b;
  double alpha = 0.05;
  std::string primary = "pass_rate";
  /// The seed of the coins that chose, case by case, whether A's or B's call was queued first.
  std::uint64_t seed = 0;
  std::vector<MetricComparison> metrics;  ///< pass rate, latency, tokens, then cost if priced
  /// Cases left out because only one variant has them (set by the caller, who ran the batch).
  std::vector<UnpairedCase> unpaired;

  /// The primary metric's comparison.
  [[nodiscard]] const MetricComparison& primary_metric() const;
  [[nodiscard]] nlohmann::json to_json() const;
};

/// The metrics `compare_variants` knows, for validating a choice.
const std::vector<std::string>& comparison_metrics();

/// Compares B's results with A's. Cases pair up by test, dataset row and repetition (not by
/// prompt or model, which are what differs). Throws `Error` (usage) for an unknown primary
/// metric or an alpha outside (0, 1).
Comparison compare_variants(const std::vector<CaseResult>& a, const std::vector<CaseResult>& b,
                            std::string a_label, std::string b_label, const std::string& primary,
                            double alpha);

/// A self-contained HTML page of the comparison, with SVG charts of the latency distributions
/// and the pass rates with their intervals; no scripts, no external resources.
std::string comparison_html(const Comparison& comparison);

}  // namespace promptctl
