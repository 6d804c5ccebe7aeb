#include "prompt/compiled_prompts.hpp"

#include <exception>

#include "prompt/compiled_form.hpp"
#include "promptctl/build_info.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace promptctl::prompt_detail {

namespace {

// Raised whenever what is written changes, so that no older entry is read as the new form.
constexpr std::string_view k_header = "promptctl-compiled 2\n";

}  // namespace

std::string CompiledPrompts::key_of(std::string_view name, const SourceFile& prompt_file,
                                    const std::optional<SourceFile>& tests_file) {
  // Each part with its length, so that no two different sets of parts run together alike.
  std::string material;
  auto add = [&material](std::string_view part) {
    material += std::to_string(part.size());
    material += ':';
    material += part;
  };
  add(k_header);
  add(build_info().version);
  add(name);
  add(prompt_file.path);
  add(prompt_file.text);
  if (tests_file) {
    add(tests_file->path);
    add(tests_file->text);
  }
  return util::sha256_hex(material);
}

std::filesystem::path CompiledPrompts::entry_file(std::string_view name) const {
  // A digest of the name, not the name: names hold folders, and no name must reach outside.
  return m_dir / util::sha256_hex(name);
}

std::optional<Prompt> CompiledPrompts::find(std::string_view name, const std::string& key) const {
  try {
    auto text = util::read_file_if_exists(entry_file(name), k_max_prompt_file_size * 4);
    std::size_t body = k_header.size() + key.size() + 1;
    if (!text || text->size() < body || !text->starts_with(k_header) ||
        std::string_view(*text).substr(k_header.size(), key.size()) != key ||
        (*text)[body - 1] != '\n') {
      return std::nullopt;
    }
    return decode_compiled(std::string_view(*text).substr(body));
  } catch (const std::exception&) {
    return std::nullopt;  // damaged or unreadable: the prompt is parsed as if there were none
  }
}

void CompiledPrompts::store(std::string_view name, const std::string& key,
                            const Prompt& prompt) const {
  try {
    std::string text(k_header);
    text += key;
    text += '\n';
    text += encode_compiled(prompt);
    util::write_file_atomic(entry_file(name), text, 0600, util::Durability::cache);
  } catch (const std::exception&) {
    // A read-only repository still renders its prompts; it only parses them each time.
  }
}

LoadResult load_compiled(const CompiledStore& cache, std::string_view name,
                         const SourceFile& prompt_file, const std::optional<SourceFile>& tests_file,
                         KeepCompiled keep) {
  std::string key = CompiledPrompts::key_of(name, prompt_file, tests_file);
  if (std::optional<Prompt> prompt = cache.find(name, key)) {
    LoadResult result;
    result.prompt = std::move(prompt);
    return result;
  }
  LoadResult result = load_from_files(name, prompt_file, tests_file);
  // A prompt that asks the ledger to keep less than its runs' text holds text that should stay
  // in its file alone (its tests' values): it is parsed each time.
  if (keep == KeepCompiled::yes && result.prompt && result.diagnostics.empty() &&
      result.prompt->ledger_store.value_or(LedgerStore::full) == LedgerStore::full) {
    cache.store(name, key, *result.prompt);
  }
  return result;
}

}  // namespace promptctl::prompt_detail
