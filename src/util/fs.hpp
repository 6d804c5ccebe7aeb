// File helpers that report failures as promptctl errors.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/interrupts.hpp"

namespace promptctl::util {

/// The whole file; throws `Error` (io) when it cannot be read, or (invalid_input) when it is
/// larger than `max_size` bytes.
std::string read_file(const std::filesystem::path& path, std::size_t max_size = 64 << 20);

/// The whole file, or nothing when it does not exist.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path,
                                               std::size_t max_size = 64 << 20);

/// Everything on standard input.
std::string read_stdin(std::size_t max_size = 64 << 20);

/// Writes all of `bytes` to the descriptor, retrying short writes and EINTR; false (errno
/// set) when the system refuses.
bool write_all(int fd, std::string_view bytes);

/// What a file written atomically must survive besides a crash of its writer.
enum class Durability {
  /// On disk before it is renamed into place: after the machine crashes, the old content or the
  /// new one.
  synced,
  /// Not waited for: after the machine crashes the file may be empty or lost, which a cache's
  /// reader takes for a miss. Saves a disk flush a write.
  cache,
};

/// Writes through a temporary file in the same folder and renames it into place, so that
/// readers see the old or the new content and never a part. Creates missing parent folders.
/// The file gets `mode` (0644: readable by all, as git writes files; 0600 for private state).
void write_file_atomic(const std::filesystem::path& path, const std::string& content,
                       unsigned mode = 0644, Durability durability = Durability::synced);

/// `write_file_atomic` for content written a piece at a time: the file appears, whole, only
/// when `commit` renames it into place; until then, and if it never does, the old one stays.
/// Signals wait while it lives, so that none leaves the temporary file behind.
class AtomicFileWriter {
 public:
  /// Throws `Error` (io) when the temporary file cannot be made.
  explicit AtomicFileWriter(const std::filesystem::path& path, unsigned mode = 0644,
                            Durability durability = Durability::synced);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(std::string_view bytes);
  void commit();

 private:
  UninterruptedSection m_uninterrupted;
  std::filesystem::path m_path;
  std::string m_temp;
  int m_fd = -1;
  unsigned m_mode;
  Durability m_durability;
  bool m_written = true;
};

/// A private (0600) file in the system's temporary folder, removed when the object goes away:
/// for programs that read their input only from a file, and for input read more than once.
class TemporaryFile {
 public:
  /// Named `prefix` plus a unique suffix and holding `content`. Throws `Error` (io) when it
  /// cannot be made or written.
  explicit TemporaryFile(const std::string& prefix, std::string_view content = {});
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

/// Creates `dir` and its missing parents, and makes `dir` readable by its owner only (0700),
/// for state that holds requests, answers and variables. Throws `Error` (io) when it cannot.
void make_private_directory(const std::filesystem::path& dir);

/// `path` with a leading "~/" made the home folder ($HOME), as a shell would expand it.
std::string expand_home(std::string path);

}  // namespace promptctl::util
