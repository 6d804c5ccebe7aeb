// Changes since HEAD, by prompt rather than by file, and committing them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// What a changed file is to promptctl: a prompt (its file or tests file), the settings, a file
/// that prompts' tests read (a variables file, a dataset, a schema), or another file.
enum class Subject { prompt, settings, other, data };

[[nodiscard]] std::string_view to_string(Subject subject);

struct PromptChange {
  Subject subject = Subject::prompt;
  repo::ChangeKind kind = repo::ChangeKind::modified;
  std::string name;                ///< the prompt's name; the path for settings and other files
  std::string old_name;            ///< for a rename
  std::vector<std::string> paths;  ///< the files involved, relative to the git work tree
  /// Lint errors and warnings of a changed prompt that exists in the working tree.
  std::optional<std::pair<int, int>> lint;
  /// For a data file: the prompts whose tests read it, sorted.
  std::vector<std::string> used_by;
};

[[nodiscard]] std::string_view to_string(repo::ChangeKind kind);
/// "up-to-date", "fast-forward", "merged" or "conflicts".
[[nodiscard]] std::string_view to_string(repo::MergeOutcome outcome);

/// The pathspecs of what promptctl manages: prompts/ and promptctl.yaml, under the prompt
/// repository's `prefix` inside the git work tree.
std::vector<std::string> prompt_pathspecs(const std::string& prefix);

/// File changes folded into one entry per prompt (its tests file folded in), sorted by name.
std::vector<PromptChange> group_changes(const std::vector<repo::FileChange>& files,
                                        const std::string& prefix);

/// What changed under prompts/ and in promptctl.yaml between HEAD and the working tree, one
/// entry per prompt (its tests file folded in), sorted by name, then each changed file that a
/// prompt's tests read (Subject::data), sorted by path. `with_lint` lints each changed prompt.
std::vector<PromptChange> prompt_changes(Workspace& workspace, const repo::Repository& repository,
                                         bool with_lint);

/// The files a commit of `names` takes: each prompt's file and tests file, the old file of a
/// prompt renamed to one of them, and the changed files its tests read, so that a commit never
/// points at a dataset left behind. With no names, every changed file under prompts/, in
/// promptctl.yaml, and that tests read. Throws `Error` (not_found) for a name that is neither in
/// the working tree nor among the changes.
std::vector<std::string> commit_paths(Workspace& workspace, const repo::Repository& repository,
                                      const std::vector<std::string>& names);

/// Commits `paths` (as `commit_paths` gives them) with `message` (a final newline added), under
/// the repository's configured identities. Throws `Error` (refused) when there are none, and
/// (invalid_input) naming a YAML file larger than a prompt file may be, which every command
/// would refuse to read once committed.
repo::CommitResult commit_prompts(repo::Repository& repository,
                                  const std::vector<std::string>& paths,
                                  const std::string& message);

}  // namespace promptctl
