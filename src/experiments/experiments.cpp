// Experiments: sticky assignment, start and stop on a ref, and the report over the ledger.
#include "promptctl/experiments.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "promptctl/address.hpp"
#include "promptctl/error.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

constexpr const char* k_action_trailer = "Promptctl-Experiment-Action: ";
constexpr const char* k_time_trailer = "Promptctl-Time: ";

nlohmann::json optional_time(const std::optional<std::int64_t>& seconds) {
  return seconds ? nlohmann::json(util::format_utc(*seconds)) : nlohmann::json(nullptr);
}

nlohmann::json interval_json(const stats::Interval& interval) {
  return {interval.low, interval.high};
}

nlohmann::json test_json(const std::optional<stats::TestResult>& test) {
  if (!test) {
    return nullptr;
  }
  return {{"method", test->method},
          {"statistic", test->statistic},
          {"p_value", test->p_value},
          {"effect", test->effect},
          {"effect_name", test->effect_name}};
}

// What the ledger says about one variant: one entry per run for each metric that applies.
struct Samples {
  std::size_t runs = 0;
  std::int64_t succeeded = 0;
  std::vector<double> latency;
  std::vector<double> cost;
  std::vector<double> feedback;
};

bool is_rate(const std::string& metric) {
  return metric == "success_rate";
}

const std::vector<double>& values_of(const Samples& samples, const std::string& metric) {
  if (metric == "latency_ms")
    return samples.latency;
  if (metric == "cost")
    return samples.cost;
  return samples.feedback;
}

// A rate against the control: Fisher's exact test while any expected cell is small, else the
// two-proportion z-test.
stats::TestResult rate_test(const Samples& control, const Samples& variant) {
  auto n1 = static_cast<std::int64_t>(control.runs);
  auto n2 = static_cast<std::int64_t>(variant.runs);
  std::int64_t x1 = control.succeeded;
  std::int64_t x2 = variant.succeeded;
  double total = static_cast<double>(n1 + n2);
  double successes = static_cast<double>(x1 + x2);
  double smallest_expected = std::min({successes, total - successes}) *
                             static_cast<double>(std::min(n1, n2)) / std::max(total, 1.0);
  if (smallest_expected < 5) {
    return stats::fisher_exact(x2, n2 - x2, x1, n1 - x1);
  }
  return stats::two_proportion_z(x1, n1, x2, n2);
}

VariantMetric measure(const std::string& metric, const Samples& samples, const Samples* control) {
  VariantMetric out;
  out.metric = metric;
  if (is_rate(metric)) {
    out.samples = samples.runs;
    out.mean = samples.runs
                   ? static_cast<double>(samples.succeeded) / static_cast<double>(samples.runs)
                   : 0;
    out.interval =
        stats::wilson_interval(samples.succeeded, static_cast<std::int64_t>(samples.runs));
    if (control && control->runs > 0 && samples.runs > 0) {
      out.test = rate_test(*control, samples);
      // The Agresti–Coull estimate (two successes and two failures added): at 0% or 100% the
      // observed rate would make the variance, and the detectable difference, 0.
      double base =
          (static_cast<double>(control->succeeded) + 2) / (static_cast<double>(control->runs) + 4);
      out.detectable = stats::detectable_proportion_difference(
          base, static_cast<std::int64_t>(control->runs), static_cast<std::int64_t>(samples.runs));
    }
    return out;
  }
  const std::vector<double>& values = values_of(samples, metric);
  out.samples = values.size();
  out.mean = stats::mean(values);
  out.interval = stats::bootstrap_mean_interval(values);
  if (control) {
    const std::vector<double>& base = values_of(*control, metric);
    if (base.size() >= 2 && values.size() >= 2) {
      out.test = stats::welch_t(base, values);
      out.rank_test = stats::mann_whitney_u(base, values);
      out.detectable = stats::detectable_mean_difference(
          std::sqrt(stats::sample_variance(base)), std::sqrt(stats::sample_variance(values)),
          static_cast<std::int64_t>(base.size()), static_cast<std::int64_t>(values.size()));
    }
  }
  return out;
}

bool higher_is_better(const std::string& metric) {
  return metric == "success_rate" || metric == "feedback";
}

