#include "settings/providers_reader.hpp"

#include "util/strings.hpp"

namespace promptctl::settings_detail {
namespace {

using util::YamlReader;

const std::vector<std::string> k_provider_keys = {
    "type",       "base_url",           "key_env",     "key_file",     "ca_file",
    "ca_path",    "client_cert",        "client_key",  "api_version",  "headers",
    "timeout_ms", "connect_timeout_ms", "max_retries", "max_retry_ms", "retry_base_ms",
    "prices",     "requests_per_minute"};

void read_positive(YamlReader& reader, const YAML::Node& node, const std::string& what,
                   long& target, bool zero_allowed) {
  if (!node) {
    return;
  }
  if (auto value = reader.integer(node, what)) {
    if (*value < 0 || (*value == 0 && !zero_allowed)) {
      reader.error(node, what + " must be " + (zero_allowed ? "zero or more" : "positive"),
                   "range");
    } else {
      target = static_cast<long>(*value);
    }
  }
}

void read_prices(YamlReader& reader, const YAML::Node& node, const std::string& context,
                 ProviderSettings& settings) {
  if (!reader.expect_map(node, context)) {
    return;
  }
  for (const auto& entry : node) {
    std::string model = entry.first.Scalar();
    std::string what = context + "." + model;
    if (!reader.expect_map(entry.second, "'" + what + "'")) {
      continue;
    }
    reader.check_keys(entry.second, {"input", "output"}, "'" + what + "'");
    Price price;
    for (auto [key, field] : {std::pair{"input", &price.input}, {"output", &price.output}}) {
      if (!entry.second[key]) {
        continue;
      }
      if (auto value = reader.number(entry.second[key], "'" + what + "." + key + "'")) {
        if (*value < 0) {
          reader.error(entry.second[key], "'" + what + "." + key + "' must not be negative",
                       "range");
        }
        *field = *value;
      }
    }
    settings.prices[model] = price;
  }
}

void read_headers(YamlReader& reader, const YAML::Node& node, const std::string& context,
                  ProviderSettings& settings) {
  if (!reader.expect_map(node, "'" + context + "'")) {
    return;
  }
  settings.headers.clear();
  for (const auto& entry : node) {
    if (auto value =
            reader.string(entry.second, "'" + context + "." + entry.first.Scalar() + "'")) {
      settings.headers.emplace_back(entry.first.Scalar(), *value);
    }
  }
}

// A gateway's CA and client certificate are the user's to set: a repository that chose the
// certificate authority could vouch for any address it likes.
void read_tls_files(YamlReader& reader, const YAML::Node& node, const std::string& context,
                    TlsFiles& tls, SettingsLayer layer) {
  for (auto [key, target] : {std::pair{"ca_file", &tls.ca_file},
                             {"ca_path", &tls.ca_path},
                             {"client_cert", &tls.client_cert},
                             {"client_key", &tls.client_key}}) {
    if (!node[key]) {
      continue;
    }
    std::string what = "'" + context + "." + key + "'";
    if (layer == SettingsLayer::repository) {
      reader.error(node[key], what + " belongs in the user configuration, not in a committed file",
                   "secret");
    } else if (auto value = reader.string(node[key], what)) {
      *target = *value;
    }
  }
  if (layer == SettingsLayer::user && tls.client_cert.empty() != tls.client_key.empty()) {
    reader.error(node, "'" + context + "' needs both 'client_cert' and 'client_key', or neither",
                 "missing");
  }
}

void read_fields(YamlReader& reader, const YAML::Node& node, const std::string& context,
                 ProviderSettings& settings, SettingsLayer layer) {
  auto text = [&](const char* key, std::string& target) {
    if (node[key]) {
      target = reader.string(node[key], "'" + context + "." + key + "'").value_or(target);
    }
  };
  const bool from_repository = layer == SettingsLayer::repository;
  if (node["base_url"]) {
    text("base_url", settings.base_url);
    settings.base_url_from_repository = from_repository;
  }
  text("api_version", settings.api_version);
  if (node["key_env"]) {
    text("key_env", settings.key_variable);
    settings.key_required = !settings.key_variable.empty();
    settings.key_variable_from_repository =
        from_repository && settings.key_variable != settings.kind().key_variable;
  }
  if (node["key_file"]) {
    if (layer == SettingsLayer::repository) {
      reader.error(node["key_file"],
                   "'" + context +
                       ".key_file' belongs in the user configuration, not in a "
                       "committed file",
                   "secret");
    } else {
      text("key_file", settings.key_file);
      settings.key_required = true;
    }
  }
  read_tls_files(reader, node, context, settings.tls, layer);
  if (node["headers"]) {
    read_headers(reader, node["headers"], context + ".headers", settings);
    settings.headers_from_repository = from_repository;
  }
  read_positive(reader, node["timeout_ms"], "'" + context + ".timeout_ms'", settings.timeout_ms,
                false);
  read_positive(reader, node["connect_timeout_ms"], "'" + context + ".connect_timeout_ms'",
                settings.connect_timeout_ms, false);
  read_positive(reader, node["max_retry_ms"], "'" + context + ".max_retry_ms'",
                settings.max_retry_ms, true);
  read_positive(reader, node["retry_base_ms"], "'" + context + ".retry_base_ms'",
                settings.retry_base_ms, true);
  long retries = settings.max_retries;
  read_positive(reader, node["max_retries"], "'" + context + ".max_retries'", retries, true);
  settings.max_retries = static_cast<int>(retries);
  if (node["requests_per_minute"]) {
    if (auto value =
            reader.number(node["requests_per_minute"], "'" + context + ".requests_per_minute'")) {
      if (*value < 0) {
        reader.error(node["requests_per_minute"],
                     "'" + context + ".requests_per_minute' must not be negative", "range");
      } else {
        settings.requests_per_minute = *value;
      }
    }
  }
  if (node["prices"]) {
    read_prices(reader, node["prices"], "'" + context + ".prices'", settings);
  }
}

void read_provider(YamlReader& reader, const std::string& name, const YAML::Node& node,
                   std::map<std::string, ProviderSettings>& providers, SettingsLayer layer) {
  std::string context = "providers." + name;
  if (!reader.expect_map(node, "'" + context + "'")) {
    return;
  }
  for (const char* secret : {"api_key", "key", "token"}) {
    if (node[secret]) {
      reader.error(node[secret],
                   "'" + context + "." + secret +
                       "': API keys are never read from settings files; name the environment "
                       "variable that holds it with 'key_env'" +
                       (layer == SettingsLayer::user ? " or a file with 'key_file'" : ""),
                   "secret");
    }
  }
  reader.check_keys(node, k_provider_keys, "'" + context + "'");
  auto existing = providers.find(name);
  ProviderSettings settings;
  if (node["type"]) {
    std::string type_text = reader.string(node["type"], "'" + context + ".type'").value_or("");
    auto type = parse_provider_type(type_text);
    if (!type) {
      reader.error(node["type"],
                   "unknown provider type '" + type_text + "'" +
                       util::did_you_mean(type_text, provider_type_names()),
                   "value");
      return;
    }
    settings = existing != providers.end() && existing->second.type == *type
                   ? existing->second
                   : default_provider_settings(name, *type);
  } else if (existing != providers.end()) {
    settings = existing->second;
  } else {
    reader.error(node,
                 "provider '" + name + "' needs a 'type' (one of " +
                     util::join(provider_type_names(), ", ") + ")",
                 "missing");
    return;
  }
  settings.location = reader.where(node);
  read_fields(reader, node, context, settings, layer);
  providers[name] = std::move(settings);
}

}  // namespace

void read_providers(YamlReader& reader, const YAML::Node& node,
                    std::map<std::string, ProviderSettings>& providers, SettingsLayer layer) {
  if (!reader.expect_map(node, "'providers'")) {
    return;
  }
  for (const auto& entry : node) {
    read_provider(reader, entry.first.Scalar(), entry.second, providers, layer);
  }
}

}  // namespace promptctl::settings_detail
