// The user's own configuration, which the repository cannot change: providers and the
// endpoints trusted with secrets.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "promptctl/provider_settings.hpp"
#include "settings/providers_reader.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl {

namespace fs = std::filesystem;

fs::path user_config_file() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) {
    return fs::path(xdg) / "promptctl" / "config.yaml";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".config" / "promptctl" / "config.yaml";
}

namespace {

// PROMPTCTL_TRUSTED_ENDPOINTS: URL prefixes separated by spaces or commas.
std::vector<std::string> trusted_endpoints_from_environment() {
  std::vector<std::string> endpoints;
  const char* value = std::getenv("PROMPTCTL_TRUSTED_ENDPOINTS");
  std::string text = value ? value : "";
  std::replace(text.begin(), text.end(), ',', ' ');
  for (std::string_view endpoint : util::split_whitespace(text)) {
    endpoints.emplace_back(endpoint);
  }
  return endpoints;
}

// Applies the user configuration file's `providers:` and collects its `trusted_endpoints:`.
void apply_user_config(std::map<std::string, ProviderSettings>& providers,
                       std::vector<std::string>& trusted) {
  fs::path file = user_config_file();
  std::optional<std::string> text = util::read_file_if_exists(file, 1 << 20);
  if (!text) {
    return;
  }
  std::vector<Diagnostic> diagnostics;
  util::YamlReader reader(file.string(), *text, diagnostics);
  try {
    YAML::Node root = util::parse_yaml(*text, file.string());
    if (!root.IsNull() && reader.expect_map(root, "'" + file.string() + "'")) {
      reader.check_keys(root, {"providers", "trusted_endpoints"}, "");
      if (root["providers"]) {
        settings_detail::read_providers(reader, root["providers"], providers,
                                        settings_detail::SettingsLayer::user);
      }
      if (root["trusted_endpoints"]) {
        for (const std::string& endpoint :
             reader.strings(root["trusted_endpoints"], "'trusted_endpoints'")
                 .value_or(std::vector<std::string>{})) {
          trusted.push_back(endpoint);
        }
      }
    }
  } catch (const Error& e) {
    reader.error_at(e.location(), e.message(), "yaml");
  }
  throw_if_errors(diagnostics);
}

}  // namespace

std::map<std::string, ProviderSettings> configured_providers(
    const std::map<std::string, ProviderSettings>& repository_providers) {
  std::map<std::string, ProviderSettings> providers = repository_providers;
  std::vector<std::string> trusted = trusted_endpoints_from_environment();
  apply_user_config(providers, trusted);
  for (auto& [name, provider] : providers) {
    provider.trusted_endpoints = trusted;
  }
  return providers;
}

}  // namespace promptctl
