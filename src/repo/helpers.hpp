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

/// Throws `Error` (invalid_input) when a merge or rebase is in progress.
void refuse_during_operation(git_repository* repository);

/// Throws `Error` when a merge or rebase is in progress (invalid_input) or another process
/// holds the index lock (git).
void refuse_unless_ready(git_repository* repository);

/// How a compare-and-swap update of a ref went: done, or not made because another process
/// moved the ref first, or because another process holds its lock file at this moment.
enum class RefUpdate { done, moved, locked };

/// The outcome of libgit2's `status` for an update of `ref`; throws `Error` (git) for a failure
/// that is none of those.
RefUpdate ref_update_outcome(int status, const std::string& ref);

/// After `attempt` (from 0) found a ref locked by another process: waits a little longer each
/// time and says whether to try again, for about five seconds in all, as git waits
/// (core.filesRefLockTimeout) before it gives up.
bool wait_for_ref_lock(int attempt);

/// Removes `ref`'s lock file when nothing has written it for a few seconds: its process died
/// while it held it. Says whether it did.
bool remove_stale_ref_lock(git_repository* repository, const std::string& ref);

/// The error for a ref whose lock file another process held all along.
Error ref_locked_error(git_repository* repository, const std::string& ref);

/// Runs `attempt`, one compare-and-swap update of `ref` that returns a `RefUpdate`, until it
/// is done: at once again when another process moved the ref (up to 20 times), after a pause
/// while another process holds its lock. Throws `Error` (git) naming `doing` when it gives up.
template <typename Attempt>
void update_ref_until_done(git_repository* repository, const std::string& ref,
                           const std::string& doing, Attempt&& attempt) {
  int moved = 0;
  int locked = 0;
  while (true) {
    switch (attempt()) {
      case RefUpdate::done:
        return;
      case RefUpdate::moved:
        if (++moved >= 20) {
          throw Error(ErrorKind::git, ref + " kept changing while " + doing + "; try again");
        }
        break;
      case RefUpdate::locked:
        if (!remove_stale_ref_lock(repository, ref) && !wait_for_ref_lock(locked++)) {
          throw ref_locked_error(repository, ref);
        }
        break;
    }
  }
}

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
