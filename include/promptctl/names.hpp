// Prompt names: "support/reply" is the file prompts/support/reply.yaml.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace promptctl {

/// Why `name` cannot name a prompt, or nothing when it can. Names are '/'-separated segments
/// of letters, digits, '_', '-' and '.', with no empty, "." or ".." segment, no leading '/',
/// no segment starting with '.', and no ".tests" ending (reserved for tests files).
std::optional<std::string> name_problem(std::string_view name);

/// Throws `Error` (usage) when `name` is not a valid prompt name.
void validate_name(std::string_view name);

/// Accepts a name or a path to a prompt file ("prompts/a/b.yaml", "a/b.yaml") and returns the
/// prompt name; leaves anything else unchanged for validation to judge.
std::string normalize_name(std::string_view argument);

}  // namespace promptctl
