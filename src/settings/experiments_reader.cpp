#include "settings/experiments_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "promptctl/names.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl::settings_detail {
namespace {

using util::YamlReader;

std::string quoted_key(const std::string& path) {
  return "'" + path + "'";
}

std::optional<std::int64_t> read_date(YamlReader& reader, const YAML::Node& node,
                                      const std::string& what) {
  auto text = reader.string(node, quoted_key(what));
  if (!text) {
    return std::nullopt;
  }
  auto when = util::parse_since(*text, util::now_ms() / 1000);
  if (!when) {
    reader.error(node, "'" + *text + "' is not a date such as 2026-11-01 or 2026-11-01T09:00:00Z",
                 "value");
  }
  return when;
}

std::optional<ExperimentVariant> read_variant(YamlReader& reader, const YAML::Node& node,
                                              const std::string& context) {
  if (!reader.expect_map(node, quoted_key(context))) {
    return std::nullopt;
  }
  reader.check_keys(node, {"name", "version", "model", "weight"}, quoted_key(context));
  ExperimentVariant variant;
  variant.location = reader.where(node["version"] ? node["version"] : node);
  if (!node["name"] || !node["weight"]) {
    reader.error(node, quoted_key(context) + " needs a 'name' and a 'weight'", "missing-key");
    return std::nullopt;
  }
  variant.name = reader.string(node["name"], quoted_key(context + ".name")).value_or("");
  if (!util::is_plain_word(variant.name)) {
    reader.error(
        node["name"],
        "variant name '" + variant.name + "' may hold only letters, digits, '-', '_' and '.'",
        "name");
  }
  variant.weight = reader.number(node["weight"], quoted_key(context + ".weight")).value_or(0);
  if (variant.weight <= 0 || variant.weight > 100) {
    reader.error(node["weight"],
                 quoted_key(context + ".weight") + " must be above 0 and at most 100", "value");
  }
  if (node["version"]) {
    variant.version = reader.string(node["version"], quoted_key(context + ".version")).value_or("");
  }
  if (node["model"]) {
    variant.model = reader.string(node["model"], quoted_key(context + ".model")).value_or("");
  }
  return variant;
}

// What the report needs to recommend stopping: the smallest difference worth having, and the
// sample size the fixed-horizon tests were planned for.
void read_decision_settings(YamlReader& reader, const YAML::Node& node, const std::string& context,
                            Experiment& experiment) {
  if (node["min_effect"]) {
    experiment.min_effect = reader.number(node["min_effect"], quoted_key(context + ".min_effect"));
    if (experiment.min_effect && *experiment.min_effect <= 0) {
      reader.error(node["min_effect"], quoted_key(context + ".min_effect") + " must be above 0",
                   "value");
    }
  }
  if (node["sample_size"]) {
    experiment.sample_size =
        reader.integer(node["sample_size"], quoted_key(context + ".sample_size"));
    if (experiment.sample_size && *experiment.sample_size < 2) {
      reader.error(node["sample_size"],
                   quoted_key(context + ".sample_size") + " must be at least 2 runs per variant",
                   "value");
    }
  }
}

void read_metrics(YamlReader& reader, const YAML::Node& node, const std::string& context,
                  Experiment& experiment) {
  if (node["metrics"]) {
    for (const std::string& metric :
         reader.strings(node["metrics"], quoted_key(context + ".metrics"))
             .value_or(std::vector<std::string>{})) {
      const auto& known = experiment_metrics();
      if (std::find(known.begin(), known.end(), metric) == known.end()) {
        reader.error(node["metrics"],
                     "unknown metric '" + metric + "'" + util::did_you_mean(metric, known) +
                         "; experiments measure feedback, success_rate, latency_ms and cost",
                     "value");
      } else if (std::find(experiment.metrics.begin(), experiment.metrics.end(), metric) ==
                 experiment.metrics.end()) {
        experiment.metrics.push_back(metric);
      }
    }
  }
  if (experiment.metrics.empty()) {
    experiment.metrics = {"success_rate", "latency_ms"};
  }
  if (node["primary"]) {
    std::string primary =
        reader.string(node["primary"], quoted_key(context + ".primary")).value_or("");
    auto it = std::find(experiment.metrics.begin(), experiment.metrics.end(), primary);
    if (it == experiment.metrics.end()) {
      reader.error(node["primary"], "the primary metric '" + primary + "' is not among 'metrics'",
                   "value");
    } else {
      std::rotate(experiment.metrics.begin(), it, it + 1);  // the primary one first
    }
  }
}

Experiment read_experiment(YamlReader& reader, const YAML::Node& key, const YAML::Node& node) {
  Experiment experiment;
  experiment.name = key.Scalar();
  std::string context = "experiments." + experiment.name;
  if (!util::is_plain_word(experiment.name)) {
    reader.error(
        key,
        "experiment name '" + experiment.name + "' may hold only letters, digits, '-', '_' and '.'",
        "name");
  }
  if (!reader.expect_map(node, quoted_key(context))) {
    return experiment;
  }
  reader.check_keys(
      node,
      {"prompt", "variants", "metrics", "primary", "start", "end", "min_effect", "sample_size"},
      quoted_key(context));
  if (!node["prompt"]) {
    reader.error(node, quoted_key(context) + " names no 'prompt'", "missing-key");
  } else {
    experiment.prompt = reader.string(node["prompt"], quoted_key(context + ".prompt")).value_or("");
    if (auto problem = name_problem(experiment.prompt)) {
      reader.error(node["prompt"], *problem, "name");
    }
  }
  const YAML::Node& variants = node["variants"];
  if (!variants || !variants.IsSequence() || variants.size() < 2) {
    reader.error(variants ? variants : node,
                 quoted_key(context + ".variants") + " must list at least two variants", "value");
  } else {
    std::set<std::string> names;
    double total = 0;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      auto variant =
          read_variant(reader, variants[i], context + ".variants[" + std::to_string(i) + "]");
      if (!variant) {
        continue;
      }
      if (!names.insert(variant->name).second) {
        reader.error(variants[i], "variant '" + variant->name + "' is named twice", "value");
      }
      total += variant->weight;
      experiment.variants.push_back(*variant);
    }
    if (experiment.variants.size() == variants.size() && std::fabs(total - 100) > 1e-9) {
      char sum[32];
      std::snprintf(sum, sizeof sum, "%g", total);
      reader.error(
          variants,
          "the weights of " + quoted_key(context + ".variants") + " sum to " + sum + ", not 100",
          "value");
    }
  }
  read_metrics(reader, node, context, experiment);
  if (node["start"]) {
    experiment.start = read_date(reader, node["start"], context + ".start");
  }
  if (node["end"]) {
    experiment.end = read_date(reader, node["end"], context + ".end");
  }
  if (experiment.start && experiment.end && *experiment.end <= *experiment.start) {
    reader.error(node["end"], quoted_key(context + ".end") + " is not after its start", "value");
  }
  read_decision_settings(reader, node, context, experiment);
  return experiment;
}

}  // namespace

Experiments read_experiments(YamlReader& reader, const YAML::Node& node) {
  Experiments experiments;
  if (!reader.expect_map(node, "'experiments'")) {
    return experiments;
  }
  for (const auto& entry : node) {
    experiments.push_back(read_experiment(reader, entry.first, entry.second));
  }
  return experiments;
}

}  // namespace promptctl::settings_detail
