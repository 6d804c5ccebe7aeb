#include "promptctl/version.hpp"

#include "http/curl_api.hpp"
#include "ledger/sqlite_api.hpp"
#include "promptctl/error.hpp"
#include "repo/git_api.hpp"

namespace promptctl {
namespace {

std::optional<std::string> loaded_libgit2() {
  try {
    int major = 0;
    int minor = 0;
    int patch = 0;
    repo::git().git_libgit2_version(&major, &minor, &patch);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<std::string> loaded_libcurl() {
  try {
    const curl_version_info_data* info = http::curl().curl_version_info(CURLVERSION_NOW);
    if (info && info->version) {
      return std::string(info->version);
    }
  } catch (const Error&) {
  }
  return std::nullopt;
}

std::optional<std::string> loaded_sqlite() {
  try {
    return std::string(ledger_detail::sqlite().sqlite3_libversion());
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace

std::map<std::string, std::optional<std::string>> library_versions() {
  return {{"libgit2", loaded_libgit2()},
          {"libcurl", loaded_libcurl()},
          {"sqlite", loaded_sqlite()},
          // Linked in (statically where the archive exists), so the version built against is
          // the one running; yaml-cpp has no run-time version call.
          {"yaml-cpp", std::string(PROMPTCTL_YAML_CPP_VERSION)}};
}

}  // namespace promptctl
