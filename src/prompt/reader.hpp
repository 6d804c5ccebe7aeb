// Reading prompt files: where a template in a YAML scalar starts, and the `model` mapping.
#pragma once

#include <yaml-cpp/yaml.h>
#include <optional>
#include <string_view>
#include <vector>

#include "promptctl/prompt.hpp"
#include "promptctl/template.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl::prompt_detail {

using util::YamlReader;

/// Where a scalar's text starts in the file, so template positions map to file positions.
tmpl::TextOrigin origin_of(const YamlReader& reader, const YAML::Node& scalar);

/// Reads a `model` mapping (provider, name, temperature, …), reporting problems.
std::optional<ModelSettings> read_model_settings(YamlReader& reader, const YAML::Node& node);

/// Reads `tools:`, a list of {name, description, parameters}, reporting problems.
std::vector<ToolSpec> read_tools(YamlReader& reader, const YAML::Node& node);

/// Whether `name` can name a tool or an output schema in a request: OpenAI takes 1 to 64
/// letters, digits, '_' and '-'.
bool is_api_name(std::string_view name);
/// Whether `c` may be part of such a name.
bool is_api_name_char(char c);
inline constexpr std::size_t k_max_api_name = 64;

/// Reads a `store` value (`full`, `redacted` or `hashes`) of a `ledger` mapping.
std::optional<LedgerStore> read_ledger_store(YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::prompt_detail
