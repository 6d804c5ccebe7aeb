#include <gtest/gtest.h>

#include "promptctl/search.hpp"
#include "promptctl/similarity.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;

namespace {

IndexedPrompt doc(const std::string& name, const std::string& body) {
  IndexedPrompt prompt;
  prompt.name = name;
  prompt.body = body;
  return prompt;
}

}  // namespace

TEST(MatchExpression, WordsPhrasesAndPrefixes) {
  EXPECT_EQ(match_expression("refund policy"), "\"refund\" OR \"policy\"");
  EXPECT_EQ(match_expression("support/reply customer_name"),
            "\"support reply\" OR \"customer name\"");
  EXPECT_EQ(match_expression("refu*"), "\"refu\" *");
  EXPECT_EQ(match_expression("\"late delivery\" refund"), "\"late delivery\" OR \"refund\"");
  EXPECT_EQ(match_expression("\"unclosed phrase"), "\"unclosed phrase\"");
  EXPECT_EQ(match_expression("a a A"), "\"a\" OR \"A\"");
  // FTS5 operators in the query are words like any other, never syntax.
  EXPECT_EQ(match_expression("NOT OR NEAR(x)"), "\"NOT\" OR \"OR\" OR \"NEAR x\"");
  EXPECT_EQ(match_expression("café"), "\"café\"");
}

TEST(MatchExpression, AQueryWithoutWordsIsAUsageError) {
  for (const char* query : {"", "   ", "?!", "\"\"", "***"}) {
    try {
      match_expression(query);
      ADD_FAILURE() << query;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << query;
    }
  }
}

TEST(IndexDocument, TakesEveryFieldAndKeepsTheTextOfABrokenFile) {
  IndexedPrompt reply = index_document("support/reply", R"(description: Reply politely
tags: [support, billing]
category: generation
variables:
  inquiry: {type: string, description: "The customer's message"}
  tone: {type: string, default: friendly}
messages:
  - {role: system, content: "Be kind."}
  - {role: user, content: "{{inquiry}} in a {{tone}} tone"}
)");
  EXPECT_EQ(reply.description, "Reply politely");
  EXPECT_EQ(reply.tags, (std::vector<std::string>{"support", "billing"}));
  EXPECT_EQ(reply.category, "generation");
  EXPECT_EQ(reply.variables, "inquiry: The customer's message\ntone");
  EXPECT_EQ(reply.body, "system: Be kind.\n\nuser: {{inquiry}} in a {{tone}} tone");
  EXPECT_EQ(reply.error, "");
  EXPECT_EQ(reply.semantic_text(), "Reply politely\n\n" + reply.body);

  IndexedPrompt broken = index_document("broken", "description: [unclosed\x02");
  EXPECT_NE(broken.error, "");
  EXPECT_EQ(broken.body, "description: [unclosed") << "snippet markers are taken out";
}

TEST(SearchIndex, OutsideGitItIsBuiltInMemoryFromTheFiles) {
  promptctl::testing::TempDir dir;
  dir.write("promptctl.yaml", "version: 1\n");
  dir.write("prompts/a.yaml", "description: Alpha refund\ntags: [x]\ntemplate: one\n");
  dir.write("prompts/b.yaml", "description: Beta\ntags: [x, y]\ntemplate: refund two\n");
  Workspace workspace = Workspace::open(dir.path());
  SearchIndex index(workspace, nullptr);
  IndexRefresh refresh = index.refresh();
  EXPECT_TRUE(refresh.rebuilt);
  EXPECT_EQ(refresh.total, 2u);
  EXPECT_EQ(index.file(), "");
  std::vector<SearchHit> hits = index.search({"refund", {}, "", 10});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].name, "a") << "the description weighs more than the template";
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_EQ(hits[1].field, "template");
  EXPECT_EQ(hits[1].snippet.substr(hits[1].highlights.at(0).start, 6), "refund");
  EXPECT_EQ(index.search({"refund", {"y"}, "", 10}).size(), 1u);
  EXPECT_EQ(index.documents({{"x"}, ""}).size(), 2u);
  EXPECT_FALSE(index.document("c"));

  index.store_embedding("m", "h", {0.6F, 0.8F});
  EXPECT_EQ(index.embedding("m", "h"), (std::vector<float>{0.6F, 0.8F}));
  EXPECT_FALSE(index.embedding("other", "h"));
}

TEST(Similarity, CosineRankingAndPairs) {
  EXPECT_EQ(normalized({3, 4}), (std::vector<float>{0.6F, 0.8F}));
  EXPECT_EQ(normalized({0, 0}), (std::vector<float>{0, 0}));
  EXPECT_NEAR(cosine({1, 0}, {0, 1}), 0, 1e-12);
  EXPECT_EQ(cosine({1, 0}, {1, 0, 0}), 0) << "different models' vectors are unrelated";
  EmbeddedPrompts prompts;
  prompts.names = {"a", "b", "c"};
  prompts.vectors = {normalized({1, 0}), normalized({1, 0.1F}), normalized({0, 1})};
  std::vector<SimilarPrompt> ranked = rank_by_cosine(normalized({1, 0}), prompts, 2, "a");
  ASSERT_EQ(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].name, "b");
  EXPECT_EQ(ranked[1].name, "c");
  std::vector<DuplicatePair> pairs = duplicates_by_embedding(prompts, 0.99);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].first, "a");
  EXPECT_EQ(pairs[0].second, "b");
}

TEST(Shingles, JaccardOfThreeWordSequences) {
  EXPECT_EQ(shingles("The cat sat").size(), 1u);
  EXPECT_EQ(shingles("The CAT, sat!"), shingles("the cat sat"));
  EXPECT_EQ(shingles("a b").size(), 1u) << "fewer than three words: one shingle";
  EXPECT_TRUE(shingles(" !? ").empty());
  // "a b c d" and "a b c e": shingles {abc, bcd} and {abc, bce}.
  EXPECT_DOUBLE_EQ(jaccard(shingles("a b c d"), shingles("a b c e")), 1.0 / 3);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 1);
}

TEST(Shingles, DuplicatesAreFoundAndScoredExactly) {
  std::string text;
  for (int i = 0; i < 50; ++i) {
    text += "word" + std::to_string(i) + " ";
  }
  std::vector<IndexedPrompt> docs = {
      doc("copy", text), doc("original", text), doc("edited", text + "one more"),
      doc("other", "entirely different words here"), doc("empty", "")};
  std::vector<DuplicatePair> pairs = duplicates_by_shingles(docs, 0.9);
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].first, "copy");
  EXPECT_EQ(pairs[0].second, "original");
  EXPECT_DOUBLE_EQ(pairs[0].score, 1);
  EXPECT_DOUBLE_EQ(pairs[1].score, 48.0 / 50) << "48 shingles shared of 50";
}
