// An exclusive lock between processes that the kernel releases when its holder exits, however
// it exits: a killed process never leaves a lock behind.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace promptctl::util {

/// Holds flock(LOCK_EX) on a file for its lifetime. The file itself stays: removing it would
/// let a waiter that opened the old file and a newcomer that creates a new one both "hold" it.
class FileLock {
 public:
  /// Waits up to `timeout` for the lock on `path` (created 0600 with its folder when missing).
  /// Throws `Error` (refused) naming `what` and the file when another process holds it
  /// longer, and (io) when the file cannot be opened.
  FileLock(const std::filesystem::path& path, std::chrono::milliseconds timeout,
           const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int m_fd = -1;
};

}  // namespace promptctl::util
