// "NAME" and "NAME@REV": which prompt, and from the working tree or from a commit.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/render.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

struct PromptAddress {
  std::string name;
  std::string revision;  ///< empty for the working tree
};

/// Parses "NAME" or "NAME@REV" (a prompt file's path is accepted for NAME). Names cannot hold
/// '@', so the first '@' separates them. Throws `Error` (usage) for an invalid name or an
/// empty revision.
PromptAddress parse_address(std::string_view text);

/// Prompt files as they are in one commit, read from the object database: no checkout, and
/// only the files asked for. Paths in messages read "REV:prompts/NAME.yaml", as git writes them.
class RevisionSource : public PromptSource {
 public:
  /// `prefix` is the prompt repository's folder inside the git work tree ("" at its top).
  RevisionSource(std::shared_ptr<const repo::Repository> repository, repo::Revision revision,
                 std::string prefix);

  std::optional<SourceFile> read(std::string_view name) override;
  std::optional<SourceFile> read_tests(std::string_view name) override;
  std::optional<SourceFile> read_data(std::string_view relative) override;
  /// promptctl.yaml as it was in that commit; defaults when it had none. Throws `Error` for a
  /// settings file with errors. Read once, then kept: a commit's settings never change, and
  /// threads may share them once a first call has read them.
  [[nodiscard]] const RepoSettings& settings() const;
  [[nodiscard]] const repo::Revision& revision() const { return m_revision; }

  /// Loads prompts and partials from their files with `loader` from now on: a server reads
  /// them through the compiled prompts it keeps. Not while another thread loads from here.
  void load_files_with(FilesLoader loader) { m_loader = std::move(loader); }
  LoadResult load_files(std::string_view name, const SourceFile& prompt_file,
                        const std::optional<SourceFile>& tests_file) override;

 private:
  std::optional<SourceFile> read_path(const std::string& relative) const;
  std::shared_ptr<const repo::Repository> m_repository;
  repo::Revision m_revision;
  std::string m_prefix;
  mutable std::optional<RepoSettings> m_settings;
  FilesLoader m_loader;
};

/// A prompt loaded from the working tree or a revision, with the source its partials come from
/// and the repository settings of the same place.
class ResolvedPrompt {
 public:
  Prompt prompt;
  ModelSettings default_model;
  std::optional<repo::Revision> revision;
  /// The settings of the same place's promptctl.yaml for rendering it.
  RenderSettings render_settings;
  /// How much of its runs the ledger keeps: the least that the prompt, the working tree's
  /// promptctl.yaml and (at a revision) that revision's promptctl.yaml allow.
  LedgerStore ledger_store = LedgerStore::full;

  [[nodiscard]] PromptSource& source() const { return *m_source; }

  /// The content hash this prompt has in `repository`'s HEAD commit (its file and the partials
  /// it uses, as there), or nothing when HEAD lacks it or there is no commit yet. For a prompt
  /// loaded from the working tree, a hash unlike its own means it has uncommitted edits.
  [[nodiscard]] std::optional<std::string> head_content_hash(
      const repo::Repository& repository) const;

  /// The prompt's model settings over the repository's defaults: what a call would use.
  [[nodiscard]] ModelSettings effective_model() const { return prompt.model_over(default_model); }

  /// The prompt as `show --json` prints it: its fields, the effective model, the revision,
  /// the partials its templates use, and its version (content hash, commit, partials' hashes).
  [[nodiscard]] nlohmann::json to_json() const;

 private:
  friend ResolvedPrompt resolve_prompt(Workspace& workspace, std::string_view argument,
                                       KeepCompiled keep);
  friend ResolvedPrompt resolve_in_source(Workspace& workspace,
                                          std::shared_ptr<RevisionSource> source,
                                          std::string_view name);
  std::shared_ptr<RevisionSource> m_owned;
  PromptSource* m_source = nullptr;
  std::string m_text;  // the prompt file's text as loaded
  const Workspace* m_workspace = nullptr;
};

/// {"revision": …, "commit": …}, the revision as it was asked for and the commit it resolved
/// to, for a point of a history (log's start, diff's ends); null for the working tree.
nlohmann::json revision_json(const std::optional<repo::Revision>& revision);

/// Sets `revision` and `commit` in a document about one prompt (show, render, restore): the
/// revision as it was asked for and its commit, both null for the working tree.
void add_revision_fields(nlohmann::json& shown, const std::optional<repo::Revision>& revision);

/// Every prompt name in a revision's tree, sorted; `prefix` as `repository_prefix` gives it.
std::vector<std::string> prompt_names_at(const repo::Repository& repository,
                                         const repo::Revision& revision, const std::string& prefix);

/// The prompt repository's folder inside the git work tree, as a path prefix: "" at its top,
/// else "sub/dir/". Compared through canonical paths, so symbolic links do not matter.
std::string repository_prefix(const Workspace& workspace, const repo::Repository& repository);

/// The commit an address's revision names: an environment `workspace` declares is the commit
/// its pin names in HEAD's pins file; "vN" is the prompt's Nth version as `log` numbers them
/// from HEAD (or a ref of that name when the prompt has no such version; invalid_input when
/// both name different commits); a release "X.Y.Z" is the tag "NAME@X.Y.Z"; anything else a
/// git revision. Environment names win over branches of the same name (refs/heads/NAME
/// reaches the branch). Throws `Error` (not_found) for a prompt the environment does not pin,
/// or a missing release, listing the releases there are.
repo::Revision resolve_revision(const Workspace& workspace, const repo::Repository& repository,
                                const PromptAddress& address);

/// Loads the prompt `argument` names, from the prompts compiled under the git directory when
/// the working tree's files are unchanged (`Workspace::load_compiled`; `keep` says whether the
/// load is kept there). Throws `Error`: not_found for an unknown prompt (at that revision) or
/// revision, invalid_input for a prompt file with errors.
ResolvedPrompt resolve_prompt(Workspace& workspace, std::string_view argument,
                              KeepCompiled keep = KeepCompiled::yes);

/// Loads `name` from a revision already resolved: what `resolve_prompt` gives for NAME@REV,
/// for a caller that reads many prompts of one revision (a server). `workspace` must outlive
/// the result. Throws `Error` as `resolve_prompt` does.
ResolvedPrompt resolve_in_source(Workspace& workspace, std::shared_ptr<RevisionSource> source,
                                 std::string_view name);

}  // namespace promptctl
