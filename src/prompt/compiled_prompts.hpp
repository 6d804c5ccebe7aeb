// Compiled prompts kept under the git directory, so that a command loading one prompt (render,
// run, show) does not parse its YAML again while its files are unchanged: parsing is most of
// such a command's work. An entry is keyed by a digest of everything the load reads (the
// prompt file's and its tests file's paths and bytes) and of promptctl's version (release and
// commit), so an entry is never used for other bytes or by another version of the loader (a
// build with uncommitted changes shares its commit's entries). Only loads without a
// single diagnostic are kept, and none of a prompt or repository whose ledger keeps less than
// its runs' text. Entries are the owner's alone, as the rest of the git directory's state.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "promptctl/prompt.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl::prompt_detail {

class CompiledPrompts {
 public:
  /// Entries stored in `dir`, one file per prompt name.
  explicit CompiledPrompts(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  /// What identifies one load: the files' paths and bytes and this build of promptctl.
  static std::string key_of(std::string_view name, const SourceFile& prompt_file,
                            const std::optional<SourceFile>& tests_file);

  /// The prompt compiled under `key`, when the entry of `name` holds it; an unreadable or
  /// damaged entry is a miss.
  [[nodiscard]] std::optional<Prompt> find(std::string_view name, const std::string& key) const;
  /// Keeps `prompt` as the entry of `name`; failures are ignored, as a cache's may be.
  void store(std::string_view name, const std::string& key, const Prompt& prompt) const;

 private:
  [[nodiscard]] std::filesystem::path entry_file(std::string_view name) const;
  std::filesystem::path m_dir;
};

/// `load_from_files`, answered from `cache` when it holds the same files' compiled prompt, and
/// with `keep` kept there when the load has no diagnostics.
LoadResult load_compiled(const CompiledPrompts& cache, std::string_view name,
                         const SourceFile& prompt_file, const std::optional<SourceFile>& tests_file,
                         KeepCompiled keep);

}  // namespace promptctl::prompt_detail
