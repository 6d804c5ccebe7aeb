// Reading `providers:` from promptctl.yaml and the user configuration.
#pragma once

#include <yaml-cpp/yaml.h>
#include <map>
#include <string>

#include "prompt/reader.hpp"
#include "promptctl/provider.hpp"

namespace promptctl::exec_detail {

/// Which file a `providers:` mapping is in: the committed settings never hold key files.
enum class SettingsLayer { repository, user };

/// Applies each entry of the `providers` mapping `node` onto `providers`: a known name has the
/// fields it sets replaced, a new name starts from its `type`'s defaults. Problems become
/// diagnostics through `reader`.
void read_providers(prompt_detail::YamlReader& reader, const YAML::Node& node,
                    std::map<std::string, ProviderSettings>& providers, SettingsLayer layer);

}  // namespace promptctl::exec_detail
