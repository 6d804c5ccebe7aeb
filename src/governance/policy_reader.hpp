// Reading the `environments:` section of promptctl.yaml.
#pragma once

#include "prompt/reader.hpp"
#include "promptctl/policy.hpp"

namespace promptctl::governance_detail {

/// The environments a mapping declares, in order; problems become the reader's diagnostics.
Environments read_environments(prompt_detail::YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::governance_detail
