// API keys and secret header values: where they come from, and keeping them out of text.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "http/client.hpp"
#include "promptctl/provider_settings.hpp"

namespace promptctl::exec_detail {

/// What a provider's requests need that must never be written anywhere.
struct Credentials {
  std::string key;                                           ///< empty when the provider takes none
  std::vector<std::pair<std::string, std::string>> headers;  ///< configured, expanded
  /// Every secret value, for `redact`.
  std::vector<std::string> secrets;
  http::TlsFiles tls;  ///< checked: each file exists, and a client key is its owner's alone
};

/// The key and headers for `settings`. Throws `Error` (invalid_input) naming the missing
/// environment variable, the key file's or a TLS file's problem, never a value; and when the
/// secrets would go over plain http to another machine, or to an address, key variable or headers
/// that the repository's settings chose and the user does not trust (`trusted_endpoints`).
Credentials credentials_for(const ProviderSettings& settings);

/// Puts what every request to the provider carries onto `request`: the configured headers,
/// the TLS files and the time limits.
void apply_connection_settings(const ProviderSettings& settings, const Credentials& credentials,
                               http::Request& request);

/// `text` with every secret replaced by "[redacted]", and the password of any URL in it masked.
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace promptctl::exec_detail
