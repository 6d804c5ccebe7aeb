// Embeddings of prompts, stored in the search index by content hash, and cosine similarity.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "promptctl/execute.hpp"
#include "promptctl/similarity.hpp"
#include "search/pairs.hpp"
#include "util/parallel.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl {

namespace {

// Texts per request: large enough that 10,000 prompts take a few hundred requests, small
// enough to stay far below every provider's limit on inputs per request.
constexpr std::size_t k_batch = 64;

std::vector<float> to_floats(const std::vector<double>& values) {
  return {values.begin(), values.end()};
}

std::string text_for(const IndexedPrompt& prompt) {
  std::string text = prompt.semantic_text();
  return text.empty() ? prompt.name : text;
}

}  // namespace

std::string embedding_hash(const std::string& text) {
  return util::sha256_hex(text);
}

std::vector<float> normalized(std::vector<float> vector) {
  double sum = 0;
  for (float x : vector) {
    sum += static_cast<double>(x) * x;
  }
  if (sum > 0) {
    auto scale = static_cast<float>(1.0 / std::sqrt(sum));
    for (float& x : vector) {
      x *= scale;
    }
  }
  return vector;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) {
    return 0;
  }
  float sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sum += a[i] * b[i];
  }
  return std::clamp(static_cast<double>(sum), -1.0, 1.0);
}

ModelRef search_embedding_model(const RepoSettings& settings, const std::string& requested,
                                const std::map<std::string, ProviderSettings>& providers) {
  const std::string& text = !requested.empty() ? requested
                            : !settings.search.embedding_model.empty()
                                ? settings.search.embedding_model
                                : settings.tests.embedding_model;
  ModelRef model = parse_model_ref(text, "", providers);
  if (model.provider.empty()) {
    model.provider = "openai";
  }
  return model;
}

EmbeddedPrompts embed_prompts(SearchIndex& index, const std::vector<IndexedPrompt>& prompts,
                              const EmbeddingSource& source) {
  EmbeddedPrompts out;
  std::string model = source.model.to_string();
  std::vector<std::string> hashes(prompts.size());
  std::vector<std::optional<std::vector<float>>> vectors(prompts.size());
  std::map<std::string, std::string> missing_texts;  // hash -> text, each text once
  // Many prompts: read the whole store for the model at once; a few: look each one up.
  bool read_all = prompts.size() > k_batch;
  std::map<std::string, std::vector<float>> all =
      read_all ? index.embeddings(model) : std::map<std::string, std::vector<float>>{};
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    std::string text = text_for(prompts[i]);
    hashes[i] = embedding_hash(text);
    if (read_all) {
      if (auto it = all.find(hashes[i]); it != all.end()) {
        vectors[i] = it->second;
      }
    } else {
      vectors[i] = index.embedding(model, hashes[i]);
    }
    if (vectors[i]) {
      ++out.stored;
    } else {
      missing_texts.emplace(hashes[i], std::move(text));
    }
  }
  std::map<std::string, std::vector<float>> fetched;
  if (!missing_texts.empty() && source.offline) {
    out.error = "no stored embedding from " + model + " for " +
                util::counted(missing_texts.size(), "text") + ", and no calls are made offline";
    out.error_kind = ErrorKind::not_found;
  }
  std::vector<std::pair<std::string, std::string>> pending(missing_texts.begin(),
                                                           missing_texts.end());
  for (std::size_t start = 0; !source.offline && start < pending.size(); start += k_batch) {
    std::size_t end = std::min(pending.size(), start + k_batch);
    std::vector<std::string> texts;
    for (std::size_t j = start; j < end; ++j) {
      texts.push_back(pending[j].second);
    }
    EmbeddingResult result =
        embed_texts(source.model, texts, *source.providers, nullptr, CacheMode::off,
                    EmbeddingTracing{source.tracer, std::nullopt});
    if (!result.ok) {
      out.error = result.error;
      out.error_kind = result.error_kind;
      break;
    }
    for (std::size_t j = start; j < end; ++j) {
      std::vector<float> vector = normalized(to_floats(result.vectors[j - start]));
      index.store_embedding(model, pending[j].first, vector);
      fetched.emplace(pending[j].first, std::move(vector));
      ++out.requested;
    }
    if (source.progress) {
      source.progress(end, pending.size());
    }
  }
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    if (!vectors[i]) {
      if (auto it = fetched.find(hashes[i]); it != fetched.end()) {
        vectors[i] = it->second;
      }
    }
    if (vectors[i]) {
      out.names.push_back(prompts[i].name);
      out.vectors.push_back(std::move(*vectors[i]));
    } else {
      out.missing.push_back(prompts[i].name);
    }
  }
  return out;
}

