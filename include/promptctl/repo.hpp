// Git repositories through libgit2. No libgit2 type appears here.
#pragma once

#include <filesystem>
#include <optional>

namespace promptctl::repo {

/// The work tree of the git repository containing `path`, or nothing when there is none.
std::optional<std::filesystem::path> find_work_tree(const std::filesystem::path& path);

/// Creates a git repository with a work tree at `dir` (creating the folder), as `git init`
/// does, honouring `init.defaultBranch`. Throws `Error` (git) on failure.
void init_repository(const std::filesystem::path& dir);

}  // namespace promptctl::repo
