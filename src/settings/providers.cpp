#include "promptctl/provider_settings.hpp"

#include <array>
#include <cstdlib>
#include <map>

namespace promptctl {
namespace {

struct TypeName {
  ProviderType type;
  std::string_view name;
};
constexpr std::array<TypeName, 6> k_type_names = {{
    {ProviderType::openai, "openai"},
    {ProviderType::anthropic, "anthropic"},
    {ProviderType::azure_openai, "azure-openai"},
    {ProviderType::ollama, "ollama"},
    {ProviderType::openai_compatible, "openai-compatible"},
    {ProviderType::echo, "echo"},
}};

// List prices in US dollars per million tokens for common models, so that cost is known
// without configuration; `prices:` in the settings overrides them.
const std::map<std::string, Price, std::less<>>& builtin_prices() {
  static const std::map<std::string, Price, std::less<>> prices = {
      {"gpt-4o", {2.50, 10.00}},
      {"gpt-4o-mini", {0.15, 0.60}},
      {"gpt-4.1", {2.00, 8.00}},
      {"gpt-4.1-mini", {0.40, 1.60}},
      {"gpt-4.1-nano", {0.10, 0.40}},
      {"o3-mini", {1.10, 4.40}},
      {"claude-3-5-haiku-latest", {0.80, 4.00}},
      {"claude-3-5-sonnet-latest", {3.00, 15.00}},
      {"claude-3-7-sonnet-latest", {3.00, 15.00}},
      {"claude-sonnet-4-0", {3.00, 15.00}},
      {"claude-opus-4-0", {15.00, 75.00}},
  };
  return prices;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

ProviderSettings builtin(std::string name, ProviderType type, std::string key_variable) {
  ProviderSettings settings;
  settings.name = std::move(name);
  settings.type = type;
  settings.key_required = !key_variable.empty();
  settings.key_variable = std::move(key_variable);
  if (type == ProviderType::anthropic) {
    settings.api_version = "2023-06-01";
  } else if (type == ProviderType::azure_openai) {
    settings.api_version = "2024-10-21";
  }
  return settings;
}

}  // namespace

std::string_view to_string(ProviderType type) {
  for (const TypeName& entry : k_type_names) {
    if (entry.type == type) {
      return entry.name;
    }
  }
  return "unknown";
}

std::optional<ProviderType> parse_provider_type(std::string_view text) {
  for (const TypeName& entry : k_type_names) {
    if (entry.name == text) {
      return entry.type;
    }
  }
  return std::nullopt;
}

std::vector<std::string> provider_type_names() {
  std::vector<std::string> names;
  for (const TypeName& entry : k_type_names) {
    names.emplace_back(entry.name);
  }
  return names;
}

TlsFiles ProviderSettings::effective_tls() const {
  TlsFiles files = tls;
  if (!files.ca_file.empty()) {
    files.ca_file_origin = "ca_file";
  } else {
    for (const char* variable : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
      if (std::string value = environment(variable); !value.empty()) {
        files.ca_file = value;
        files.ca_file_origin = variable;
        break;
      }
    }
  }
  if (!files.ca_path.empty()) {
    files.ca_path_origin = "ca_path";
  } else if (std::string value = environment("SSL_CERT_DIR"); !value.empty()) {
    files.ca_path = value;
    files.ca_path_origin = "SSL_CERT_DIR";
  }
  return files;
}

std::string ProviderSettings::effective_base_url() const {
  if (!base_url.empty()) {
    return without_trailing_slash(base_url);
  }
  auto from_environment = [](const char* variable, const char* fallback) {
    std::string value = environment(variable);
    return without_trailing_slash(value.empty() ? fallback : value);
  };
  switch (type) {
    case ProviderType::openai:
      return from_environment("OPENAI_BASE_URL", "https://api.openai.com/v1");
    case ProviderType::anthropic:
      return from_environment("ANTHROPIC_BASE_URL", "https://api.anthropic.com");
    case ProviderType::azure_openai:
      return from_environment("AZURE_OPENAI_ENDPOINT", "");
    case ProviderType::ollama: {
      std::string host = environment("OLLAMA_HOST");
      if (host.empty()) {
        return "http://127.0.0.1:11434";
      }
      return without_trailing_slash(host.find("://") == std::string::npos ? "http://" + host
                                                                          : host);
    }
    case ProviderType::openai_compatible:
    case ProviderType::echo:
      return "";
  }
  return "";
}

std::optional<Price> ProviderSettings::price_of(const std::string& model) const {
  if (auto found = prices.find(model); found != prices.end()) {
    return found->second;
  }
  if (type == ProviderType::openai || type == ProviderType::anthropic ||
      type == ProviderType::azure_openai) {
    if (auto found = builtin_prices().find(model); found != builtin_prices().end()) {
      return found->second;
    }
  }
  if (type == ProviderType::echo || type == ProviderType::ollama) {
    return Price{};  // runs locally: no charge
  }
  return std::nullopt;
}

std::map<std::string, ProviderSettings> builtin_providers() {
  std::map<std::string, ProviderSettings> providers;
  for (ProviderSettings settings : {
           builtin("openai", ProviderType::openai, "OPENAI_API_KEY"),
           builtin("anthropic", ProviderType::anthropic, "ANTHROPIC_API_KEY"),
           builtin("azure-openai", ProviderType::azure_openai, "AZURE_OPENAI_API_KEY"),
           builtin("ollama", ProviderType::ollama, ""),
           builtin("echo", ProviderType::echo, ""),
       }) {
    providers.emplace(settings.name, std::move(settings));
  }
  return providers;
}

}  // namespace promptctl
