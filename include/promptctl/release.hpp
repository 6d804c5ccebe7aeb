// Releases: semantic versions of one prompt, kept as annotated tags "NAME@X.Y.Z".
#pragma once

#include <compare>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

struct SemVer {
  int major = 0;
  int minor = 0;
  int patch = 0;

  /// "1.4.0"; nothing for anything else (no "v", no pre-release part, no leading zeros).
  static std::optional<SemVer> parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;
  auto operator<=>(const SemVer&) const = default;
};

enum class Bump { major, minor, patch };

/// The next version after `previous` (1.0.0 when there is none).
SemVer next_version(const std::optional<SemVer>& previous, Bump bump);

struct Release {
  std::string name;
  SemVer version;
  repo::TagInfo tag;
  std::string content_hash;
};

/// The tag a release of `name` at `version` has.
std::string release_tag(std::string_view name, const SemVer& version);

/// The releases of `name`, oldest version first, with their content hashes.
std::vector<Release> releases(const Workspace& workspace,
                              const std::shared_ptr<const repo::Repository>& repository,
                              std::string_view name);

/// Tags HEAD's version of `name` as the next release. Throws `Error`: not_found when HEAD has
/// no such prompt, refused when its content (with its partials) is that of the last release.
Release create_release(const Workspace& workspace,
                       const std::shared_ptr<repo::Repository>& repository, std::string_view name,
                       Bump bump, const std::string& message);

}  // namespace promptctl
