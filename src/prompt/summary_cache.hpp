// A cache of prompt summaries under the git directory, so that listing a large repository does
// not parse every prompt file each time. An entry is used only while the file's size, inode,
// modification and change times are exactly those recorded; files changed in the last few
// seconds are never cached, because a later change within the same clock tick could go unseen.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "promptctl/catalog.hpp"

namespace promptctl::prompt_detail {

/// What identifies one version of a file on disk, as git's index does.
struct FileStamp {
  std::uintmax_t size = 0;
  std::uint64_t inode = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  bool operator==(const FileStamp&) const = default;
};

/// The stamp of `path`, or nothing when it cannot be read.
std::optional<FileStamp> stamp_of(const std::filesystem::path& path);

/// The stamps of the prompt files `names` under `prompts_dir` (each NAME.yaml), in order. Each
/// folder is opened once and its files looked up from it, which costs far less than resolving
/// every full path.
std::vector<std::optional<FileStamp>> stamps_of(const std::filesystem::path& prompts_dir,
                                                const std::vector<std::string>& names);

class SummaryCache {
 public:
  /// A cache stored in `file`; an unreadable or outdated file counts as empty.
  explicit SummaryCache(std::filesystem::path file);

  /// The cached summary of `name` when its stamp is unchanged.
  [[nodiscard]] std::optional<PromptSummary> find(const std::string& name,
                                                  const FileStamp& stamp) const;
  /// The same, moved out of the cache rather than copied: `store` it again before `save`, or
  /// the entry is dropped.
  std::optional<PromptSummary> take(const std::string& name, const FileStamp& stamp);
  /// Whether `save` would write anything.
  [[nodiscard]] bool changed() const { return m_dirty; }
  /// Records a summary, unless the file changed too recently to be trusted.
  void store(const std::string& name, const FileStamp& stamp, const PromptSummary& summary);
  /// Drops entries for names not in `names`.
  void keep_only(const std::vector<std::string>& names);
  /// Writes the cache back (atomically) when it changed; failures are ignored, as a cache may be.
  void save() const;

 private:
  struct Entry {
    FileStamp stamp;
    PromptSummary summary;
  };
  std::filesystem::path m_file;
  std::unordered_map<std::string, Entry> m_entries;
  bool m_dirty = false;
};

}  // namespace promptctl::prompt_detail
