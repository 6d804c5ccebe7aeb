// A prompt repository on disk: settings, the prompts folder, and reading prompt files.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/experiment_settings.hpp"
#include "promptctl/policy.hpp"
#include "promptctl/prompt.hpp"
#include "promptctl/provider_settings.hpp"

namespace promptctl {

/// `search:` in promptctl.yaml.
struct SearchSettings {
  /// The model of `search --similar/--like` and `dupes` ("provider/model"); empty: the tests'
  /// embedding model.
  std::string embedding_model;
};

/// The most text a prompt renders to, all messages together, unless `render: {max_size}` in
/// promptctl.yaml says otherwise; and the most that setting may allow. A few kilobytes of
/// partials that include each other ten times over would otherwise render to gigabytes.
constexpr std::size_t k_default_max_rendered_size = std::size_t{1} << 20;
constexpr std::size_t k_largest_max_rendered_size = std::size_t{64} << 20;

/// Repository settings from `promptctl.yaml`.
struct RepoSettings {
  int version = 1;
  /// Model settings for prompts that leave fields unset.
  ModelSettings default_model;
  /// The built-in providers with `providers:` applied.
  std::map<std::string, ProviderSettings> providers = builtin_providers();
  TestSettings tests;
  /// Environments and their deploy policy, in the order declared.
  Environments environments;
  /// The ssh-keygen ALLOWED SIGNERS file that maps approvers' e-mail addresses to their public
  /// keys, relative to the repository's root.
  std::string allowed_signers = "allowed_signers";
  /// `deploy_branch: main`: the only branch that deploys, promotions and rollbacks commit pins
  /// to. "" : the repository's default branch (`Repository::default_branch`).
  std::string deploy_branch;
  /// `ledger: {retention: 90d}`: runs older than this are removed from the ledger when a
  /// command that records runs starts, and by `runs prune`.
  std::optional<std::int64_t> ledger_retention_seconds;
  /// `ledger: {url: postgresql://…}`: a PostgreSQL database for the runs instead of the file
  /// under the git directory. Never holds a password (this file is committed).
  std::string ledger_url;
  /// `ledger: {store: redacted}`: how much of each run the ledger keeps; a prompt may ask for
  /// less, never for more.
  LedgerStore ledger_store = LedgerStore::full;
  /// `render: {max_size: 2MiB}`: the most text a prompt may render to.
  std::size_t max_rendered_size = k_default_max_rendered_size;
  /// Online experiments, in the order declared.
  Experiments experiments;
  SearchSettings search;
  nlohmann::json extensions = nlohmann::json::object();
};

/// Parses `promptctl.yaml`; problems become diagnostics.
RepoSettings parse_settings(std::string_view text, const std::string& path,
                            std::vector<Diagnostic>& diagnostics);

/// A prompt file's text and the path to show for it.
struct SourceFile {
  std::string path;
  std::string text;
};

/// Where prompt files come from: the working tree now, a git revision later. Lookups read only
/// the prompt asked for.
/// `relative` made canonical ("a/./b" -> "a/b"). Throws `Error` (invalid_input) for a path that
/// is absolute or leads outside the repository.
std::string repository_relative_path(std::string_view relative);

/// How a source loads a prompt from its files, already read (`load_from_files` by default).
using FilesLoader = std::function<LoadResult(std::string_view name, const SourceFile& prompt_file,
                                             const std::optional<SourceFile>& tests_file)>;

/// Whether a load of one prompt keeps it compiled under the git directory for the next load of
/// the same files (`Workspace::load_compiled`). A command going through many prompts reads the
/// entries there but keeps none of its own, which would cost more than it saves.
enum class KeepCompiled { yes, no };

class PromptSource {
 public:
  virtual ~PromptSource() = default;
  /// The prompt file for `name`, or nothing when there is none. Throws `Error` on I/O failure.
  virtual std::optional<SourceFile> read(std::string_view name) = 0;
  /// The tests file for `name` (`prompts/NAME.tests.yaml`), or nothing.
  virtual std::optional<SourceFile> read_tests(std::string_view name) = 0;
  /// A file that tests read (variables, a dataset, a schema), by its path relative to the
  /// repository's top; nothing when there is none. Throws `Error` (invalid_input) for a path
  /// that is absolute or leaves the repository, and on I/O failure. A source of prompts only
  /// (in memory) has none.
  virtual std::optional<SourceFile> read_data(std::string_view relative) {
    repository_relative_path(relative);
    return std::nullopt;
  }
  /// The prompt `name` loaded from its files, already read, as `load_from_files` does: the load
  /// of a prompt asked for by name (a partial). A source that keeps compiled prompts answers
  /// from them while the files' bytes are the same.
  virtual LoadResult load_files(std::string_view name, const SourceFile& prompt_file,
                                const std::optional<SourceFile>& tests_file);
};

class Workspace : public PromptSource {
 public:
  static constexpr const char* k_settings_file = "promptctl.yaml";
  static constexpr const char* k_prompts_dir = "prompts";

  /// The repository whose top folder (holding promptctl.yaml) is `start` or a parent of it.
  /// Throws `Error` (not_found) when there is none.
  static Workspace discover(const std::filesystem::path& start);
  /// The repository whose top folder is `root`.
  static Workspace open(const std::filesystem::path& root);

