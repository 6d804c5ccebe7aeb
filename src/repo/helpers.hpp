// Pieces shared by the files that implement promptctl::repo::Repository.
#pragma once

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"

namespace promptctl::repo {

/// `text` with the password of any "scheme://user:password@host" URL in it masked, so that
/// remote URLs can appear in messages.
std::string redact_credentials(std::string_view text);

/// The identity a libgit2 signature holds (empty for none).
Identity identity_of(const git_signature* signature);

/// A libgit2 signature for an identity.
GitSignature signature(const Identity& who);

/// Throws `Error` when a merge or rebase is in progress (invalid_input) or another process
/// holds the index lock (git).
void refuse_unless_ready(git_repository* repository);

/// One detail per path, "PATH: message", for an error about several files.
std::vector<Diagnostic> file_details(const std::vector<std::string>& paths,
                                     const std::string& message);

/// Throws `Error` (invalid_input) when `path` is in a git repository that libgit2 refused to
/// open because another user owns it (git's safe.directory rule), saying so; does nothing
/// otherwise. libgit2 reports that refusal as "not found" when no safe.directory is set.
void refuse_foreign_owner(const std::filesystem::path& path);

/// The tree of a revision's commit.
GitTree tree_of(git_repository* repository, const Revision& revision);

/// HEAD's commit, or nothing on an unborn branch.
GitCommit head_commit(git_repository* repository);

}  // namespace promptctl::repo
