// `promptctl search`, `dupes` and `runs --grep` on real repositories: the index follows what git
// says changed (commits by either tool, branch switches, uncommitted edits, a rewritten
// history), and similarity uses the loopback server's embeddings endpoint.
#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

std::string prompt_file(const std::string& description, const std::string& tags,
                        const std::string& template_text) {
  return "description: " + description + "\ntags: [" + tags +
         "]\nvariables:\n  order: {type: string, description: The order number}\n"
         "template: \"" +
         template_text + "\"\n";
}

class SearchTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    write("prompts/support/refund.yaml",
          prompt_file("Explain the refund policy", "support, billing",
                      "Tell the customer how refunds work for order {{order}}."));
    write("prompts/support/late.yaml",
          prompt_file("Apologise for a late delivery", "support",
                      "Say sorry that order {{order}} is late; offer a refund if it is a week "
                      "late."));
    write("prompts/writing/summary.yaml",
          prompt_file("Summarize a document", "writing",
                      "Summarize order {{order}} notes in three bullet points."));
    ASSERT_EQ(run({"commit", "-m", "prompts"}).exit_code, 0);
  }

  json search(std::vector<std::string> args, int expected_exit = 0) const {
    args.insert(args.begin(), "search");
    args.push_back("--json");
    ProcessResult result = run_with_server(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    json parsed = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }

  static std::vector<std::string> names(const json& results) {
    std::vector<std::string> out;
    for (const json& result : results.at("results")) {
      out.push_back(result.at("name").get<std::string>());
    }
    return out;
  }

  [[nodiscard]] std::filesystem::path index_file() const {
    return root() / ".git" / "promptctl" / "search.db";
  }
};

