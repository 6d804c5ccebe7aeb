#include "promptctl/provider_settings.hpp"

#include <array>
#include <cstdlib>
#include <map>

namespace promptctl {
namespace {

constexpr std::array k_provider_kinds = {
    ProviderKind{ProviderType::openai, "openai", WireDialect::openai, true, "OPENAI_API_KEY", "",
                 "OPENAI_BASE_URL", false, "https://api.openai.com/v1", Pricing::listed, "",
                 "openai"},
    ProviderKind{ProviderType::anthropic, "anthropic", WireDialect::anthropic, true,
                 "ANTHROPIC_API_KEY", "2023-06-01", "ANTHROPIC_BASE_URL", false,
                 "https://api.anthropic.com", Pricing::listed, "", "anthropic"},
    ProviderKind{ProviderType::azure_openai, "azure-openai", WireDialect::azure_openai, true,
                 "AZURE_OPENAI_API_KEY", "2024-10-21", "AZURE_OPENAI_ENDPOINT", false, "",
                 Pricing::listed, "", "azure.ai.openai"},
    ProviderKind{ProviderType::ollama, "ollama", WireDialect::ollama, true, "", "", "OLLAMA_HOST",
                 true, "http://127.0.0.1:11434", Pricing::free, "", "ollama"},
    ProviderKind{ProviderType::openai_compatible, "openai-compatible", WireDialect::openai, false,
                 "", "", "", false, "", Pricing::configured, "", ""},
    ProviderKind{ProviderType::echo, "echo", WireDialect::offline, true, "", "", "", false, "",
                 Pricing::free, "echo", "echo"},
};

// Row i describes the type whose value is i, and the last type has the last row: a type added
// to the enum without a row, or rows out of order, do not compile.
constexpr bool rows_follow_the_enum() {
  for (std::size_t i = 0; i < k_provider_kinds.size(); ++i) {
    if (static_cast<std::size_t>(k_provider_kinds[i].type) != i) {
      return false;
    }
  }
  return true;
}
static_assert(rows_follow_the_enum(), "one row per ProviderType, in the enum's order");
static_assert(k_provider_kinds.size() == static_cast<std::size_t>(ProviderType::echo) + 1,
              "every ProviderType has its row (echo is the enum's last value)");

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

}  // namespace

const ProviderKind& provider_kind(ProviderType type) {
  return k_provider_kinds.at(static_cast<std::size_t>(type));
}

std::string_view to_string(ProviderType type) {
  return provider_kind(type).name;
}

std::optional<ProviderType> parse_provider_type(std::string_view text) {
  for (const ProviderKind& kind : k_provider_kinds) {
    if (kind.name == text) {
      return kind.type;
    }
  }
  return std::nullopt;
}

std::vector<std::string> provider_type_names() {
  std::vector<std::string> names;
  for (const ProviderKind& kind : k_provider_kinds) {
    names.emplace_back(kind.name);
  }
  return names;
}

std::vector<std::string> builtin_provider_names() {
  std::vector<std::string> names;
  for (const ProviderKind& kind : k_provider_kinds) {
    if (kind.built_in) {
      names.emplace_back(kind.name);
    }
  }
  return names;
}

ProviderSettings default_provider_settings(const std::string& name, ProviderType type) {
  const ProviderKind& kind = provider_kind(type);
  ProviderSettings settings;
  settings.name = name;
  settings.type = type;
  settings.key_variable = kind.key_variable;
  settings.key_required = !kind.key_variable.empty();
  settings.api_version = kind.api_version;
  return settings;
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
  const ProviderKind& type_kind = kind();
  std::string value = type_kind.base_url_variable.empty()
                          ? ""
                          : environment(std::string(type_kind.base_url_variable).c_str());
  if (value.empty()) {
    return without_trailing_slash(std::string(type_kind.base_url));
  }
  if (type_kind.variable_may_be_bare_host && value.find("://") == std::string::npos) {
    value = "http://" + value;
  }
  return without_trailing_slash(value);
}

std::optional<Price> ProviderSettings::price_of(const std::string& model) const {
  if (auto found = prices.find(model); found != prices.end()) {
    return found->second;
  }
  switch (kind().pricing) {
    case Pricing::listed:
      if (auto found = builtin_prices().find(model); found != builtin_prices().end()) {
        return found->second;
      }
      return std::nullopt;
    case Pricing::free:
      return Price{};
    case Pricing::configured:
      return std::nullopt;
  }
  return std::nullopt;
}

std::map<std::string, ProviderSettings> builtin_providers() {
  std::map<std::string, ProviderSettings> providers;
  for (const ProviderKind& kind : k_provider_kinds) {
    if (kind.built_in) {
      providers.emplace(kind.name, default_provider_settings(std::string(kind.name), kind.type));
    }
  }
  return providers;
}

}  // namespace promptctl
