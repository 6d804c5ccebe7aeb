#include "promptctl/cache.hpp"

#include <array>
#include <chrono>
#include <vector>

#include "promptctl/error.hpp"
#include "util/fs.hpp"
#include "util/json_reader.hpp"

namespace promptctl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct ModeName {
  CacheMode mode;
  std::string_view name;
};
constexpr std::array<ModeName, 5> k_mode_names = {{{CacheMode::automatic, "auto"},
                                                   {CacheMode::on, "on"},
                                                   {CacheMode::off, "off"},
                                                   {CacheMode::replay, "replay"},
                                                   {CacheMode::refresh, "refresh"}}};

bool deterministic(const ModelSettings& parameters) {
  return parameters.temperature && *parameters.temperature == 0.0;
}

json optional_json(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

// The response cache's folder holds other caches too (summaries, compiled prompts): its
// answers are the files named .json.
bool is_answer(const fs::path& file) {
  return file.extension() == ".json";
}

bool any_file(const fs::path& /*file*/) {
  return true;
}

CacheUsage usage_of(const fs::path& directory, bool (*counts)(const fs::path&)) {
  CacheUsage usage;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    return usage;
  }
  for (const auto& entry : fs::recursive_directory_iterator(directory, ec)) {
    if (entry.is_regular_file(ec) && counts(entry.path())) {
      ++usage.entries;
      usage.bytes += entry.file_size(ec);
    }
  }
  return usage;
}

// Removes the files `counts` under `directory` written more than `older_than_ms` ago (all
// when nothing); throws `Error` (io) for one that cannot be removed.
std::uint64_t remove_files(const fs::path& directory, bool (*counts)(const fs::path&),
                           std::optional<std::int64_t> older_than_ms) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    return 0;
  }
  auto now = fs::file_time_type::clock::now();
  std::vector<fs::path> doomed;
  for (const auto& entry : fs::recursive_directory_iterator(directory, ec)) {
    if (!entry.is_regular_file(ec) || !counts(entry.path())) {
      continue;
    }
    if (older_than_ms) {
      auto age =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - entry.last_write_time(ec));
      if (age.count() < *older_than_ms) {
        continue;
      }
    }
    doomed.push_back(entry.path());
  }
  std::uint64_t removed = 0;
  for (const fs::path& file : doomed) {
    if (fs::remove(file, ec)) {
      ++removed;
    } else if (ec) {
      throw Error(ErrorKind::io, "cannot remove '" + file.string() + "': " + ec.message());
    }
  }
  return removed;
}

}  // namespace

std::optional<CacheMode> parse_cache_mode(std::string_view text) {
  for (const ModeName& entry : k_mode_names) {
    if (entry.name == text) {
      return entry.mode;
    }
  }
  return std::nullopt;
}

std::string_view to_string(CacheMode mode) {
  for (const ModeName& entry : k_mode_names) {
    if (entry.mode == mode) {
      return entry.name;
    }
  }
  return "auto";
}

bool cache_reads(CacheMode mode, const ModelSettings& parameters) {
  return mode == CacheMode::on || mode == CacheMode::replay ||
         (mode == CacheMode::automatic && deterministic(parameters));
}

bool cache_writes(CacheMode mode, const ModelSettings& parameters) {
  return mode == CacheMode::on || mode == CacheMode::refresh ||
         (mode == CacheMode::automatic && deterministic(parameters));
}

fs::path ResponseCache::file_for(const std::string& key) const {
  // Two-character folders keep each folder small, as git does for loose objects.
  return m_directory / key.substr(0, 2) / (key.substr(2) + ".json");
}

std::optional<json> ResponseCache::find_json(const std::string& key) const {
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(file_for(key), 64 << 20);
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!text) {
    return std::nullopt;
  }
  if (std::optional<json> read = util::read_json(*text)) {
    return read;
  }
  json stored = json::parse(*text, nullptr, false);
  if (stored.is_discarded()) {
    return std::nullopt;
  }
  return stored;
}

void ResponseCache::store_json(const std::string& key, const json& value) const {
  util::write_file_atomic(file_for(key), value.dump() + "\n", 0600);
}

std::optional<ChatResponse> ResponseCache::find(const std::string& key) const {
  std::optional<json> found = find_json(key);
  if (!found || !found->is_object() || !found->contains("text") || !(*found)["text"].is_string()) {
    return std::nullopt;
  }
  const json& stored = *found;
  ChatResponse response;
  response.text = stored["text"].get<std::string>();
  response.finish_reason = stored.value("finish_reason", "");
  for (const json& item : stored.value("tool_calls", json::array())) {
    std::optional<ToolCall> call = ToolCall::from_json(item);
    if (!call) {
      return std::nullopt;  // not written by this version: ask the provider again
    }
    response.tool_calls.push_back(std::move(*call));
  }
  if (stored.contains("input_tokens") && stored["input_tokens"].is_number_integer()) {
    response.input_tokens = stored["input_tokens"].get<std::int64_t>();
  }
  if (stored.contains("output_tokens") && stored["output_tokens"].is_number_integer()) {
    response.output_tokens = stored["output_tokens"].get<std::int64_t>();
  }
  return response;
}

void ResponseCache::store(const std::string& key, const ChatResponse& response) const {
  json stored = {{"text", response.text},
                 {"finish_reason", response.finish_reason},
                 {"tool_calls", tool_calls_json(response.tool_calls)},
                 {"input_tokens", optional_json(response.input_tokens)},
                 {"output_tokens", optional_json(response.output_tokens)}};
  store_json(key, stored);
}

CacheUsage ResponseCache::usage() const {
  return usage_of(m_directory, is_answer);
}

std::uint64_t ResponseCache::clear(std::optional<std::int64_t> older_than_ms) const {
  return remove_files(m_directory, is_answer, older_than_ms);
}

CacheUsage CompiledCache::usage() const {
  return usage_of(m_directory, any_file);
}

std::uint64_t CompiledCache::clear(std::optional<std::int64_t> older_than_ms) const {
  return remove_files(m_directory, any_file, older_than_ms);
}

}  // namespace promptctl
