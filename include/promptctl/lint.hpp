// Checking prompt files for every problem at once.
#pragma once

#include <string>
#include <vector>

#include "promptctl/workspace.hpp"

namespace promptctl {

struct LintReport {
  std::vector<Diagnostic> diagnostics;
  int prompts_checked = 0;

  [[nodiscard]] int errors() const;
  [[nodiscard]] int warnings() const;
};

/// Lints the named prompts, or every prompt (plus the settings and stray files) when `names`
/// is empty: YAML syntax, unknown keys, types, template syntax, undeclared and unused
/// variables, missing, unusable and cyclic partials, test variables, conflict markers.
/// Throws `Error` (not_found) for a name that does not exist.
LintReport lint(Workspace& workspace, const std::vector<std::string>& names);

}  // namespace promptctl
