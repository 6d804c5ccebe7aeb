// Reading the `experiments:` section of promptctl.yaml.
#pragma once

#include "promptctl/experiment_settings.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl::settings_detail {

/// The experiments a mapping declares, in order; problems become the reader's diagnostics.
Experiments read_experiments(util::YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::settings_detail