// What one run says of `metric`, if anything: success for every run; latency for calls that
// reached a provider; cost where priced; feedback where given.
std::optional<double> observation(const std::string& metric, const RunRecord& run,
                                  const std::map<std::int64_t, double>& feedback) {
  if (is_rate(metric)) {
    return run.status == "ok" ? 1.0 : 0.0;
  }
  if (metric == "latency_ms") {
    return run.status == "ok" && !run.cached ? std::optional<double>(run.latency_ms) : std::nullopt;
  }
  if (metric == "cost") {
    return run.cost;
  }
  auto it = feedback.find(run.id);
  return it == feedback.end() ? std::nullopt : std::optional<double>(it->second);
}

// The sequential test of `variant` against the control on `metric`, over the runs oldest first.
VariantMetric::Sequential sequential_test(const std::string& metric, const std::string& control,
                                          const std::string& variant,
                                          const std::vector<RunRecord>& oldest_first,
                                          const std::map<std::int64_t, double>& feedback,
                                          double alpha) {
  stats::SequentialDifference test(alpha, is_rate(metric));
  for (const RunRecord& run : oldest_first) {
    if (run.variant != control && run.variant != variant) {
      continue;
    }
    if (auto value = observation(metric, run, feedback)) {
      test.add(run.variant == variant, *value);
    }
  }
  return {test.p_value(), test.difference(), test.interval()};
}

VariantDecision decide(const Experiment& experiment, const VariantMetric& primary, double alpha) {
  if (!primary.sequential) {
    return VariantDecision::undecided;
  }
  const VariantMetric::Sequential& s = *primary.sequential;
  if (s.p_value < alpha) {
    return (s.difference > 0) == higher_is_better(primary.metric) ? VariantDecision::better
                                                                  : VariantDecision::worse;
  }
  if (experiment.min_effect && s.interval.low > -*experiment.min_effect &&
      s.interval.high < *experiment.min_effect) {
    return VariantDecision::no_effect;
  }
  return VariantDecision::undecided;
}

std::string recommend(const ExperimentReport& report) {
  if (report.sample_ratio_mismatch) {
    return "stop: sample ratio mismatch";
  }
  const VariantReport* best = nullptr;
  bool all_worse = true;
  bool all_settled = true;
  for (std::size_t i = 1; i < report.variants.size(); ++i) {
    const VariantReport& variant = report.variants[i];
    const VariantMetric& primary = variant.metrics.front();
    bool gains_more = best && primary.sequential &&
                      std::abs(primary.sequential->difference) >
                          std::abs(best->metrics.front().sequential->difference);
    if (variant.decision == VariantDecision::better && (!best || gains_more)) {
      best = &variant;
    }
    all_worse = all_worse && variant.decision == VariantDecision::worse;
    all_settled = all_settled && (variant.decision == VariantDecision::worse ||
                                  variant.decision == VariantDecision::no_effect);
  }
  if (best) {
    return "ship " + best->name;
  }
  if (all_worse) {
    return "stop: every variant is worse than the control";
  }
  return all_settled ? "stop: no effect large enough" : "keep running";
}

}  // namespace

const char* to_string(VariantDecision decision) {
  switch (decision) {
    case VariantDecision::better:
      return "better";
    case VariantDecision::worse:
      return "worse";
    case VariantDecision::no_effect:
      return "no effect large enough";
    case VariantDecision::undecided:
      return "undecided";
  }
  return "undecided";
}

double assignment_point(std::string_view experiment, std::string_view key) {
  // The first 64 bits of SHA-256 over "experiment\nkey": uniform, stable across platforms and
  // versions, and independent between experiments.
  std::string digest = util::sha256_hex(std::string(experiment) + "\n" + std::string(key));
  std::uint64_t value = std::stoull(digest.substr(0, 16), nullptr, 16);
  return std::ldexp(static_cast<double>(value >> 11), -53);  // the top 53 bits, exactly
}

const ExperimentVariant& assign_variant(const Experiment& experiment, std::string_view key) {
  double point = 100 * assignment_point(experiment.name, key);
  double edge = 0;
  for (const ExperimentVariant& variant : experiment.variants) {
    edge += variant.weight;
    if (point < edge) {
      return variant;
    }
  }
  return experiment.variants.back();  // rounding at the very top
}

