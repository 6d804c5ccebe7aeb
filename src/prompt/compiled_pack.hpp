// The compiled prompts a server reads at each start, kept together in one file: a start reads
// that file rather than parse thousands of prompt files, and a first start writes one file
// rather than thousands. Entries are keyed as `CompiledPrompts` keys them (a digest of the
// files' paths and bytes and of the build), so an entry never stands for other bytes.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "prompt/compiled_prompts.hpp"

namespace promptctl::prompt_detail {

class CompiledPack final : public CompiledStore {
 public:
  /// The pack in `file`: none yet, or an unreadable or damaged one, is an empty pack.
  explicit CompiledPack(std::filesystem::path file);

  /// The entry under `key`, whatever the name: the key holds it already.
  [[nodiscard]] std::optional<Prompt> find(std::string_view name,
                                           const std::string& key) const override;
  /// Kept in memory until `finish`.
  void store(std::string_view name, const std::string& key, const Prompt& prompt) const override;

  /// With `save`, writes the pack again as the entries found and stored since it was read,
  /// unless it holds exactly those already (failures are ignored, as a cache's may be). Then
  /// lets go of its entries: later loads through it parse.
  void finish(bool save);

 private:
  std::filesystem::path m_file;
  // The entries read, as views into the file's bytes; guarded by `m_reading` against `finish`.
  mutable std::shared_mutex m_reading;
  std::string m_bytes;
  std::unordered_map<std::string_view, std::string_view> m_entries;
  bool m_finished = false;
  // What this load used and added.
  mutable std::mutex m_changing;
  mutable std::unordered_set<std::string_view> m_used;
  mutable std::unordered_map<std::string, std::string> m_added;
};

}  // namespace promptctl::prompt_detail
