// Creating repositories and prompt files, and moving or removing prompts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "promptctl/workspace.hpp"

namespace promptctl {

struct InitReport {
  std::filesystem::path root;
  bool created_git_repository = false;  ///< false when `root` was inside one already
  std::vector<std::string> files;       ///< files written, relative to `root`
};

/// Makes `dir` a prompt repository: a git repository (unless it is inside one already) with
/// `promptctl.yaml` and `prompts/`. Throws `Error` (already_exists) when `dir` has a
/// promptctl.yaml.
InitReport init_repository(const std::filesystem::path& dir);

struct NewPromptOptions {
  std::string description;
  std::string system;
  std::string template_text;  ///< empty: a one-variable starter template
  std::vector<std::string> tags;
  std::string category;
  std::string owner;
  /// "provider/model" or a model name, written as the prompt's `model`; empty: none.
  std::string model;
};

/// The text of a new, lint-clean prompt file: every variable its template uses is declared as
/// a required string, and a starter test sets them.
std::string new_prompt_text(const std::string& name, const NewPromptOptions& options);

/// Writes a new prompt; throws `Error` (already_exists) rather than overwrite one, and
/// (invalid_input) when the options do not make a valid prompt.
std::filesystem::path create_prompt(Workspace& workspace, const std::string& name,
                                    const NewPromptOptions& options);

/// Writes a new prompt `name` as a copy of the prompt `from` (its file and its tests file), as
/// they are in the working tree. Throws `Error`: not_found for an unknown `from`,
/// already_exists rather than overwrite.
std::filesystem::path copy_prompt(Workspace& workspace, const std::string& name,
                                  const std::string& from);

/// A place where one prompt uses another as a partial or parent.
struct PartialReference {
  std::string prompt;
  SourceLocation location;
};

/// Every static partial or parent reference to `name` in the working tree's prompts.
std::vector<PartialReference> find_references(Workspace& workspace, const std::string& name);

/// A file renamed, both paths relative to the repository's root.
struct FileMove {
  std::string from;
  std::string to;
};

struct MoveReport {
  std::vector<FileMove> files_moved;
  std::vector<std::string> prompts_updated;  ///< prompts whose references were rewritten
  std::vector<PartialReference> left;        ///< references that could not be rewritten
};

/// Renames a prompt (and its tests file) and rewrites `{{> OLD}}`, `{{< OLD}}` and
/// `{{/OLD}}` references in the other prompts; with `rewrite` false, only reports them.
MoveReport move_prompt(Workspace& workspace, const std::string& from, const std::string& to,
                       bool rewrite);

/// Deletes a prompt and its tests file; refuses while other prompts use it as a partial unless
/// `force` is set. Returns the files removed.
std::vector<std::string> remove_prompt(Workspace& workspace, const std::string& name, bool force);

}  // namespace promptctl