TEST_F(SearchTest, RanksNameAndDescriptionAboveTemplateWithHighlightedSnippets) {
  json found = search({"refund"});
  EXPECT_EQ(found.at("mode"), "text");
  // "refund" is in support/refund's name and description, and only in late's template.
  EXPECT_EQ(names(found), (std::vector<std::string>{"support/refund", "support/late"}));
  EXPECT_GT(found["results"][0]["score"].get<double>(), found["results"][1]["score"].get<double>());
  const json& late = found["results"][1];
  EXPECT_EQ(late["field"], "template");
  std::string snippet = late["snippet"];
  ASSERT_EQ(late["highlights"].size(), 1u) << late;
  std::size_t start = late["highlights"][0]["start"];
  std::size_t length = late["highlights"][0]["length"];
  EXPECT_EQ(snippet.substr(start, length), "refund") << snippet;
  // Stemming: "refunds" and "refunding" find the same prompts; a prefix matches too.
  EXPECT_EQ(names(search({"refunding"})), names(found));
  EXPECT_EQ(names(search({"refu*"})), names(found));
  // Filters and limits.
  EXPECT_EQ(names(search({"order", "--tag", "writing"})),
            (std::vector<std::string>{"writing/summary"}));
  EXPECT_EQ(names(search({"refund", "--tag", "support", "--tag", "billing"})),
            (std::vector<std::string>{"support/refund"}));
  EXPECT_EQ(search({"order", "-n", "1"})["results"].size(), 1u);
  // Variables are searched by their descriptions; a phrase must match in order.
  EXPECT_EQ(search({"order number"})["results"].size(), 3u);
  EXPECT_EQ(names(search({"\"bullet points\""})), (std::vector<std::string>{"writing/summary"}));
  EXPECT_TRUE(search({"\"points bullet\""}, 1)["results"].empty());

  ProcessResult text = run({"search", "late", "delivery"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("support/late  Apologise for a late delivery  [support]"), 0u)
      << text.out;
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << "no colour on a pipe";
}

TEST_F(SearchTest, BadQueriesAreUsageErrorsAndNothingFoundIsExitOne) {
  ProcessResult empty = run({"search", ""});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("empty search query"), std::string::npos) << empty.err;
  ProcessResult none = run({"search"});
  EXPECT_EQ(none.exit_code, 2);
  ProcessResult punctuation = run({"search", "?!"});
  EXPECT_EQ(punctuation.exit_code, 2);
  EXPECT_NE(punctuation.err.find("'?!' has no words"), std::string::npos) << punctuation.err;
  ProcessResult zero = run({"search", "refund", "-n", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(zero.err.find("promptctl: error: --limit: '0' is less than 1\n"), 0u) << zero.err;
  ProcessResult both = run({"search", "refund", "--similar", "money back"});
  EXPECT_EQ(both.exit_code, 2);
  ProcessResult missing = run({"search", "zebra"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  ProcessResult unknown = run({"search", "--like", "support/refnd"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("support/refund"), std::string::npos) << "did you mean";
}

TEST_F(SearchTest, TheIndexFollowsGitAndTheWorkingTree) {
  json first = search({"refund"});
  EXPECT_TRUE(first["index"]["rebuilt"].get<bool>());
  EXPECT_EQ(first["index"]["reason"], "no index yet");
  EXPECT_EQ(first["index"]["total"], 4);  // hello, from the fixture, too
  EXPECT_TRUE(std::filesystem::exists(index_file()));
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "") << "the index is not in the work tree";

  json again = search({"refund"});
  EXPECT_FALSE(again["index"]["rebuilt"].get<bool>());
  EXPECT_EQ(again["index"]["updated"], 0);

  // An uncommitted edit is searched as it is, and only that file is read.
  write("prompts/support/late.yaml",
        prompt_file("Apologise for a late delivery", "support", "Say sorry; offer a voucher."));
  json edited = search({"voucher"});
  EXPECT_EQ(edited["index"]["updated"], 1);
  EXPECT_EQ(names(edited), (std::vector<std::string>{"support/late"}));
  EXPECT_EQ(names(search({"refund"})), (std::vector<std::string>{"support/refund"}));

  // Committed with the git CLI: the same blob, so nothing is parsed again.
  git(root(), {"commit", "-q", "-am", "voucher"});
  EXPECT_EQ(search({"voucher"})["index"]["updated"], 0);

  // Deleted in the working tree, then brought back.
  std::filesystem::remove(root() / "prompts/support/late.yaml");
  json deleted = search({"voucher"}, 1);
  EXPECT_EQ(deleted["index"]["removed"], 1);
  git(root(), {"checkout", "--", "prompts/support/late.yaml"});
  EXPECT_EQ(names(search({"voucher"})), (std::vector<std::string>{"support/late"}));

  // An untracked prompt, a rename and a removal made with git, and a branch switch.
  write("prompts/new/idea.yaml", prompt_file("A fresh idea", "draft", "Brainstorm."));
  EXPECT_EQ(names(search({"brainstorm"})), (std::vector<std::string>{"new/idea"}));
  git(root(), {"add", "prompts/new/idea.yaml"});
  git(root(), {"mv", "prompts/writing/summary.yaml", "prompts/writing/digest.yaml"});
  git(root(), {"commit", "-q", "-m", "rename"});
  EXPECT_EQ(names(search({"bullet"})), (std::vector<std::string>{"writing/digest"}));
  git(root(), {"switch", "-q", "-c", "experiment", "HEAD~2"});
  EXPECT_EQ(names(search({"bullet"})), (std::vector<std::string>{"writing/summary"}));
  EXPECT_EQ(search({"brainstorm"}, 1)["results"].size(), 0u);
  json refunds = search({"refund"});
  EXPECT_EQ(names(refunds), (std::vector<std::string>{"support/refund", "support/late"}));
  git(root(), {"switch", "-q", "-"});
  EXPECT_EQ(names(search({"brainstorm"})), (std::vector<std::string>{"new/idea"}));

  // A prompt git ignores is found, as `ls` lists it, and forgotten once deleted.
  write(".gitignore", "prompts/local/\n");
  write("prompts/local/scratch.yaml", prompt_file("Local notes", "draft", "Quokka facts."));
  EXPECT_NE(run({"ls"}).out.find("local/scratch"), std::string::npos);
  EXPECT_EQ(names(search({"quokka"})), (std::vector<std::string>{"local/scratch"}));
  std::filesystem::remove(root() / "prompts/local/scratch.yaml");
  EXPECT_EQ(search({"quokka"}, 1)["index"]["removed"], 1);

  // A broken file is still found by its text.
  write("prompts/broken.yaml", "description: [unclosed zeppelin\n");
  EXPECT_EQ(names(search({"zeppelin"})), (std::vector<std::string>{"broken"}));
}

// Untracked and ignored folders are read whole; a file whose stamp (size, inode, times) is the
// one its document was made from is not read again, and any change to it is.
TEST_F(SearchTest, UntrackedFilesAreReadAgainOnlyWhenTheirStampChanges) {
  write(".gitignore", "prompts/local/\n");
  write("prompts/drafts/one.yaml", prompt_file("Kiwi draft", "draft", "Kiwi facts."));
  write("prompts/drafts/two.yaml", prompt_file("Fig draft", "draft", "Fig facts."));
  write("prompts/drafts/deep/three.yaml", prompt_file("Plum draft", "draft", "Plum facts."));
  write("prompts/local/four.yaml", prompt_file("Pear notes", "draft", "Pear facts."));
  // Stamps of files changed in the last two seconds are never trusted.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  json first = search({"facts"});
  EXPECT_EQ(names(first).size(), 4u);
  EXPECT_EQ(first["index"]["total"], 8);
  json listed = json::parse(run({"ls", "--json"}).out);
  EXPECT_EQ(listed["prompts"].size(), 8u) << "search sees what ls lists";
  EXPECT_EQ(search({"facts"})["index"]["updated"], 0);

  // Same size, so only the times and the content tell; its new stamp is trusted by the time of
  // the search.
  write("prompts/drafts/one.yaml", prompt_file("Lime draft", "draft", "Lime facts."));
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  json edited = search({"lime"});
  EXPECT_EQ(names(edited), (std::vector<std::string>{"drafts/one"}));
  EXPECT_EQ(edited["index"]["updated"], 1);
  EXPECT_EQ(search({"kiwi"}, 1)["results"].size(), 0u);
  // Changed just now: read again whatever its stamp says.
  write("prompts/local/four.yaml", prompt_file("Pear notes", "draft", "Pear tidbits."));
  EXPECT_EQ(names(search({"tidbits"})), (std::vector<std::string>{"local/four"}));
  std::filesystem::remove(root() / "prompts/drafts/deep/three.yaml");
  json removed = search({"plum"}, 1);
  EXPECT_EQ(removed["index"]["removed"], 1);
  EXPECT_EQ(removed["index"]["total"], 7);
}

TEST_F(SearchTest, RewrittenHistoryAndADamagedIndexAreRecoveredFrom) {
  search({"refund"});
  // The commit the index was built from disappears (amended, then garbage-collected).
  write("prompts/support/refund.yaml",
        prompt_file("Explain the reimbursement policy", "support", "How reimbursement works."));
  git(root(), {"commit", "-q", "--amend", "-a", "--no-edit"});
  git(root(), {"reflog", "expire", "--expire=now", "--all"});
  git(root(), {"gc", "-q", "--prune=now"});
  json after = search({"reimbursement"});
  EXPECT_EQ(names(after), (std::vector<std::string>{"support/refund"}));
  EXPECT_FALSE(after["index"]["rebuilt"].get<bool>());
  EXPECT_EQ(after["index"]["updated"], 1) << "only the changed prompt is parsed again";

  // A damaged file is started again, with a warning, and serves correct results.
  { std::ofstream(index_file(), std::ios::trunc) << "this is not a database"; }
  ProcessResult damaged = run({"search", "reimbursement"});
  EXPECT_EQ(damaged.exit_code, 0) << damaged.err;
  EXPECT_NE(damaged.err.find("the search index was built again"), std::string::npos) << damaged.err;
  EXPECT_EQ(damaged.out.find("support/refund"), 0u) << damaged.out;
  EXPECT_EQ(names(search({"reimbursement"})), (std::vector<std::string>{"support/refund"}));

  json rebuilt = search({"--reindex"});
  EXPECT_TRUE(rebuilt["rebuilt"].get<bool>());
  EXPECT_EQ(rebuilt["total"], 4);
  EXPECT_EQ(git(root(), {"fsck", "--strict", "--no-progress"}), "");
}

TEST_F(SearchTest, ConcurrentSearchesShareOneIndex) {
  // Four processes find no index and build it at once; then four refresh after an edit.
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {
      write("prompts/support/late.yaml",
            prompt_file("Apologise for a late delivery", "support", "A refund, always."));
      write("prompts/support/new.yaml", prompt_file("Brand new", "support", "Nothing yet."));
    }
    std::vector<ProcessResult> results(4);
    std::vector<std::thread> threads;
    for (ProcessResult& result : results) {
      threads.emplace_back([&] { result = run({"search", "refund", "--json"}); });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    // Whoever writes first does the work; the others see its write and find nothing to do.
    int rebuilt = 0;
    int updated = 0;
    for (const ProcessResult& result : results) {
      ASSERT_EQ(result.exit_code, 0) << result.err;
      EXPECT_EQ(result.err, "");
      json found = json::parse(result.out);
      EXPECT_EQ(names(found), (std::vector<std::string>{"support/refund", "support/late"}));
      rebuilt += found["index"]["rebuilt"].get<bool>() ? 1 : 0;
      updated += found["index"]["updated"].get<int>();
    }
    EXPECT_EQ(rebuilt, round == 0 ? 1 : 0);
    EXPECT_EQ(updated, round == 0 ? 4 : 2) << "each changed prompt is indexed once";
  }
  json settled = search({"refund"});
  EXPECT_EQ(settled["index"]["total"], 5);
  EXPECT_EQ(settled["index"]["updated"], 0);
}

TEST_F(SearchTest, SimilarityUsesStoredEmbeddingsAndWorksOffline) {
  json similar = search({"--similar", "refunds for a late order delivery"});
  EXPECT_EQ(similar["mode"], "similar");
  EXPECT_EQ(similar["model"], "openai/text-embedding-3-small");
  EXPECT_EQ(similar["embedded"]["requested"], 4);
  ASSERT_EQ(similar["results"].size(), 4u);
  EXPECT_EQ(similar["results"][0]["name"], "support/late") << similar;
  double best = similar["results"][0]["score"];
  EXPECT_GT(best, 0.3);
  EXPECT_LE(best, 1.0 + 1e-9);

  json like = search({"--like", "support/late", "-n", "2"});
  EXPECT_EQ(like["mode"], "like");
  EXPECT_EQ(like["embedded"]["requested"], 0) << "every prompt was stored by the first search";
  ASSERT_EQ(like["results"].size(), 2u);
  EXPECT_NE(like["results"][0]["name"], "support/late") << "a prompt is not like itself";

  // One changed prompt is embedded again, alone.
  write("prompts/writing/summary.yaml",
        prompt_file("Summarize a document", "writing", "Three bullet points, please."));
  EXPECT_EQ(search({"--like", "support/late"})["embedded"]["requested"], 1);

  // The endpoint down: everything stored still ranks, the query text too.
  std::map<std::string, std::string> down = {{"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}};
  ProcessResult offline =
      run_with_server({"search", "--similar", "refunds for a late order delivery", "--json"}, down);
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(json::parse(offline.out)["results"][0]["name"], "support/late");
  // A new prompt is left out, with the reason; a new query text cannot be embedded.
  write("prompts/fresh.yaml", prompt_file("Fresh", "x", "Never embedded."));
  ProcessResult partial = run_with_server({"search", "--like", "support/late", "--json"}, down);
  EXPECT_EQ(partial.exit_code, 0) << partial.err;
  json partial_json = json::parse(partial.out);
  EXPECT_EQ(partial_json["missing"], json::array({"fresh"}));
  EXPECT_NE(partial_json["error"].get<std::string>().find("cannot reach"), std::string::npos);
  ProcessResult text_down = run_with_server({"search", "--similar", "brand new words"}, down);
  EXPECT_EQ(text_down.exit_code, 5);
  EXPECT_NE(text_down.err.find("cannot embed the query"), std::string::npos) << text_down.err;
  ProcessResult never =
      run_with_server({"search", "--similar", "other new words", "--offline"}, down);
  EXPECT_EQ(never.exit_code, 2);
  EXPECT_NE(never.err.find("no stored embedding"), std::string::npos) << never.err;

  // A provider without embeddings is a clear input error.
  ProcessResult echo = run({"search", "--similar", "x", "--embedding-model", "echo/echo"});
  EXPECT_EQ(echo.exit_code, 2) << echo.err;
  EXPECT_NE(echo.err.find("no embeddings"), std::string::npos) << echo.err;

  // The API key is in none of the outputs, nor in the index file.
  EXPECT_EQ(read(".git/promptctl/search.db").find(k_test_key), std::string::npos);
  EXPECT_EQ(partial.out.find(k_test_key), std::string::npos);
  EXPECT_EQ(text_down.err.find(k_test_key), std::string::npos);
}

TEST_F(SearchTest, EveryEmbeddingsWireFormatRanksAlikeAndIsStoredApart) {
  // The test server embeds a text the same way whatever the route, so each endpoint must rank
  // the same; each model keeps its own vectors in the index.
  struct Endpoint {
    std::string model;
    std::string target;
    std::string auth_header;
  };
  const std::vector<Endpoint> endpoints = {
      {"openai/text-embedding-3-small", "/v1/embeddings", "authorization"},
      {"ollama/nomic-embed-text", "/api/embed", ""},
      {"azure-openai/embed-dep", "/openai/deployments/embed-dep/embeddings?api-version=2024-10-21",
       "api-key"},
      {"local/bge-small", "/v1/embeddings", "authorization"}};
  for (const Endpoint& endpoint : endpoints) {
    SCOPED_TRACE(endpoint.model);
    json found = search(
        {"--similar", "refunds for a late order delivery", "--embedding-model", endpoint.model});
    EXPECT_EQ(found["model"], endpoint.model);
    EXPECT_EQ(found["embedded"]["requested"], 4) << "every prompt, once per model";
    ASSERT_FALSE(found["results"].empty()) << found;
    EXPECT_EQ(found["results"][0]["name"], "support/late");

    HttpRequest request = m_server.requests().back();
    EXPECT_EQ(request.target, endpoint.target);
    json body = json::parse(request.body);
    EXPECT_EQ(body.contains("model"), endpoint.target.find("deployments") == std::string::npos)
        << body;
    EXPECT_TRUE(body["input"].is_array()) << body;
    if (!endpoint.auth_header.empty()) {
      EXPECT_NE(request.header(endpoint.auth_header).find(k_test_key), std::string::npos);
    }
  }
  // Each model's vectors were stored: asking again calls nothing.
  std::size_t before = m_server.requests().size();
  json again = search({"--like", "support/late", "--embedding-model", "ollama/nomic-embed-text"});
  EXPECT_EQ(again["embedded"]["requested"], 0);
  EXPECT_EQ(m_server.requests().size(), before) << "stored vectors need no call";
}

TEST_F(SearchTest, DupesFindsNearCopiesByEmbeddingsOrShingles) {
  // Two prompts of 40 words that differ by one word.
  std::string policy =
      "Tell the customer how refunds work for order {{order}}: a refund is paid to the card "
      "used, within five working days of the parcel coming back to our warehouse, and a "
      "voucher is offered instead when the customer prefers one.";
  write("prompts/support/refund.yaml", prompt_file("Explain the refund policy", "support", policy));
  std::string old_policy = policy;
  old_policy.replace(old_policy.find("five"), 4, "seven");
  write("prompts/support/refund-old.yaml",
        prompt_file("Explain the refund policy", "support", old_policy));
  // By wording: 1 - 3 of 38 shingles changed.
  ProcessResult shingles = run_with_server({"dupes", "--method", "shingles", "--json"});
  ASSERT_EQ(shingles.exit_code, 0) << shingles.err;
  json by_words = json::parse(shingles.out);
  EXPECT_EQ(by_words["method"], "shingles");
  ASSERT_EQ(by_words["pairs"].size(), 1u) << by_words;
  EXPECT_EQ(by_words["pairs"][0]["first"], "support/refund");
  EXPECT_EQ(by_words["pairs"][0]["second"], "support/refund-old");
  double jaccard = by_words["pairs"][0]["score"];
  EXPECT_GT(jaccard, 0.8);
  EXPECT_LT(jaccard, 1.0);
  EXPECT_EQ(json::parse(
                run_with_server({"dupes", "--method", "shingles", "--threshold", "0.99", "--json"})
                    .out)["pairs"]
                .size(),
            0u);

  // By embeddings (auto, the endpoint up).
  ProcessResult embedded = run_with_server({"dupes", "--json"});
  ASSERT_EQ(embedded.exit_code, 0) << embedded.err;
  json by_meaning = json::parse(embedded.out);
  EXPECT_EQ(by_meaning["method"], "embeddings");
  ASSERT_FALSE(by_meaning["pairs"].empty());
  EXPECT_EQ(by_meaning["pairs"][0]["second"], "support/refund-old");

  // The endpoint down and a prompt never embedded: auto compares wording, and says why.
  write("prompts/other.yaml", prompt_file("Other", "x", "Something else entirely."));
  std::map<std::string, std::string> down = {{"OPENAI_BASE_URL", "http://127.0.0.1:9/v1"}};
  ProcessResult fallback = run_with_server({"dupes", "--exit-code"}, down);
  EXPECT_EQ(fallback.exit_code, 1) << "--exit-code: pairs were found";
  EXPECT_NE(fallback.err.find("comparing wording instead"), std::string::npos) << fallback.err;
  EXPECT_NE(fallback.out.find("support/refund  support/refund-old"), std::string::npos)
      << fallback.out;
  ProcessResult strict = run_with_server({"dupes", "--method", "embeddings"}, down);
  EXPECT_EQ(strict.exit_code, 5) << strict.err;
  // A missing key is the user's to fix, not the provider's failure.
  ProcessResult no_key = run({"dupes", "--method", "embeddings"});
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_NE(no_key.err.find("needs an API key"), std::string::npos) << no_key.err;
  EXPECT_EQ(run({"dupes", "--method", "embeddings", "--offline"}).exit_code, 2);

  ProcessResult bad = run({"dupes", "--threshold", "1.5"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("between 0 and 1"), std::string::npos) << bad.err;
}

TEST_F(SearchTest, RunsGrepSearchesInputsAndOutputs) {
  for (const char* order : {"A-100", "B-200", "C-300"}) {
    ProcessResult ran = run(
        {"run", "support/refund", "--var", std::string("order=") + order, "--provider", "echo"});
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
  }
  ProcessResult one = run({"runs", "--grep", "b-200", "--json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  json runs = json::parse(one.out)["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NE(runs[0]["output"].get<std::string>().find("B-200"), std::string::npos) << runs;
  EXPECT_EQ(json::parse(run({"runs", "--grep", "how refunds work", "--json"}).out)["runs"].size(),
            3u);
  ProcessResult text = run({"runs", "--grep", "C-300"});
  EXPECT_NE(text.out.find("output: "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("C-300"), std::string::npos) << text.out;
  // Values are matched as text, not as JSON: quotes and newlines as they were given, and
  // neither the request's keys nor its settings.
  ProcessResult quoted = run(
      {"run", "support/refund", "--var", "order=He said \"now\"\nplease", "--provider", "echo"});
  ASSERT_EQ(quoted.exit_code, 0) << quoted.err;
  ProcessResult by_value = run({"runs", "--grep", "said \"now\"\nplease", "--json"});
  ASSERT_EQ(by_value.exit_code, 0) << by_value.err;
  EXPECT_EQ(json::parse(by_value.out)["runs"].size(), 1u);
  EXPECT_EQ(run({"runs", "--grep", "\"order\":"}).exit_code, 1);
  EXPECT_EQ(run({"runs", "--grep", "messages"}).exit_code, 1);
  EXPECT_EQ(run({"runs", "--grep", "\\n"}).exit_code, 1) << "no JSON escapes";
  // A variable the template left out is still an input.
  write("prompts/quiet.yaml",
        "variables:\n  note: {type: string}\n  loud: {type: boolean, default: false}\n"
        "template: \"{{#loud}}{{note}}{{/loud}}Hello\"\n");
  ASSERT_EQ(run({"run", "quiet", "--var", "note=Zanzibar", "--provider", "echo"}).exit_code, 0);
  ProcessResult unused = run({"runs", "--grep", "zanzibar"});
  ASSERT_EQ(unused.exit_code, 0) << unused.err;
  EXPECT_NE(unused.out.find("variables: loud=false note=Zanzibar"), std::string::npos)
      << unused.out;
  // Wildcards are plain characters.
  EXPECT_EQ(run({"runs", "--grep", "%"}).exit_code, 1);
  EXPECT_EQ(run({"runs", "--grep", "nothing like this"}).exit_code, 1);
}

}  // namespace
}  // namespace promptctl::testing