std::vector<float> embed_text(SearchIndex& index, const std::string& text,
                              const EmbeddingSource& source) {
  std::string model = source.model.to_string();
  std::string hash = embedding_hash(text);
  if (auto stored = index.embedding(model, hash)) {
    return *stored;
  }
  if (source.offline) {
    throw Error(ErrorKind::not_found,
                "no stored embedding from " + model +
                    " for this text, and no calls are made "
                    "offline",
                {}, "run once without --offline while the embeddings endpoint is reachable");
  }
  EmbeddingResult result =
      embed_texts(source.model, {text}, *source.providers, nullptr, CacheMode::off,
                  EmbeddingTracing{source.tracer, std::nullopt});
  if (!result.ok) {
    throw Error(result.error_kind, "cannot embed the query: " + result.error);
  }
  std::vector<float> vector = normalized(to_floats(result.vectors.front()));
  index.store_embedding(model, hash, vector);
  return vector;
}

std::vector<SimilarPrompt> rank_by_cosine(const std::vector<float>& query,
                                          const EmbeddedPrompts& prompts, std::size_t limit,
                                          const std::string& exclude) {
  std::vector<SimilarPrompt> ranked;
  for (std::size_t i = 0; i < prompts.names.size(); ++i) {
    if (prompts.names[i] != exclude) {
      ranked.push_back({prompts.names[i], cosine(query, prompts.vectors[i])});
    }
  }
  auto better = [](const SimilarPrompt& a, const SimilarPrompt& b) {
    return a.score != b.score ? a.score > b.score : a.name < b.name;
  };
  std::size_t keep = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                    ranked.end(), better);
  ranked.resize(keep);
  return ranked;
}

nlohmann::json DuplicatePair::to_json() const {
  return {{"first", first}, {"second", second}, {"score", score}};
}

namespace similarity_detail {

void sort_pairs(std::vector<DuplicatePair>& pairs) {
  std::sort(pairs.begin(), pairs.end(), [](const DuplicatePair& a, const DuplicatePair& b) {
    if (a.score != b.score) {
      return a.score > b.score;
    }
    return std::tie(a.first, a.second) < std::tie(b.first, b.second);
  });
}

DuplicatePair ordered_pair(const std::string& a, const std::string& b, double score) {
  return a < b ? DuplicatePair{a, b, score} : DuplicatePair{b, a, score};
}

}  // namespace similarity_detail

std::vector<DuplicatePair> duplicates_by_embedding(const EmbeddedPrompts& prompts,
                                                   double threshold) {
  // Every pair, compared exactly: n²/2 dot products, split by row over the cores.
  std::size_t n = prompts.names.size();
  std::vector<std::vector<DuplicatePair>> rows(n);
  util::parallel_for(n, [&](std::size_t i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      double score = cosine(prompts.vectors[i], prompts.vectors[j]);
      if (score >= threshold) {
        rows[i].push_back(
            similarity_detail::ordered_pair(prompts.names[i], prompts.names[j], score));
      }
    }
  });
  std::vector<DuplicatePair> pairs;
  for (auto& row : rows) {
    pairs.insert(pairs.end(), row.begin(), row.end());
  }
  similarity_detail::sort_pairs(pairs);
  return pairs;
}

}  // namespace promptctl
