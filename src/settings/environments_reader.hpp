// Reading the `environments:` section of promptctl.yaml.
#pragma once

#include "promptctl/policy.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl::settings_detail {

/// The environments a mapping declares, in order; problems become the reader's diagnostics.
Environments read_environments(util::YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::settings_detail
