// What tells one version of a file on disk from another without reading it, as git's index
// does: its size, inode, modification and change times. Caches keyed by a stamp record only
// stamps that can be trusted: a file changed within the last two seconds could change again
// within the same clock tick and keep its stamp.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace promptctl::prompt_detail {

struct FileStamp {
  std::uintmax_t size = 0;
  std::uint64_t inode = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  bool operator==(const FileStamp&) const = default;
  /// Whether the file was last changed long enough ago for the stamp to identify its content.
  [[nodiscard]] bool trusted() const;
  /// "SIZE INODE MTIME CTIME", for storing.
  [[nodiscard]] std::string text() const;
};

/// The stamps of the prompt files `names` under `prompts_dir` (each NAME.yaml), in order, taken
/// in chunks by every thread that calls `help`: a thread may join whenever it is free. Each
/// folder is opened once for a chunk and its files looked up from it, which costs far less than
/// resolving every full path.
class StampJob {
 public:
  /// A job over `names`, which must outlive it.
  StampJob(std::filesystem::path prompts_dir, const std::vector<std::string>& names);
  /// Takes chunks until none is left.
  void help();
  /// How many chunks there are: more threads than this would find nothing to do.
  [[nodiscard]] std::size_t chunks() const { return m_chunks; }
  /// The stamps, once every call of `help` has returned.
  std::vector<std::optional<FileStamp>> stamps() &&;

 private:
  std::filesystem::path m_prompts_dir;
  const std::vector<std::string>& m_names;
  std::vector<std::optional<FileStamp>> m_stamps;
  std::size_t m_chunks;
  std::atomic<std::size_t> m_next_chunk{0};
};

/// The same, on every core.
std::vector<std::optional<FileStamp>> stamps_of(const std::filesystem::path& prompts_dir,
                                                const std::vector<std::string>& names);

}  // namespace promptctl::prompt_detail
