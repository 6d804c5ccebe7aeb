// Experiments as promptctl.yaml declares them (the settings only; running and reporting them
// is promptctl/experiments.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/error.hpp"

namespace promptctl {

struct ExperimentVariant {
  std::string name;
  std::string version;      ///< a revision, release or environment; empty: the working tree
  std::string model;        ///< "provider/model" overriding the prompt's; empty: its own
  double weight = 0;        ///< percent of traffic; the variants' weights sum to 100
  SourceLocation location;  ///< where the variant's version (else the variant) is written
};

/// An experiment as promptctl.yaml declares it.
struct Experiment {
  std::string name;
  std::string prompt;
  std::vector<ExperimentVariant> variants;  ///< the first is the control
  /// The success metrics, the primary one first: feedback, success_rate, latency_ms, cost.
  std::vector<std::string> metrics;
  std::optional<std::int64_t> start;  ///< seconds since the epoch
  std::optional<std::int64_t> end;
  /// The smallest difference from the control on the primary metric worth shipping, in its
  /// units (0.02: two points of success rate); lets the report recommend stopping for want of
  /// an effect.
  std::optional<double> min_effect;
  /// The runs per variant the fixed-horizon tests were planned for; they are valid read once,
  /// at that size.
  std::optional<std::int64_t> sample_size;

  [[nodiscard]] const std::string& primary() const { return metrics.front(); }
  [[nodiscard]] const ExperimentVariant* find_variant(std::string_view variant) const;
};

using Experiments = std::vector<Experiment>;

/// The metrics an experiment may name.
const std::vector<std::string>& experiment_metrics();

/// The experiment called `name`; throws `Error` (not_found) naming the declared ones.
const Experiment& experiment_named(const Experiments& experiments, std::string_view name);

}  // namespace promptctl
