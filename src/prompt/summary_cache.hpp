// A cache of prompt summaries under the git directory, so that listing a large repository does
// not parse every prompt file each time. An entry is used only while the file's stamp is
// exactly the one recorded, and only stamps that can be trusted are recorded (file_stamps.hpp).
#pragma once

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "prompt/file_stamps.hpp"
#include "promptctl/catalog.hpp"

namespace promptctl::prompt_detail {

class SummaryCache {
 public:
  /// A cache stored in `file`; an unreadable or outdated file counts as empty.
  explicit SummaryCache(std::filesystem::path file);

  /// The cached summary of `name` when its stamp is unchanged.
  [[nodiscard]] std::optional<PromptSummary> find(std::string_view name,
                                                  const FileStamp& stamp) const;
  /// The same, moved out of the cache rather than copied: `store` it again before `save`, or
  /// the entry is dropped.
  std::optional<PromptSummary> take(std::string_view name, const FileStamp& stamp);
  /// Whether `save` would write anything.
  [[nodiscard]] bool changed() const { return m_dirty; }
  /// Records a summary, unless the file changed too recently to be trusted; whether it did.
  bool store(std::string_view name, const FileStamp& stamp, const PromptSummary& summary);
  /// How many entries the cache holds, taken ones included.
  [[nodiscard]] std::size_t size() const { return m_entries.size() - m_dropped + m_added.size(); }
  /// Drops entries for names not in `names` (sorted).
  void keep_only(const std::vector<std::string>& names);
  /// Writes the cache back (atomically) when it changed; failures are ignored, as a cache may be.
  void save() const;

 private:
  struct Entry {
    FileStamp stamp;
    PromptSummary summary;
    // Moved out by `take` (written only if stored again), or dropped (not held at all): marked
    // rather than erased, as erasing from the middle of m_entries moves every entry after it.
    enum class State { held, taken, dropped } state = State::held;
  };
  // An entry read from the file: its name is a view of the file's text (or of m_owned_names
  // when it was escaped there), so that reading 10,000 entries copies no name twice.
  struct ReadEntry {
    std::string_view name;
    Entry entry;
  };
  void read(std::string_view text);
  // Where `name` was read in m_entries, or m_entries.size().
  [[nodiscard]] std::size_t read_index(std::string_view name) const;
  [[nodiscard]] const Entry* locate(std::string_view name) const;
  Entry* locate(std::string_view name);

  std::filesystem::path m_file;
  std::unique_ptr<const std::string> m_text;  // the file as read, where m_entries' names point
  std::deque<std::string> m_owned_names;      // names unescaped from the file
  std::vector<ReadEntry> m_entries;           // from the file, sorted by name, each name once
  std::map<std::string, Entry, std::less<>> m_added;  // stored since, under names not read
  std::size_t m_dropped = 0;                          // entries of m_entries marked dropped
  std::size_t m_next_read = 0;  // where the next entry in name order is likely to be
  bool m_dirty = false;
};

}  // namespace promptctl::prompt_detail
