// Finding prompts: a full-text index ranked by BM25, with highlighted snippets, kept under the
// git directory and brought up to date from git's own record of what changed; the same store
// keeps prompt embeddings by content hash.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// One prompt as the index holds it.
struct IndexedPrompt {
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::string category;
  /// Each variable as "name: description", one per line.
  std::string variables;
  /// Each message as "role: content", separated by blank lines; the file's text when it does
  /// not load, so that a broken prompt can still be found.
  std::string body;
  std::string error;  ///< why the file did not load

  /// What stands for the prompt's meaning in embeddings: its description and messages.
  [[nodiscard]] std::string semantic_text() const;
};

/// The document for a prompt file's text. Never throws for bad content.
IndexedPrompt index_document(const std::string& name, std::string_view text);

/// The full-text match expression for a query: words (any word ending in '*' matches as a
/// prefix), "quoted phrases", and words joined by punctuation (support/reply, customer_name)
/// taken as phrases; any of them may match, and documents matching more rank higher. Throws
/// `Error` (usage) when the query has no word in it.
std::string match_expression(std::string_view query);

struct SearchQuery {
  std::string text;
  std::vector<std::string> tags;  ///< every one must be present
  std::string category;           ///< empty: any
  std::size_t limit = 10;
};

/// Part of a snippet to highlight, in bytes.
struct Highlight {
  std::size_t start = 0;
  std::size_t length = 0;
};

struct SearchHit {
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::string category;
  double score = 0;     ///< BM25 with field weights; higher is better
  std::string field;    ///< where the snippet comes from: description, tags, variables, template
  std::string snippet;  ///< a few words around the matches ("…" where text was cut)
  std::vector<Highlight> highlights;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// What bringing the index up to date did.
struct IndexRefresh {
  std::size_t updated = 0;  ///< documents read and indexed
  std::size_t removed = 0;
  std::size_t total = 0;  ///< documents in the index afterwards
  bool rebuilt = false;   ///< built from nothing
  std::string reason;     ///< why it was built from nothing

  [[nodiscard]] nlohmann::json to_json() const;
  /// Built from nothing for a reason the user did not expect: not because there was no index
  /// yet or a rebuild was asked for, but because the index was unreadable or out of step.
  [[nodiscard]] bool unexpected_rebuild() const;
};

/// Which prompts to take.
struct DocumentFilter {
  std::vector<std::string> tags;  ///< every one must be present
  std::string category;
};

/// The index of a prompt repository's working tree. It lives in `promptctl/search.db` under
/// the git directory; it is kept in memory (and built each time) when the prompts are not in a
/// git work tree or that folder cannot be written.
///
/// The index records the commit it was last brought up to date with, and which documents came
/// from uncommitted files. `refresh` asks git what changed since that commit and what differs
/// between HEAD and the working tree, and reads only those files; each document remembers the
/// git blob id of the text it came from, so an unchanged file is never parsed twice. An index
/// file that cannot be read, or whose commit is gone, is rebuilt from nothing.
class SearchIndex {
 public:
  SearchIndex(Workspace& workspace, std::shared_ptr<const repo::Repository> repository);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  /// Brings the index up to date with the working tree (from nothing when `rebuild`). Throws
  /// `Error` (git, io) when git or the index file fails.
  IndexRefresh refresh(bool rebuild = false);

  /// The best matches, best first. Throws `Error` (usage) for a query without words.
  [[nodiscard]] std::vector<SearchHit> search(const SearchQuery& query) const;

  /// Every document passing `filter`, sorted by name.
  [[nodiscard]] std::vector<IndexedPrompt> documents(const DocumentFilter& filter) const;
  /// One document, or nothing when the index has no prompt of that name.
  [[nodiscard]] std::optional<IndexedPrompt> document(const std::string& name) const;

  /// The embedding stored for `text_hash` under `model` ("provider/model").
  [[nodiscard]] std::optional<std::vector<float>> embedding(const std::string& model,
                                                            const std::string& text_hash) const;
  /// Every embedding stored under `model`, by text hash: one read instead of one per prompt.
  [[nodiscard]] std::map<std::string, std::vector<float>> embeddings(
      const std::string& model) const;
  void store_embedding(const std::string& model, const std::string& text_hash,
                       const std::vector<float>& vector);

  /// The index file, or "" when the index is in memory.
  [[nodiscard]] std::string file() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> m_impl;
};

}  // namespace promptctl
