// What a prompt's templates use, compared with what it declares.
#pragma once

#include <string>
#include <vector>

#include "promptctl/render.hpp"

namespace promptctl {

/// A top-level variable name used by a template of the prompt or of a partial it includes.
struct VariableUse {
  std::string name;
  SourceLocation location;
  std::string partial;  ///< the partial the use is in, or "" for the prompt itself
};

/// The top-level names a prompt's templates (and the partials they reach) use. A name inside a
/// section over an array or object, or over an undeclared name, is taken to belong to the
/// section's items. Partials that do not load are skipped.
std::vector<VariableUse> variable_uses(const Prompt& prompt, PromptPartials& partials);

enum class VariableStatus { ok, undeclared, unused };

struct VariableEntry {
  std::string name;
  std::optional<VariableSpec> spec;  ///< the declaration, when there is one
  std::vector<VariableUse> uses;
  VariableStatus status = VariableStatus::ok;
};

/// Declared variables in declaration order, then undeclared ones in order of first use.
std::vector<VariableEntry> variable_report(const Prompt& prompt, PromptPartials& partials);

[[nodiscard]] std::string_view to_string(VariableStatus status);

}  // namespace promptctl
