// What `search` and `dupes` share: the index brought up to date, and where embeddings come from.
#pragma once

#include <memory>
#include <string>

#include "cli/command.hpp"
#include "promptctl/search.hpp"
#include "promptctl/similarity.hpp"

namespace promptctl::cli {

/// The repository's search index, brought up to date (from nothing when `rebuild`). Progress
/// shows on a terminal while many prompts are read; an index that had to be started again
/// says why on stderr.
std::unique_ptr<SearchIndex> open_search_index(Session& session, bool rebuild,
                                               IndexRefresh& refresh);

/// Options for embeddings that both commands take.
struct EmbeddingOptions {
  std::string model;  ///< --embedding-model
  bool offline = false;
};
void add_embedding_options(CLI::App& sub, EmbeddingOptions& options);

/// The embedding model (--embedding-model, else `search.embedding_model`, else
/// `tests.embedding_model`) on `providers`, which must outlive the result.
EmbeddingSource embedding_source(Session& session, const EmbeddingOptions& options,
                                 const std::map<std::string, ProviderSettings>& providers);

/// A similarity score as listings show it: "0.912".
std::string format_score(double score);

/// Adds --tag and --category, for a filter.
void add_document_filter(CLI::App& sub, DocumentFilter& filter);

}  // namespace promptctl::cli
