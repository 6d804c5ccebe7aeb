// Prompt-aware differences between two states of a repository.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/changes.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

enum class FieldChangeKind { added, removed, changed };

/// One field of a prompt that differs: "description", "model", "variables.tone",
/// "tests.greets politely", …, with its value on each side (null where it is absent).
struct FieldChange {
  std::string field;
  FieldChangeKind kind = FieldChangeKind::changed;
  nlohmann::json before;
  nlohmann::json after;
};

/// How one prompt (or promptctl.yaml, or another file) differs.
struct PromptDiff {
  PromptChange change;
  std::vector<FieldChange> fields;
  /// The template text (or the messages, each under a "[role]" line); the whole file when a
  /// side does not load as a prompt, or for files that are not prompts.
  std::vector<repo::DiffHunk> text;
  /// Why the fields could not be compared ("" when they were): a side that does not load.
  std::string problem;

  [[nodiscard]] int added_lines() const;
  [[nodiscard]] int removed_lines() const;
};

[[nodiscard]] std::string_view to_string(FieldChangeKind kind);

/// The differences between the prompts of `from` and those of `to` (the working tree when
/// absent, untracked prompt files included), one entry per prompt, sorted by name. `names`
/// limits the result to those prompts (under either name, for a rename).
std::vector<PromptDiff> diff_prompts(Workspace& workspace,
                                     const std::shared_ptr<const repo::Repository>& repository,
                                     const repo::Revision& from,
                                     const std::optional<repo::Revision>& to,
                                     const std::vector<std::string>& names);

/// The fields that differ between two prompts, ignoring where things sit in the file.
std::vector<FieldChange> compare_fields(const Prompt& before, const Prompt& after);

/// The text a template diff compares: the `template` alone, or each message under "[role]".
std::string template_text(const Prompt& prompt);

}  // namespace promptctl