nlohmann::json Assignment::to_json() const {
  return {{"name", experiment}, {"variant", variant}, {"running", running}};
}

Assignment assign(const Experiment& experiment, const ExperimentState& state,
                  std::string_view prompt, std::string_view key, std::int64_t now) {
  if (prompt != experiment.prompt) {
    throw Error(ErrorKind::usage,
                "experiment '" + experiment.name + "' is on prompt '" + experiment.prompt +
                    "', not '" + std::string(prompt) + "'",
                {}, "name the prompt without a revision: its variants choose the version");
  }
  if (util::trim(key).empty()) {
    throw Error(ErrorKind::usage,
                "--experiment needs --key: the user, session or request id that "
                "keeps an assignment sticky");
  }
  Assignment out;
  out.experiment = experiment.name;
  out.running = state.running(experiment, now);
  const ExperimentVariant& variant =
      out.running ? assign_variant(experiment, key) : experiment.variants.front();
  out.variant = variant.name;
  out.address =
      variant.version.empty() ? experiment.prompt : experiment.prompt + "@" + variant.version;
  out.model = variant.model;
  return out;
}

Assignment assign_in(const Experiments& declared, const repo::Repository& repository,
                     std::string_view name, std::string_view prompt, std::string_view key,
                     std::int64_t now) {
  PromptAddress address = parse_address(prompt);
  if (!address.revision.empty()) {
    throw Error(ErrorKind::usage,
                "with --experiment, name the prompt without a revision: the variant chooses it");
  }
  const Experiment& experiment = experiment_named(declared, name);
  return assign(experiment, experiment_state(repository, experiment.name), address.name, key, now);
}

bool ExperimentState::running(const Experiment& experiment, std::int64_t now) const {
  if (stopped) {
    return false;
  }
  if (experiment.end && now >= *experiment.end) {
    return false;
  }
  return started.has_value() || (experiment.start && *experiment.start <= now);
}

nlohmann::json ExperimentState::to_json(const Experiment& experiment, std::int64_t now) const {
  return {{"running", running(experiment, now)},
          {"started_at", optional_time(started)},
          {"started_by", util::identity_json(started_by)},
          {"stopped_at", optional_time(stopped)},
          {"stopped_by", util::identity_json(stopped_by)},
          {"declared_start_at", optional_time(experiment.start)},
          {"declared_end_at", optional_time(experiment.end)}};
}

std::string experiment_ref(std::string_view name) {
  return "refs/promptctl/experiments/" + std::string(name);
}

ExperimentState experiment_state(const repo::Repository& repository, std::string_view name) {
  ExperimentState state;
  repo::Revision head;
  try {
    head = repository.resolve(experiment_ref(name));
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found) {
      throw;
    }
    return state;  // never started or stopped by command
  }
  std::vector<repo::CommitInfo> events = repository.log(head, 1);
  if (events.empty()) {
    return state;
  }
  const repo::CommitInfo& latest = events.front();
  std::string when = util::trailer_value(latest.message, k_time_trailer);
  std::int64_t time = when.empty() ? latest.committer.time : std::stoll(when);
  std::string who = latest.author.name + " <" + latest.author.email + ">";
  if (util::trailer_value(latest.message, k_action_trailer) == "stop") {
    state.stopped = time;
    state.stopped_by = who;
  } else {
    state.started = time;
    state.started_by = who;
  }
  return state;
}

void record_experiment_event(repo::Repository& repository, const Experiment& experiment, bool start,
                             std::int64_t now) {
  ExperimentState state = experiment_state(repository, experiment.name);
  if (start == state.running(experiment, now)) {
    throw Error(ErrorKind::refused, "experiment '" + experiment.name + "' is " +
                                        (start ? "already running" : "not running"));
  }
  if (start && experiment.end && now >= *experiment.end) {
    throw Error(
        ErrorKind::refused,
        "experiment '" + experiment.name + "' ended at " + util::format_date(*experiment.end, 0),
        {}, "move or remove its 'end' in promptctl.yaml first");
  }
  const char* action = start ? "start" : "stop";
  std::string message = std::string(start ? "Start" : "Stop") + " experiment " + experiment.name +
                        "\n\n" + k_action_trailer + action + "\n" + k_time_trailer +
                        std::to_string(now) + "\n";
  repository.append_event(experiment_ref(experiment.name), message, repository.identities().first);
}

