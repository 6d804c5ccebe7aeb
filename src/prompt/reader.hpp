// Reading prompt files: where a template in a YAML scalar starts, and the `model` mapping.
#pragma once

#include <yaml-cpp/yaml.h>
#include <optional>

#include "promptctl/prompt.hpp"
#include "promptctl/template.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl::prompt_detail {

using util::YamlReader;

/// Where a scalar's text starts in the file, so template positions map to file positions.
tmpl::TextOrigin origin_of(const YamlReader& reader, const YAML::Node& scalar);

/// Reads a `model` mapping (provider, name, temperature, …), reporting problems.
std::optional<ModelSettings> read_model_settings(YamlReader& reader, const YAML::Node& node);

/// Reads a `store` value (`full`, `redacted` or `hashes`) of a `ledger` mapping.
std::optional<LedgerStore> read_ledger_store(YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::prompt_detail
