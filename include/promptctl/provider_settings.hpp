// How a model provider is reached: its wire format, address, key, limits and prices.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "promptctl/error.hpp"

namespace promptctl {

/// A type of provider, as `type:` names it. Each has one row in the table of provider kinds
/// (settings/providers.cpp), in this order; the compiler checks that every value has its row.
enum class ProviderType { openai, anthropic, azure_openai, ollama, openai_compatible, echo };

/// The format of requests and answers a provider speaks; exec/ has one wire format for each.
enum class WireDialect { openai, azure_openai, anthropic, ollama, offline };

/// Where a provider's prices come from when its settings give none.
enum class Pricing {
  listed,     ///< the built-in list prices of the maker's models
  free,       ///< it runs on this machine: no charge
  configured  ///< only `prices:` in the settings
};

/// Everything promptctl knows about a type of provider. Adding a type that speaks a known dialect
/// is adding one row; a new dialect is also one wire format in exec/.
struct ProviderKind {
  ProviderType type;
  std::string_view name;  ///< as written in `type:`; also the built-in provider's name
  WireDialect dialect;
  bool built_in;                       ///< every repository has a provider of this name
  std::string_view key_variable;       ///< the variable holding its key; empty: it takes none
  std::string_view api_version;        ///< the default `api_version`
  std::string_view base_url_variable;  ///< the environment variable that sets the address
  bool variable_may_be_bare_host;      ///< that variable may be "host:port" (as OLLAMA_HOST)
  std::string_view base_url;           ///< the default address; empty: it must be configured
  Pricing pricing;
  std::string_view model;  ///< the model a call gets when it names none; empty: it must name one
  /// `gen_ai.provider.name` in traces: the GenAI conventions' name where they have one; empty:
  /// the provider's own name from the settings (a server that only speaks a known API).
  std::string_view telemetry_name;

  /// It answers on this machine without a model (echo): no calls, no keys, no limits.
  [[nodiscard]] bool answers_offline() const { return dialect == WireDialect::offline; }
};

/// The row of a type.
[[nodiscard]] const ProviderKind& provider_kind(ProviderType type);
[[nodiscard]] std::string_view to_string(ProviderType type);
[[nodiscard]] std::optional<ProviderType> parse_provider_type(std::string_view text);
/// Every type's name, for messages and completion.
[[nodiscard]] std::vector<std::string> provider_type_names();
/// The built-in providers' names, in the table's order.
[[nodiscard]] std::vector<std::string> builtin_provider_names();

/// US dollars per million tokens.
struct Price {
  double input = 0;
  double output = 0;
};

/// The files a provider's TLS connections use besides the system's trusted certificates.
/// Empty fields are not set. Paths may start with "~/".
struct TlsFiles {
  std::string ca_file;      ///< a PEM bundle of the certificate authorities to trust instead
  std::string ca_path;      ///< a folder of hashed CA certificates (as `openssl rehash` makes)
  std::string client_cert;  ///< a PEM client certificate, for gateways that ask for one (mTLS)
  std::string client_key;   ///< its private key; it must be readable by its owner only

  /// Which setting or variable named each file, for messages ("ca_file", "SSL_CERT_FILE").
  std::string ca_file_origin;
  std::string ca_path_origin;
};

/// One configured provider: built in, or declared under `providers:` in promptctl.yaml or the
/// user configuration (each layer overriding the fields it sets).
struct ProviderSettings {
  std::string name;
  ProviderType type = ProviderType::openai;
  std::string base_url;  ///< empty: the type's default (or its environment variable)
  /// The environment variable holding the API key; empty when the provider takes none.
  std::string key_variable;
  /// A file holding the key (user configuration only); it must be readable by its owner only.
  std::string key_file;
  bool key_required = false;
  std::string api_version;  ///< `anthropic-version`, or Azure's `api-version`
  /// Extra request headers; "${VAR}" in a value is replaced by that environment variable.
  std::vector<std::pair<std::string, std::string>> headers;
  /// TLS files (user configuration only: the repository never chooses whom a key trusts).
  TlsFiles tls;
  long timeout_ms = 600000;
  long connect_timeout_ms = 10000;
  double requests_per_minute = 0;       ///< 0: no limit
  int max_retries = 3;                  ///< further attempts after the first
  long max_retry_ms = 60000;            ///< no retry starts after this long
  long retry_base_ms = 500;             ///< the first backoff; each later one doubles
  std::map<std::string, Price> prices;  ///< by model name
  SourceLocation location;              ///< where it was declared, for messages

  /// What the repository's committed settings chose, rather than the user (built-in defaults,
  /// the environment, the user configuration): the address, a key variable other than the
  /// type's own, headers. Secrets go to such a choice only when the user trusts the address.
  bool base_url_from_repository = false;
  bool key_variable_from_repository = false;
  bool headers_from_repository = false;
  /// URL prefixes the user trusts with secrets whose destination the repository chose:
  /// `trusted_endpoints` in the user configuration and PROMPTCTL_TRUSTED_ENDPOINTS.
  std::vector<std::string> trusted_endpoints;

  /// The base URL after defaults and environment variables (`OPENAI_BASE_URL`, …).
  [[nodiscard]] std::string effective_base_url() const;
  /// `tls` after the standard variables: without `ca_file`, CURL_CA_BUNDLE or SSL_CERT_FILE;
  /// without `ca_path`, SSL_CERT_DIR (as curl and OpenSSL read them).
  [[nodiscard]] TlsFiles effective_tls() const;
  /// The price of `model`, from these settings or the built-in table.
  [[nodiscard]] std::optional<Price> price_of(const std::string& model) const;
  /// The row of its type.
  [[nodiscard]] const ProviderKind& kind() const { return provider_kind(type); }
};

/// The settings a new provider of `type` starts from: its type's key variable and api_version.
ProviderSettings default_provider_settings(const std::string& name, ProviderType type);

/// The providers every repository has: openai, anthropic, azure-openai, ollama and echo.
std::map<std::string, ProviderSettings> builtin_providers();

/// The user configuration file: $XDG_CONFIG_HOME/promptctl/config.yaml, or
/// ~/.config/promptctl/config.yaml.
std::filesystem::path user_config_file();

/// The repository's providers (`providers:` in promptctl.yaml over the built-in ones) with the
/// user configuration's `providers:` applied on top, and the endpoints the user trusts
/// (`trusted_endpoints:` there and PROMPTCTL_TRUSTED_ENDPOINTS). Throws `Error`
/// (invalid_input) with every problem for a user configuration with errors.
std::map<std::string, ProviderSettings> configured_providers(
    const std::map<std::string, ProviderSettings>& repository_providers);

}  // namespace promptctl
