// What this build of promptctl is: its version, the commit it was built from, and the
// libraries it runs with.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace promptctl {

/// Facts fixed when promptctl was built.
struct BuildInfo {
  /// "1.2.3" at a release tag, "1.2.3-4-gabcdef012345" after one, or the project version with
  /// the commit as build metadata ("0.1.0+gabcdef012345"); ".dirty"/"-dirty" for uncommitted
  /// changes; the bare project version when built outside a git checkout.
  std::string version;
  /// The full commit id, or "" when built outside a git checkout.
  std::string commit;
  /// The CMake build type ("RelWithDebInfo", …), with "+sanitizers" for a sanitizer build.
  std::string build_type;
};

/// This build's facts.
[[nodiscard]] const BuildInfo& build_info();

/// The version of each library promptctl uses, as loaded now ("libgit2", "libcurl", "sqlite",
/// "yaml-cpp"). libgit2 and libcurl are loaded by this call; a library that cannot be loaded
/// has no value. Never throws for a missing library.
[[nodiscard]] std::map<std::string, std::optional<std::string>> library_versions();

}  // namespace promptctl
