// Reading the `experiments:` section of promptctl.yaml.
#pragma once

#include "prompt/reader.hpp"
#include "promptctl/experiment_settings.hpp"

namespace promptctl::experiments_detail {

/// The experiments a mapping declares, in order; problems become the reader's diagnostics.
Experiments read_experiments(prompt_detail::YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::experiments_detail
