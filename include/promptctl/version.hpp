// What this build of promptctl is: its version, the commit it was built from, and the
// libraries it runs with.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "promptctl/build_info.hpp"

namespace promptctl {

/// The version of each library promptctl uses, as loaded now ("libgit2", "libcurl", "sqlite",
/// "yaml-cpp"). libgit2 and libcurl are loaded by this call; a library that cannot be loaded
/// has no value. Never throws for a missing library.
[[nodiscard]] std::map<std::string, std::optional<std::string>> library_versions();

}  // namespace promptctl