nlohmann::json VariantMetric::to_json() const {
  return {
      {"metric", metric},
      {"samples", samples},
      {"mean", mean},
      {"interval", interval_json(interval)},
      {"test", test_json(test)},
      {"rank_test", test_json(rank_test)},
      {"detectable_difference", detectable ? nlohmann::json(*detectable) : nullptr},
      {"sequential", sequential ? nlohmann::json{{"p_value", sequential->p_value},
                                                 {"difference", sequential->difference},
                                                 {"interval", interval_json(sequential->interval)}}
                                : nlohmann::json(nullptr)}};
}

nlohmann::json VariantReport::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const VariantMetric& metric : metrics) {
    list.push_back(metric.to_json());
  }
  return {{"name", name},
          {"weight", weight},
          {"runs", runs},
          {"metrics", list},
          {"decision", to_string(decision)}};
}

nlohmann::json ExperimentReport::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const VariantReport& variant : variants) {
    list.push_back(variant.to_json());
  }
  return {{"experiment", experiment},
          {"primary", primary},
          {"variants", list},
          {"sample_ratio",
           {{"statistic", sample_ratio.statistic},
            {"p_value", sample_ratio.p_value},
            {"mismatch", sample_ratio_mismatch}}},
          {"sequential_alpha", sequential_alpha},
          {"fixed_horizon",
           {{"sample_size", sample_size ? nlohmann::json(*sample_size) : nullptr},
            {"reached", sample_size_reached}}},
          {"recommendation", recommendation}};
}

ExperimentReport experiment_report(const Experiment& experiment, const Ledger& ledger) {
  RunFilter filter;
  filter.experiment = experiment.name;
  std::map<std::int64_t, double> feedback = ledger.mean_feedback(filter);
  std::map<std::string, Samples> by_variant;
  std::vector<RunRecord> runs = ledger.runs(filter);
  std::reverse(runs.begin(), runs.end());  // oldest first: the order the sequential test saw
  for (const RunRecord& run : runs) {
    Samples& samples = by_variant[run.variant];
    ++samples.runs;
    samples.succeeded += run.status == "ok" ? 1 : 0;
    // The same observations the sequential test reads, so both describe the same runs.
    for (auto [metric, values] :
         {std::pair{"latency_ms", &samples.latency}, std::pair{"cost", &samples.cost},
          std::pair{"feedback", &samples.feedback}}) {
      if (auto value = observation(metric, run, feedback)) {
        values->push_back(*value);
      }
    }
  }
  ExperimentReport report;
  report.experiment = experiment.name;
  report.primary = experiment.primary();
  report.sequential_alpha = 0.05 / static_cast<double>(experiment.variants.size() - 1);
  report.sample_size = experiment.sample_size;
  report.sample_size_reached = experiment.sample_size.has_value();
  const std::string& control_name = experiment.variants.front().name;
  const Samples& control = by_variant[control_name];
  std::vector<std::int64_t> counts;
  std::vector<double> weights;
  for (const ExperimentVariant& variant : experiment.variants) {
    const Samples& samples = by_variant[variant.name];
    VariantReport entry{variant.name, variant.weight, samples.runs, {}};
    bool is_control = &variant == &experiment.variants.front();
    for (const std::string& metric : experiment.metrics) {
      entry.metrics.push_back(measure(metric, samples, is_control ? nullptr : &control));
      if (!is_control) {
        entry.metrics.back().sequential = sequential_test(metric, control_name, variant.name, runs,
                                                          feedback, report.sequential_alpha);
      }
    }
    if (!is_control) {
      entry.decision = decide(experiment, entry.metrics.front(), report.sequential_alpha);
    }
    if (experiment.sample_size &&
        static_cast<std::int64_t>(samples.runs) < *experiment.sample_size) {
      report.sample_size_reached = false;
    }
    counts.push_back(static_cast<std::int64_t>(samples.runs));
    weights.push_back(variant.weight);
    report.variants.push_back(std::move(entry));
  }
  report.sample_ratio = stats::chi_square_fit(counts, weights);
  report.sample_ratio_mismatch = report.sample_ratio.p_value < 0.001;
  report.recommendation = recommend(report);
  return report;
}

}  // namespace promptctl
