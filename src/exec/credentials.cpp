#include "exec/credentials.hpp"

#include <sys/stat.h>

#include <cstdlib>

#include "promptctl/error.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl::exec_detail {
namespace {

std::string read_key_file(const ProviderSettings& settings) {
  std::string path = settings.key_file;
  if (path.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    path = std::string(home ? home : "") + path.substr(1);
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw Error(ErrorKind::invalid_input,
                "the key file '" + path + "' of provider '" + settings.name + "' does not exist");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw Error(ErrorKind::invalid_input,
                "the key file '" + path + "' of provider '" + settings.name +
                    "' can be read by other users",
                {}, "chmod 600 '" + path + "'");
  }
  return std::string(util::trim(util::read_file(path, 64 << 10)));
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
  for (const auto& [name, value] : settings.headers) {
    bool secret = false;
    std::string expanded = expand(value, settings, name, secret);
    if (secret) {
      credentials.secrets.push_back(expanded);
    }
    credentials.headers.emplace_back(name, expanded);
  }
  return credentials;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
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
