// Prompts alike in meaning or in wording: embeddings kept by content hash in the search index,
// cosine ranking, and near-duplicate pairs by embeddings or by word shingles.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "promptctl/provider.hpp"
#include "promptctl/provider_settings.hpp"
#include "promptctl/search.hpp"
#include "promptctl/telemetry.hpp"

namespace promptctl {

/// Where embeddings come from, and whether the endpoint may be called.
struct EmbeddingSource {
  ModelRef model;
  const std::map<std::string, ProviderSettings>* providers = nullptr;
  bool offline = false;  ///< only what the index has stored
  /// Called after each batch with how many texts are done out of how many were missing.
  std::function<void(std::size_t, std::size_t)> progress;
  /// Where each embeddings request's span goes (TRACEPARENT's trace, else a new one). Null:
  /// no spans.
  telemetry::Tracer* tracer = nullptr;
};

/// The embedding model search and dupes use: `requested` when given, else
/// `search.embedding_model`, else `tests.embedding_model`; a name without a provider is
/// OpenAI's.
ModelRef search_embedding_model(const RepoSettings& settings, const std::string& requested,
                                const std::map<std::string, ProviderSettings>& providers);

/// Unit-length vectors for prompts, as far as they could be had.
struct EmbeddedPrompts {
  std::vector<std::string> names;           ///< the prompts with a vector
  std::vector<std::vector<float>> vectors;  ///< one per name, normalised to length 1
  std::size_t requested = 0;                ///< texts embedded by the endpoint now
  std::size_t stored = 0;                   ///< vectors found in the index
  std::vector<std::string> missing;         ///< prompts left without a vector
  std::string error;                        ///< why some are missing
  /// What kind of failure left them out: not_found offline, else the endpoint's (a missing key
  /// is invalid_input, an unreachable endpoint provider).
  ErrorKind error_kind = ErrorKind::provider;
};

/// The content hash an embedding is stored under.
std::string embedding_hash(const std::string& text);

/// Vectors for `prompts`' semantic text: from the index where it has one for the same text and
/// model, the rest from the endpoint in batches, each stored as it arrives. When the endpoint
/// fails (or `offline`), the prompts it could not embed are listed as missing, with the reason.
EmbeddedPrompts embed_prompts(SearchIndex& index, const std::vector<IndexedPrompt>& prompts,
                              const EmbeddingSource& source);

/// The unit vector for one text, from the index or the endpoint. Throws `Error` (provider or
/// invalid_input, with the endpoint's reason) when it cannot be had.
std::vector<float> embed_text(SearchIndex& index, const std::string& text,
                              const EmbeddingSource& source);

/// `vector` scaled to length 1 (all zeros stays all zeros).
std::vector<float> normalized(std::vector<float> vector);
/// The cosine similarity of two unit vectors; 0 when their lengths differ.
double cosine(const std::vector<float>& a, const std::vector<float>& b);

struct SimilarPrompt {
  std::string name;
  double score = 0;  ///< cosine similarity
};

/// The prompts closest to `query`, best first, at most `limit`, leaving out `exclude`.
std::vector<SimilarPrompt> rank_by_cosine(const std::vector<float>& query,
                                          const EmbeddedPrompts& prompts, std::size_t limit,
                                          const std::string& exclude = "");

struct DuplicatePair {
  std::string first;  ///< the name that sorts first
  std::string second;
  double score = 0;  ///< cosine similarity, or Jaccard similarity of shingles

  [[nodiscard]] nlohmann::json to_json() const;
};

/// Every pair with cosine similarity at least `threshold`, most similar first.
std::vector<DuplicatePair> duplicates_by_embedding(const EmbeddedPrompts& prompts,
                                                   double threshold);

/// The word 3-shingles of a text (hashed), lower-cased, sorted and unique. A text of fewer
/// than three words gives one shingle of all of them.
std::vector<std::uint64_t> shingles(std::string_view text);
/// The Jaccard similarity of two shingle sets; 1 for two empty sets.
double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

/// Every pair whose shingle sets have Jaccard similarity at least `threshold`, most similar
/// first. Candidates come from MinHash signatures banded for locality-sensitive hashing, so
/// that 10,000 prompts do not mean 50 million comparisons; each candidate's score is exact.
/// Prompts without words take no part.
std::vector<DuplicatePair> duplicates_by_shingles(const std::vector<IndexedPrompt>& prompts,
                                                  double threshold);

}  // namespace promptctl
