// The response cache: answers stored by the hash of the exact request, so that repeating a
// request costs nothing and CI can replay recorded answers without API keys.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "promptctl/provider.hpp"

namespace promptctl {

enum class CacheMode {
  automatic,  ///< read and write for deterministic requests (temperature 0), else neither
  on,         ///< read and write whatever the temperature
  off,        ///< neither read nor write
  replay,     ///< only read; a missing answer is an error instead of a call
  refresh,    ///< call the provider and overwrite the stored answer
};

[[nodiscard]] std::optional<CacheMode> parse_cache_mode(std::string_view text);
[[nodiscard]] std::string_view to_string(CacheMode mode);
/// Whether a request with these parameters is looked up in, or stored into, the cache.
[[nodiscard]] bool cache_reads(CacheMode mode, const ModelSettings& parameters);
[[nodiscard]] bool cache_writes(CacheMode mode, const ModelSettings& parameters);

/// What a cache's folder holds.
struct CacheUsage {
  std::uint64_t entries = 0;  ///< files
  std::uint64_t bytes = 0;
};

/// One file per answer under a folder (never committed), written atomically, so that
/// concurrent processes can share it.
class ResponseCache {
 public:
  explicit ResponseCache(std::filesystem::path directory) : m_directory(std::move(directory)) {}

  /// The stored answer for a request hash, or nothing. An unreadable entry counts as missing.
  [[nodiscard]] std::optional<ChatResponse> find(const std::string& key) const;
  /// Stores an answer; throws `Error` (io) when it cannot be written.
  void store(const std::string& key, const ChatResponse& response) const;
  /// Other stored answers (embeddings), as JSON, by their own keys.
  [[nodiscard]] std::optional<nlohmann::json> find_json(const std::string& key) const;
  void store_json(const std::string& key, const nlohmann::json& value) const;

  [[nodiscard]] CacheUsage usage() const;
  /// Removes the entries older than `older_than_ms` milliseconds (all when nothing), returning
  /// how many were removed.
  std::uint64_t clear(std::optional<std::int64_t> older_than_ms) const;
  [[nodiscard]] const std::filesystem::path& directory() const { return m_directory; }

 private:
  [[nodiscard]] std::filesystem::path file_for(const std::string& key) const;
  std::filesystem::path m_directory;
};

/// The prompts kept compiled (`Workspace::compiled_dir`): a file for each prompt a command
/// loaded and a pack for each target a server serves. Each is made again from the prompt files
/// when it is missing, so removing them costs only the parsing that follows.
class CompiledCache {
 public:
  explicit CompiledCache(std::filesystem::path directory) : m_directory(std::move(directory)) {}

  [[nodiscard]] CacheUsage usage() const;
  /// Removes the files older than `older_than_ms` milliseconds (all when nothing), returning
  /// how many were removed.
  std::uint64_t clear(std::optional<std::int64_t> older_than_ms) const;

 private:
  std::filesystem::path m_directory;
};

}  // namespace promptctl
