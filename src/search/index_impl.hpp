// The search index's state, shared by the files that build and query it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "ledger/sqlite.hpp"
#include "promptctl/search.hpp"

namespace promptctl {

namespace search_detail {

/// What the index holds for one name: the blob its document came from, and whether that was
/// an uncommitted file.
struct Stored {
  std::string blob;
  bool from_worktree = false;
  /// An uncommitted file's stamp when its document was made (file_stamps.hpp), "" when it was
  /// not trusted or the document came from HEAD.
  std::string stamp;
};

/// A prompt's text as it should be indexed now, and where it came from.
struct Wanted {
  std::string name;
  std::optional<std::string> text;  ///< nothing: the prompt is gone
  bool from_worktree = false;
  std::string blob;   ///< the git blob id of `text`, once computed
  std::string stamp;  ///< the working-tree file's trusted stamp, else ""
};

/// One refresh's view of git and of the index.
struct Plan {
  std::optional<repo::Revision> head;  ///< nothing before the first commit
  std::string head_id;
  std::string base;             ///< the commit the index was last brought up to date with
  std::int64_t generation = 0;  ///< counts the index's writes, to notice another process's
  bool from_nothing = false;
  std::string reason;
  std::map<std::string, bool> worktree;  ///< changed prompts -> whether the file exists
  std::set<std::string> worktree_names;  ///< the keys of `worktree`
  std::map<std::string, Stored> stored;  ///< the index's state of the names looked at
  std::set<std::string> overlay;         ///< the prompts the index last took from the work tree
  /// The trusted stamps of the changed files that exist in the work tree ("" when not trusted).
  std::map<std::string, std::string> stamps;
  /// A digest of every changed prompt's name and stamp: while it is the one the index was last
  /// written with, and HEAD is the same commit, nothing needs looking at. "" when a stamp is
  /// not trusted.
  std::string worktree_digest;
};

}  // namespace search_detail

struct SearchIndex::Impl {
  Workspace& workspace;
  std::shared_ptr<const repo::Repository> repository;  ///< null outside a git work tree
  std::string prefix;  ///< the prompt repository's folder inside the git work tree ("" or "a/")
  std::string folder;  ///< the prompts folder inside the git work tree: prefix + "prompts/"
  std::unique_ptr<ledger_detail::Database> db;
  bool persistent = false;
  /// Set when the index file had to be started again on opening.
  std::string rebuild_reason;

  Impl(Workspace& w, std::shared_ptr<const repo::Repository> r)
      : workspace(w), repository(std::move(r)) {}

  [[nodiscard]] search_detail::Plan plan(bool rebuild, const std::string& reason) const;
  std::vector<std::string> candidates(search_detail::Plan& plan) const;
  std::vector<search_detail::Wanted> wanted(const std::vector<std::string>& names,
                                            const search_detail::Plan& plan) const;
  std::vector<std::optional<IndexedPrompt>> parse_new_texts(
      std::vector<search_detail::Wanted>& wanted, const search_detail::Plan& plan) const;
  /// One attempt at `refresh`; nothing when another process wrote the index meanwhile (and
  /// this is not the last attempt), after rolling back.
  std::optional<IndexRefresh> try_refresh(bool rebuild, const std::string& reason,
                                          bool last_attempt);
  bool write_wanted(const search_detail::Wanted& w, const std::optional<IndexedPrompt>& parsed,
                    const search_detail::Plan& plan, IndexRefresh& result);
};

namespace search_detail {

/// The bytes the index stores for a list of tags: each tag between two \x1f, so that
/// `instr(tag_set, char(31) || tag || char(31))` tests membership.
std::string tag_set(const std::vector<std::string>& tags);
std::vector<std::string> tags_of(std::string_view tag_set);

}  // namespace search_detail

}  // namespace promptctl
