// Making a commit whole. A commit moves a ref and then rewrites git's index (and, for content
// given in memory, files of the working tree); a process killed between those steps would
// leave the index behind HEAD, where a plain 'git commit' silently reverts the change. So the
// index is prepared in git's own lock file before the ref moves, and a journal says what the
// commit was doing, so that the next promptctl command can finish or undo it.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "repo/git_handle.hpp"
#include "repo/staging.hpp"
#include "util/fd.hpp"
#include "util/file_lock.hpp"

namespace promptctl::repo {

/// git's `index.lock`, taken as git takes it: created only when it does not exist, so that git
/// and promptctl never change the index at once. Removed on destruction unless published.
class IndexLock {
 public:
  /// Prepares the lock as the file `claim` (in a folder of the git directory), whose identity
  /// can be recorded before the lock is taken. Throws `Error` (io) when it cannot.
  IndexLock(const std::filesystem::path& git_dir, const std::filesystem::path& claim);
  ~IndexLock();
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;

  /// Takes the lock, waiting up to `wait` while another process holds it. Throws `Error` (git)
  /// naming the file and what to do when it stays.
  void acquire(std::chrono::milliseconds wait);
  /// The lock file's device and inode, which tell it from another process's lock file.
  [[nodiscard]] const struct stat& identity() const { return m_identity; }
  /// Writes into the lock file the index as it is on disk now, with `staged` applied;
  /// `scratch` is a path the index may be prepared at.
  void write(const std::vector<StagedPath>& staged, const std::filesystem::path& scratch);
  /// Makes the lock file the index, in one rename.
  void publish();

 private:
  std::filesystem::path m_git_dir;
  std::filesystem::path m_claim;
  util::Fd m_fd;
  struct stat m_identity {};
  bool m_acquired = false;
  bool m_published = false;
};

/// One promptctl commit at a time per repository, and the record of the one in progress.
class CommitJournal {
 public:
  /// Takes the commit lock (waiting for another promptctl commit to end), then finishes or
  /// undoes a commit that was interrupted (see `finish_interrupted_commit`).
  explicit CommitJournal(git_repository* repository);
  CommitJournal(const CommitJournal&) = delete;
  CommitJournal& operator=(const CommitJournal&) = delete;

  /// Where files with new content wait to be moved into the working tree.
  [[nodiscard]] std::filesystem::path ready_folder() const;
  /// Where the next index is prepared.
  [[nodiscard]] std::filesystem::path scratch_index() const;
  /// The file that becomes the index lock (see `IndexLock`).
  [[nodiscard]] std::filesystem::path index_claim() const;

  /// Records that `lock` is this commit's, so that it is removed if the commit goes no further.
  void record_lock(const IndexLock& lock);
  /// Records the whole commit: `ref` is about to move from `old_commit` to `new_commit`, after
  /// which the lock becomes the index and the ready files move to their paths.
  void record_commit(const IndexLock& lock, const std::string& ref,
                     const std::optional<git_oid>& old_commit, const git_oid& new_commit,
                     const std::vector<StagedPath>& staged);
  /// The commit is whole (or abandoned and cleaned up): nothing to finish.
  void clear();

 private:
  git_repository* m_repository;
  std::filesystem::path m_folder;
  util::FileLock m_lock;
};

/// Moves a file into the working tree at `to` in one rename (a copy when the git directory is
/// on another file system). Throws `Error` (io) when it cannot.
void move_into_place(const std::filesystem::path& from, const std::filesystem::path& to);

/// Finishes a commit whose process died (the ref moved: the prepared index and files take
/// their places) or undoes it (the ref did not move: they are removed). Does nothing, and
/// takes no lock, when no commit was interrupted. Throws `Error` (io) when it cannot.
void finish_interrupted_commit(git_repository* repository);

}  // namespace promptctl::repo
