// Reading `providers:` from promptctl.yaml and the user configuration.
#pragma once

#include <yaml-cpp/yaml.h>
#include <map>
#include <string>

#include "promptctl/provider_settings.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl::settings_detail {

/// Which file a `providers:` mapping is in: the committed settings never hold key files.
enum class SettingsLayer { repository, user };

/// Applies each entry of the `providers` mapping `node` onto `providers`: a known name has the
/// fields it sets replaced, a new name starts from its `type`'s defaults. Problems become
/// diagnostics through `reader`.
void read_providers(util::YamlReader& reader, const YAML::Node& node,
                    std::map<std::string, ProviderSettings>& providers, SettingsLayer layer);

}  // namespace promptctl::settings_detail