  [[nodiscard]] const std::filesystem::path& root() const { return m_root; }
  [[nodiscard]] const RepoSettings& settings() const { return m_settings; }
  /// The providers that calls use: promptctl.yaml's with the user configuration applied on
  /// top (`configured_providers`). The user configuration is read the first time any copy of
  /// this workspace asks, and once only, so a command that calls no model never reads it.
  /// Throws `Error` (invalid_input) for a user configuration with errors.
  [[nodiscard]] const std::map<std::string, ProviderSettings>& providers() const;
  [[nodiscard]] std::filesystem::path prompts_dir() const { return m_root / k_prompts_dir; }
  /// The file for a (valid) prompt name.
  [[nodiscard]] std::filesystem::path file_for(std::string_view name) const;
  [[nodiscard]] std::filesystem::path tests_file_for(std::string_view name) const;
  /// The path shown in messages: relative to the repository top, "prompts/NAME.yaml".
  [[nodiscard]] static std::string display_path(std::string_view name);
  [[nodiscard]] bool exists(std::string_view name) const;
  /// Where local state that is never committed lives (caches): `promptctl/` inside the git
  /// directory, or nothing when the repository is not in a git work tree. Throws `Error`
  /// (invalid_input) when a `.git` file points at a folder that is not a git directory.
  [[nodiscard]] std::optional<std::filesystem::path> state_dir() const;
  /// Where prompts are kept compiled (`cache/compiled/` in the state folder), or nothing where
  /// there is no state folder, or where a `.git` file names no git directory: loading a prompt
  /// leaves that to what needs the repository.
  [[nodiscard]] std::optional<std::filesystem::path> compiled_dir() const;

  /// Every prompt name, sorted. Reads directory entries, not files.
  [[nodiscard]] std::vector<std::string> list_names() const;
  /// Files under prompts/ ending in .yaml whose path is not a valid prompt name.
  [[nodiscard]] std::vector<std::string> invalid_files() const;

  /// Loads a prompt with its tests file merged in; throws `Error` (not_found for an unknown
  /// name, invalid_input with every problem as details for a bad file).
  [[nodiscard]] Prompt load(std::string_view name);
  /// Loads a prompt collecting problems instead of throwing (missing files still throw).
  [[nodiscard]] LoadResult load_checked(std::string_view name);
  /// `load_checked`, answered from the prompts compiled under the git directory while the
  /// prompt's files hold the same bytes, and with `keep` kept there when it loads without a
  /// diagnostic: for commands that load prompts by name (render, run, show, test), where parsing
  /// the YAML is most of the work.
  [[nodiscard]] LoadResult load_compiled(std::string_view name, KeepCompiled keep);

  std::optional<SourceFile> read(std::string_view name) override;
  std::optional<SourceFile> read_tests(std::string_view name) override;
  std::optional<SourceFile> read_data(std::string_view relative) override;
  /// Answered from the compiled prompts under the git directory when it has one, and kept there.
  LoadResult load_files(std::string_view name, const SourceFile& prompt_file,
                        const std::optional<SourceFile>& tests_file) override;

  /// The Error for a name that does not exist, suggesting close names.
  [[nodiscard]] Error not_found(std::string_view name) const;

  /// Throws `Error` (invalid_input) when `path`, a file in the repository shown as `shown`,
  /// really lies outside the repository's top folder through a symbolic link (of the file or
  /// of a folder on the way). For a file that does not exist yet, its nearest existing folder
  /// is checked, so nothing is ever read or written outside the repository.
  void check_inside(const std::filesystem::path& path, std::string_view shown) const;

 private:
  explicit Workspace(std::filesystem::path root);
  LoadResult load_through_cache(std::string_view name, const SourceFile& prompt_file,
                                const std::optional<SourceFile>& tests_file, KeepCompiled keep);
  std::filesystem::path m_root;
  std::filesystem::path m_canonical_root;  // found once: every read checks against it
  RepoSettings m_settings;
  // Not std::call_once: a user configuration with errors throws, and the next call reads it
  // again, which call_once does not survive everywhere.
  struct ConfiguredProviders {
    std::mutex reading;
    std::optional<std::map<std::string, ProviderSettings>> providers;
  };
  std::shared_ptr<ConfiguredProviders> m_configured = std::make_shared<ConfiguredProviders>();
};

/// Throws `Error` (invalid_input) at `shown` when the file at `path` is larger than a prompt file
/// may be (`k_max_prompt_file_size`), before anything reads it.
void check_prompt_file_size(const std::filesystem::path& path, const std::string& shown);

/// Loads a prompt from any source, merging its tests file; problems become diagnostics.
LoadResult load_from_source(PromptSource& source, std::string_view name);
/// `load_from_source` with the files loaded by `source.load_files`: from compiled prompts, when
/// the source keeps them.
LoadResult load_through_source(PromptSource& source, std::string_view name);

/// Loads the prompt `name` from its file and its tests file, both already read.
LoadResult load_from_files(std::string_view name, const SourceFile& prompt_file,
                           const std::optional<SourceFile>& tests_file);

}  // namespace promptctl
