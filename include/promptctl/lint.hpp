// Checking prompt files for every problem at once.
#pragma once

#include <string>
#include <vector>

#include "promptctl/experiment_settings.hpp"
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

/// Lints a prompt file's text as the prompt `name` (which need not exist yet), shown as
/// `file.path`: an editor's unsaved buffer, or standard input. Its partials, its tests file
/// and its tests' data come from the repository, as they would for the file itself.
LintReport lint_text(Workspace& workspace, const std::string& name, SourceFile file);

/// An error at each variant of `experiment` whose version does not load: a revision, release or
/// environment that does not exist or lacks the prompt, or a prompt file with errors there.
std::vector<Diagnostic> unresolved_variants(Workspace& workspace, const Experiment& experiment);

}  // namespace promptctl
