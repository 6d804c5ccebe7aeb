// Online experiments: variants of a prompt (versions or models) with traffic weights, sticky
// assignment by key, start and stop recorded in git, and the report over the ledger.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/experiment_settings.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/statistics.hpp"

namespace promptctl {

/// Where `key` falls in [0, 1): a hash of the experiment's name and the key, so the same key
/// always lands in the same place, and different experiments split independently.
double assignment_point(std::string_view experiment, std::string_view key);

/// The variant `key` is assigned: the one whose share of [0, 100) holds its point.
const ExperimentVariant& assign_variant(const Experiment& experiment, std::string_view key);

/// Started and stopped by `experiment start|stop`, recorded as commits on
/// refs/promptctl/experiments/NAME (which push and fetch carry), on top of the declared dates.
struct ExperimentState {
  std::optional<std::int64_t> started;  ///< seconds since the epoch
  std::optional<std::int64_t> stopped;
  std::string started_by;
  std::string stopped_by;
  /// Running at `now`: started (by command or the declared start) and not stopped (by
  /// command or the declared end).
  [[nodiscard]] bool running(const Experiment& experiment, std::int64_t now) const;
  [[nodiscard]] nlohmann::json to_json(const Experiment& experiment, std::int64_t now) const;
};

/// Which variant serves one key, and what to load for it.
struct Assignment {
  std::string experiment;
  std::string variant;
  bool running = false;  ///< false: the control serves, and the run is not the experiment's
  std::string address;   ///< the prompt to load: NAME, or NAME@VERSION
  std::string model;     ///< the variant's model, overriding the prompt's; empty: its own

  [[nodiscard]] nlohmann::json to_json() const;
};

/// The variant `key` gets in `experiment` while it runs, or the control when it does not.
/// Throws `Error` (usage) for an empty key or a prompt other than the experiment's (an address
/// with a revision included: the variant chooses the version).
Assignment assign(const Experiment& experiment, const ExperimentState& state,
                  std::string_view prompt, std::string_view key, std::int64_t now);

/// The assignment of `key` in the declared experiment called `name`, with its start and stop
/// as `repository` records them: what every front end that serves a prompt asks. `prompt` is
/// the prompt as the caller named it. Throws `Error` (usage) for an unknown experiment and for
/// a prompt named with a revision (the variant chooses the version), and as `assign` does.
Assignment assign_in(const Experiments& declared, const repo::Repository& repository,
                     std::string_view name, std::string_view prompt, std::string_view key,
                     std::int64_t now);

/// The ref an experiment's start and stop are recorded on.
std::string experiment_ref(std::string_view name);

ExperimentState experiment_state(const repo::Repository& repository, std::string_view name);

/// Records a start or stop as a commit on the experiment's ref. Throws `Error` (refused) when
/// it is already in that state.
void record_experiment_event(repo::Repository& repository, const Experiment& experiment, bool start,
                             std::int64_t now);

/// One metric of one variant, against the control.
struct VariantMetric {
  std::string metric;
  std::size_t samples = 0;
  double mean = 0;
  stats::Interval interval;  ///< Wilson for rates, bootstrap for means
  /// Against the control (absent for the control itself): z-test or Fisher for rates,
  /// Welch's t for means, with Mann–Whitney as a robustness check.
  std::optional<stats::TestResult> test;
  std::optional<stats::TestResult> rank_test;
  /// The smallest difference from the control detectable at this sample size (alpha 0.05,
  /// power 0.8).
  std::optional<double> detectable;
  /// Anytime-valid, against the control (absent for the control itself): valid however often
  /// the report is read. The p-value and the confidence sequence of (variant − control) come
  /// from the mixture sequential probability ratio test over the runs in the order they ran.
  struct Sequential {
    double p_value = 1;
    double difference = 0;
    stats::Interval interval;
  };
  std::optional<Sequential> sequential;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// What the sequential test says of a variant against the control, on the primary metric.
enum class VariantDecision { undecided, better, worse, no_effect };
const char* to_string(VariantDecision decision);

struct VariantReport {
  std::string name;
  double weight = 0;
  std::size_t runs = 0;
  std::vector<VariantMetric> metrics;                     ///< in the experiment's order
  VariantDecision decision = VariantDecision::undecided;  ///< undecided for the control

  [[nodiscard]] nlohmann::json to_json() const;
};

struct ExperimentReport {
  std::string experiment;
  std::string primary;
  std::vector<VariantReport> variants;
  stats::TestResult sample_ratio;      ///< chi-square of assignments against the weights
  bool sample_ratio_mismatch = false;  ///< p below 0.001: the split is broken, distrust the rest
  /// The sequential tests' level: 0.05 shared among the variants compared with the control
  /// (Bonferroni), so that the chance of any false "better" or "worse" stays at 0.05.
  double sequential_alpha = 0.05;
  /// The fixed-horizon tests' planned runs per variant, and whether every variant has them.
  std::optional<std::int64_t> sample_size;
  bool sample_size_reached = false;
  /// "keep running", "ship VARIANT", "stop: no effect large enough", "stop: every variant is
  /// worse than the control" or "stop: sample ratio mismatch".
  std::string recommendation;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// Per-variant results from the ledger's runs of the experiment and their feedback.
ExperimentReport experiment_report(const Experiment& experiment, const Ledger& ledger);

/// The report as a self-contained HTML page: tables and SVG charts of each metric's means
/// with their intervals; no scripts, no external resources.
std::string experiment_html(const ExperimentReport& report);

}  // namespace promptctl
