// Near-duplicates by wording: word shingles, MinHash signatures and banded candidate search.
#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <unordered_map>

#include "promptctl/similarity.hpp"
#include "search/pairs.hpp"
#include "search/words.hpp"
#include "util/parallel.hpp"

namespace promptctl {

namespace {

constexpr std::size_t k_shingle_words = 3;
constexpr std::size_t k_signature_size = 64;

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ULL) {
  for (char c : text) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return hash;
}

// A well-mixed 64-bit permutation (SplitMix64's finaliser): each seed gives an independent
// hash function for MinHash.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::vector<std::string> lower_words(std::string_view text) {
  std::vector<std::string> words = search_detail::words_of(text);
  for (std::string& word : words) {
    for (char& c : word) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return words;
}

using Signature = std::array<std::uint64_t, k_signature_size>;

Signature minhash(const std::vector<std::uint64_t>& set) {
  Signature signature;
  signature.fill(~std::uint64_t{0});
  for (std::uint64_t element : set) {
    for (std::size_t k = 0; k < k_signature_size; ++k) {
      signature[k] = std::min(signature[k], mix(element ^ (0x51ed270b27a5f3c9ULL * (k + 1))));
    }
  }
  return signature;
}

// Bands × rows = the signature size. Two sets with Jaccard similarity s share a band with
// probability 1 - (1 - s^rows)^bands: with 16 bands of 4 rows that is 0.98 at s = 0.6 and
// 0.9999 at 0.8; lower thresholds use 32 bands of 2 rows (0.95 at s = 0.3).
std::pair<std::size_t, std::size_t> banding(double threshold) {
  return threshold >= 0.5 ? std::pair<std::size_t, std::size_t>{16, 4}
                          : std::pair<std::size_t, std::size_t>{32, 2};
}

}  // namespace

std::vector<std::uint64_t> shingles(std::string_view text) {
  std::vector<std::string> words = lower_words(text);
  std::vector<std::uint64_t> out;
  if (words.empty()) {
    return out;
  }
  std::size_t width = std::min(k_shingle_words, words.size());
  for (std::size_t i = 0; i + width <= words.size(); ++i) {
    std::uint64_t hash = fnv1a(words[i]);
    for (std::size_t j = 1; j < width; ++j) {
      hash = fnv1a(words[i + j], fnv1a(" ", hash));
    }
    out.push_back(hash);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() && b.empty()) {
    return 1;
  }
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

std::vector<DuplicatePair> duplicates_by_shingles(const std::vector<IndexedPrompt>& prompts,
                                                  double threshold) {
  std::vector<std::vector<std::uint64_t>> sets(prompts.size());
  std::vector<Signature> signatures(prompts.size());
  util::parallel_for(prompts.size(), [&](std::size_t i) {
    sets[i] = shingles(prompts[i].semantic_text());
    signatures[i] = minhash(sets[i]);
  });
  auto [bands, rows] = banding(threshold);
  std::set<std::pair<std::size_t, std::size_t>> candidates;
  for (std::size_t band = 0; band < bands; ++band) {
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> buckets;
    for (std::size_t i = 0; i < prompts.size(); ++i) {
      if (sets[i].empty()) {
        continue;
      }
      std::uint64_t key = mix(band);
      for (std::size_t r = 0; r < rows; ++r) {
        key = mix(key ^ signatures[i][band * rows + r]);
      }
      buckets[key].push_back(i);
    }
    for (const auto& [key, members] : buckets) {
      for (std::size_t a = 0; a < members.size(); ++a) {
        for (std::size_t b = a + 1; b < members.size(); ++b) {
          candidates.emplace(members[a], members[b]);
        }
      }
    }
  }
  std::vector<DuplicatePair> pairs;
  for (const auto& [a, b] : candidates) {
    double score = jaccard(sets[a], sets[b]);
    if (score >= threshold) {
      pairs.push_back(similarity_detail::ordered_pair(prompts[a].name, prompts[b].name, score));
    }
  }
  similarity_detail::sort_pairs(pairs);
  return pairs;
}

}  // namespace promptctl
