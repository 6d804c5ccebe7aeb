#include "exec/credentials.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "promptctl/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"

namespace promptctl::exec_detail {
namespace {

// `path` (named `what` in messages) exists; a private key must also be its owner's alone.
void check_file(const std::string& path, const std::string& what, const ProviderSettings& settings,
                bool owner_only) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw Error(ErrorKind::invalid_input,
                what + " '" + path + "' of provider '" + settings.name + "' does not exist");
  }
  if (owner_only && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw Error(
        ErrorKind::invalid_input,
        what + " '" + path + "' of provider '" + settings.name + "' can be read by other users", {},
        "chmod 600 '" + path + "'");
  }
}

std::string read_key_file(const ProviderSettings& settings) {
  std::string path = util::expand_home(settings.key_file);
  check_file(path, "the key file", settings, true);
  return std::string(util::trim(util::read_file(path, 64 << 10)));
}

http::TlsFiles tls_files_for(const ProviderSettings& settings) {
  TlsFiles configured = settings.effective_tls();
  http::TlsFiles files{util::expand_home(configured.ca_file), util::expand_home(configured.ca_path),
                       util::expand_home(configured.client_cert),
                       util::expand_home(configured.client_key)};
  if (!files.ca_file.empty()) {
    check_file(files.ca_file, "the CA file (" + configured.ca_file_origin + ")", settings, false);
  }
  if (!files.ca_path.empty()) {
    check_file(files.ca_path, "the CA folder (" + configured.ca_path_origin + ")", settings, false);
  }
  if (!files.client_cert.empty()) {
    check_file(files.client_cert, "the client certificate", settings, false);
  }
  if (!files.client_key.empty()) {
    check_file(files.client_key, "the client key", settings, true);
  }
  return files;
}

// Replaces each "${NAME}" with that environment variable, which must be set.
std::string expand(const std::string& value, const ProviderSettings& settings,
                   const std::string& header, bool& used_variable) {
  std::string out;
  size_t position = 0;
  while (true) {
    size_t start = value.find("${", position);
    if (start == std::string::npos) {
      return out + value.substr(position);
    }
    size_t end = value.find('}', start);
    if (end == std::string::npos) {
      return out + value.substr(position);
    }
    std::string variable = value.substr(start + 2, end - start - 2);
    const char* found = std::getenv(variable.c_str());
    if (!found || !*found) {
      throw Error(ErrorKind::invalid_input,
                  "header '" + header + "' of provider '" + settings.name +
                      "' needs the environment variable " + variable + ", which is not set");
    }
    out += value.substr(position, start - position) + found;
    used_variable = true;
    position = end + 1;
  }
}

// What a request would carry that is secret, by name: "the key in OPENAI_API_KEY", "header
// 'X-Token'". Values never appear.
std::string secrets_named(const ProviderSettings& settings, const Credentials& credentials,
                          const std::vector<std::string>& secret_headers) {
  std::string named;
  if (!credentials.key.empty()) {
    named = settings.key_file.empty() ? "the key in " + settings.key_variable
                                      : "the key in '" + settings.key_file + "'";
  }
  for (const std::string& header : secret_headers) {
    named += (named.empty() ? "header '" : ", header '") + header + "'";
  }
  return named;
}

bool user_trusts(const ProviderSettings& settings, const std::string& url) {
  return std::any_of(
      settings.trusted_endpoints.begin(), settings.trusted_endpoints.end(),
      [&](const std::string& endpoint) { return util::url_is_under(url, endpoint); });
}

// Secrets go over https, or over plain http to this machine only; and where the repository's
// committed settings chose the address, the key variable or the headers, only to an address
// the user trusts. Throws `Error` (invalid_input) naming the provider, the secrets by name
// and the address, never a value.
void check_destination(const ProviderSettings& settings, const Credentials& credentials,
                       const std::vector<std::string>& secret_headers) {
  if (credentials.secrets.empty()) {
    return;
  }
  std::string url = util::redact_url_credentials(settings.effective_base_url());
  std::optional<util::UrlParts> parts = util::parse_url(settings.effective_base_url());
  if (!parts) {
    return;  // no address: the executor says that the provider has no base_url
  }
  std::string what = secrets_named(settings, credentials, secret_headers);
  if (parts->scheme != "https" && !util::is_loopback_host(parts->host)) {  // http, or worse
    throw Error(ErrorKind::invalid_input,
                "refusing to send " + what + " of provider '" + settings.name + "' over plain " +
                    parts->scheme + " to '" + url + "'",
                {}, "use an https:// address; secrets go over plain http only to this machine");
  }
  bool repository_chose = settings.base_url_from_repository ||
                          settings.key_variable_from_repository ||
                          (settings.headers_from_repository && !secret_headers.empty());
  if (!repository_chose || user_trusts(settings, settings.effective_base_url())) {
    return;
  }
  throw Error(ErrorKind::invalid_input,
              "refusing to send " + what + " of provider '" + settings.name + "' to '" + url +
                  "': the repository's promptctl.yaml chose " +
                  (settings.base_url_from_repository ? "that address" : "what is sent there") +
                  ", and only the user decides where secrets go",
              settings.location,
              "if you trust it, add '" + url +
                  "' to PROMPTCTL_TRUSTED_ENDPOINTS or to trusted_endpoints in "
                  "~/.config/promptctl/config.yaml, or configure the provider there");
}

}  // namespace

Credentials credentials_for(const ProviderSettings& settings) {
  Credentials credentials;
  if (!settings.key_file.empty()) {
    credentials.key = read_key_file(settings);
  } else if (!settings.key_variable.empty()) {
    const char* value = std::getenv(settings.key_variable.c_str());
    credentials.key = value ? std::string(util::trim(value)) : "";
  }
  if (credentials.key.empty() && settings.key_required) {
    throw Error(ErrorKind::invalid_input,
                "provider '" + settings.name + "' needs an API key: set " +
                    (settings.key_file.empty() ? settings.key_variable
                                               : "a key in '" + settings.key_file + "'"));
  }
  if (!credentials.key.empty()) {
    credentials.secrets.push_back(credentials.key);
  }
  std::vector<std::string> secret_headers;
  for (const auto& [name, value] : settings.headers) {
    bool secret = false;
    std::string expanded = expand(value, settings, name, secret);
    if (secret) {
      credentials.secrets.push_back(expanded);
      secret_headers.push_back(name);
    }
    credentials.headers.emplace_back(name, expanded);
  }
  check_destination(settings, credentials, secret_headers);
  credentials.tls = tls_files_for(settings);
  return credentials;
}

void apply_connection_settings(const ProviderSettings& settings, const Credentials& credentials,
                               http::Request& request) {
  for (const auto& header : credentials.headers) {
    request.headers.push_back(header);
  }
  request.timeout_ms = settings.timeout_ms;
  request.connect_timeout_ms = settings.connect_timeout_ms;
  request.tls = credentials.tls;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  text = util::redact_url_credentials(text);
  for (const std::string& secret : secrets) {
    if (secret.size() < 4) {
      continue;  // too short to tell from ordinary text
    }
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[redacted]");
    }
  }
  return text;
}

}  // namespace promptctl::exec_detail
