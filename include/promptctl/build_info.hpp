// The facts fixed when promptctl was built: its version, commit and build type.
#pragma once

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

/// The version of the JSON vocabulary (promptctl-json(7)) that `--json` output follows. Every
/// document carries it as `schema_version`; it grows when a shape changes incompatibly.
inline constexpr int k_json_schema_version = 1;

/// This build's facts.
[[nodiscard]] const BuildInfo& build_info();

}  // namespace promptctl
