// Search invariants: any query either has words and becomes a well-formed match expression, or
// is refused; duplicate detection never reports a pair below the threshold, always reports
// identical texts, and scores pairs exactly.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "promptctl/search.hpp"
#include "promptctl/similarity.hpp"

using namespace promptctl;

namespace {

bool has_word_byte(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return std::isalnum(byte) != 0 || byte >= 0x80;
  });
}

rc::Gen<std::string> words_text() {
  return rc::gen::map(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 12)),
                      [](const std::vector<int>& ids) {
                        std::string text;
                        for (int id : ids) {
                          text += "w" + std::to_string(id) + " ";
                        }
                        return text;
                      });
}

}  // namespace

RC_GTEST_PROP(SearchProperties, AQueryIsRefusedExactlyWhenItHasNoWords,
              (const std::string& query)) {
  if (!has_word_byte(query)) {
    RC_ASSERT_THROWS_AS(match_expression(query), Error);
    return;
  }
  std::string expression = match_expression(query);
  RC_ASSERT(std::count(expression.begin(), expression.end(), '"') % 2 == 0);
  // Outside the quotes only the OR operator and a prefix star appear.
  bool inside = false;
  std::string outside;
  for (char c : expression) {
    if (c == '"') {
      inside = !inside;
    } else if (!inside) {
      outside += c;
    } else {
      RC_ASSERT(c == ' ' || std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                static_cast<unsigned char>(c) >= 0x80);
    }
  }
  std::erase(outside, ' ');
  std::string rest = outside;
  for (std::string token : {"OR", "*"}) {
    for (auto at = rest.find(token); at != std::string::npos; at = rest.find(token)) {
      rest.erase(at, token.size());
    }
  }
  RC_ASSERT(rest.empty());
}

RC_GTEST_PROP(SearchProperties, JaccardIsASymmetricSimilarity, ()) {
  auto a = shingles(*words_text());
  auto b = shingles(*words_text());
  double ab = jaccard(a, b);
  RC_ASSERT(ab >= 0.0);
  RC_ASSERT(ab <= 1.0);
  RC_ASSERT(ab == jaccard(b, a));
  RC_ASSERT(jaccard(a, a) == 1.0);
}

RC_GTEST_PROP(SearchProperties, ShingleDuplicatesAreSoundAndFindIdenticalTexts, ()) {
  std::vector<std::string> texts = *rc::gen::container<std::vector<std::string>>(
      *rc::gen::inRange<std::size_t>(2, 12), words_text());
  double threshold = *rc::gen::inRange(1, 100) / 100.0;
  std::vector<IndexedPrompt> docs;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    IndexedPrompt doc;
    doc.name = "p" + std::to_string(i);
    doc.body = texts[i];
    docs.push_back(doc);
  }
  std::vector<DuplicatePair> pairs = duplicates_by_shingles(docs, threshold);
  auto index_of = [](const std::string& name) { return std::stoul(name.substr(1)); };
  for (const DuplicatePair& pair : pairs) {
    RC_ASSERT(pair.first < pair.second);
    double exact =
        jaccard(shingles(texts[index_of(pair.first)]), shingles(texts[index_of(pair.second)]));
    RC_ASSERT(pair.score == exact);
    RC_ASSERT(pair.score >= threshold);
  }
  for (std::size_t i = 0; i < texts.size(); ++i) {
    for (std::size_t j = i + 1; j < texts.size(); ++j) {
      if (texts[i] == texts[j] && !shingles(texts[i]).empty()) {
        std::string a = docs[i].name;
        std::string b = docs[j].name;
        if (b < a) {
          std::swap(a, b);
        }
        RC_ASSERT(std::any_of(pairs.begin(), pairs.end(), [&](const DuplicatePair& pair) {
          return pair.first == a && pair.second == b;
        }));
      }
    }
  }
}
