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

/// Where compiled prompts are found, by a key from `CompiledPrompts::key_of`, and kept.
class CompiledStore {
 public:
  virtual ~CompiledStore() = default;
  /// The prompt `name` compiled under `key`, when there is one.
  [[nodiscard]] virtual std::optional<Prompt> find(std::string_view name,
                                                   const std::string& key) const = 0;
  /// Keeps `prompt` as `name` compiled under `key`; failures are ignored, as a cache's may be.
  virtual void store(std::string_view name, const std::string& key, const Prompt& prompt) const = 0;
};

/// One file per entry: for commands that load a prompt or a few.
class CompiledPrompts final : public CompiledStore {
 public:
  /// Entries stored in `dir`, one file per prompt name.
  explicit CompiledPrompts(std::filesystem::path dir) : m_dir(std::move(dir)) {}

  /// What identifies one load: the files' paths and bytes and this build of promptctl.
  static std::string key_of(std::string_view name, const SourceFile& prompt_file,
                            const std::optional<SourceFile>& tests_file);

  /// The prompt compiled under `key`, when the entry of `name` holds it; an unreadable or
  /// damaged entry is a miss.
  [[nodiscard]] std::optional<Prompt> find(std::string_view name,
                                           const std::string& key) const override;
  void store(std::string_view name, const std::string& key, const Prompt& prompt) const override;

 private:
  [[nodiscard]] std::filesystem::path entry_file(std::string_view name) const;
  std::filesystem::path m_dir;
};

/// `load_from_files`, answered from `cache` when it holds the same files' compiled prompt, and
/// with `keep` kept there when the load has no diagnostics.
LoadResult load_compiled(const CompiledStore& cache, std::string_view name,
                         const SourceFile& prompt_file, const std::optional<SourceFile>& tests_file,
                         KeepCompiled keep);

}  // namespace promptctl::prompt_detail
