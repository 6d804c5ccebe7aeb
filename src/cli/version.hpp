// Printing the version, for `promptctl version` and the global -V/--version.
#pragma once

#include "cli/output.hpp"

namespace promptctl::cli {

/// "promptctl VERSION", or with `json` the build's facts and the loaded libraries' versions.
void print_version(const Output& out, bool json);

}  // namespace promptctl::cli
