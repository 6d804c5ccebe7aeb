// Experiments as promptctl.yaml declares them.
#include <algorithm>

#include "promptctl/error.hpp"
#include "promptctl/experiment_settings.hpp"
#include "util/strings.hpp"

namespace promptctl {

const ExperimentVariant* Experiment::find_variant(std::string_view variant) const {
  auto it = std::find_if(variants.begin(), variants.end(),
                         [&](const ExperimentVariant& v) { return v.name == variant; });
  return it == variants.end() ? nullptr : &*it;
}

const std::vector<std::string>& experiment_metrics() {
  static const std::vector<std::string> names = {"feedback", "success_rate", "latency_ms", "cost"};
  return names;
}

const Experiment& experiment_named(const Experiments& experiments, std::string_view name) {
  for (const Experiment& experiment : experiments) {
    if (experiment.name == name) {
      return experiment;
    }
  }
  std::vector<std::string> names;
  std::string known;
  for (const Experiment& experiment : experiments) {
    names.push_back(experiment.name);
    known += (known.empty() ? "" : ", ") + experiment.name;
  }
  throw Error(ErrorKind::not_found,
              "no experiment named '" + std::string(name) + "'" + util::did_you_mean(name, names),
              {},
              names.empty() ? "promptctl.yaml declares no experiments; add an 'experiments:' "
                              "section"
                            : "promptctl.yaml declares: " + known);
}

}  // namespace promptctl
