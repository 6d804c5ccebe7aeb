// A cache of prompt summaries under the git directory, so that listing a large repository does
// not parse every prompt file each time. An entry is used only while the file's stamp is
// exactly the one recorded, and only stamps that can be trusted are recorded (file_stamps.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "prompt/file_stamps.hpp"
#include "promptctl/catalog.hpp"

namespace promptctl::prompt_detail {

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
  /// Records a summary, unless the file changed too recently to be trusted; whether it did.
  bool store(const std::string& name, const FileStamp& stamp, const PromptSummary& summary);
  /// How many entries the cache holds.
  [[nodiscard]] std::size_t size() const { return m_entries.size(); }
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
