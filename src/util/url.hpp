// Reading URLs as far as promptctl needs to judge where a request goes; nothing here knows
// about prompts or providers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace promptctl::util {

/// The parts of "scheme://[userinfo@]host[:port][/path]".
struct UrlParts {
  std::string scheme;    ///< lowercase
  std::string userinfo;  ///< "user:password", "user" or ""
  std::string host;      ///< lowercase, brackets of an IPv6 address removed
  std::string port;      ///< "" when the URL names none
  std::string path;      ///< from the first '/', or ""
};

/// The parts of `url`, or nothing when it is not "scheme://host…".
std::optional<UrlParts> parse_url(std::string_view url);

/// Whether `host` is this machine: "localhost", 127.0.0.0/8 or ::1.
bool is_loopback_host(std::string_view host);

/// Whether `url` points at this machine (see `is_loopback_host`).
bool is_loopback_url(std::string_view url);

/// Whether a request to `url` would cross the network unencrypted: plain http to a host that
/// is not this machine. Secrets (API keys, tokens) are never sent where this is true.
bool is_cleartext_to_another_machine(std::string_view url);

/// Whether `url` is `prefix` or lies under it: the same scheme, host and port, and a path that
/// is the prefix's path or continues it after a '/'. "https://a.example/v1" is under
/// "https://a.example" but "https://a.example.evil/v1" and "https://a.example/v10" are not
/// under "https://a.example/v1".
bool url_is_under(std::string_view url, std::string_view prefix);

/// `text` with each %XX replaced by the byte it encodes; nothing when a '%' is not followed by
/// two hexadecimal digits.
std::optional<std::string> percent_decoded(std::string_view text);

/// `text` with the password of every "scheme://user:password@host" URL in it masked
/// ("user:***@host"), so that URLs can appear in messages, logs and the ledger.
std::string redact_url_credentials(std::string_view text);

}  // namespace promptctl::util
