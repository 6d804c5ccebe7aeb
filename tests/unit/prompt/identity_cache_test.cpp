#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "promptctl/history.hpp"
#include "support/temp_dir.hpp"
#include "util/fs.hpp"

using namespace promptctl;

namespace {

class CountingSource : public PromptSource {
 public:
  std::map<std::string, std::string> prompts;
  int reads = 0;

  std::optional<SourceFile> read(std::string_view name) override {
    ++reads;
    auto it = prompts.find(std::string(name));
    return it == prompts.end() ? std::nullopt
                               : std::optional(SourceFile{"prompts/" + it->first, it->second});
  }
  std::optional<SourceFile> read_tests(std::string_view) override { return std::nullopt; }
};

// "main" uses the partial "shared".
CountingSource main_and_shared() {
  CountingSource source;
  source.prompts["main"] = "template: \"{{> shared}}!\"\n";
  source.prompts["shared"] = "template: Hello\n";
  return source;
}

}  // namespace

// What is saved is what a later identity comes from: an entry made to say the prompt uses no
// partial is believed while the files it names are unchanged, and dropped once one changes.
TEST(IdentityCache, ASavedEntryIsUsedUntilAFileItNamesChanges) {
  promptctl::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "identities.json";
  CountingSource source = main_and_shared();
  ContentIdentity fresh = content_identity(source, "main");
  {
    IdentityCache cache(file);
    EXPECT_EQ(cache.identity(source, "main").hash, fresh.hash);
    cache.save();
  }
  nlohmann::json saved = nlohmann::json::parse(util::read_file(file));
  ASSERT_EQ(saved["entries"].size(), 1U);
  for (auto& [key, entry] : saved["entries"].items()) {
    EXPECT_EQ(entry["partials"], nlohmann::json::array({"shared"}));
    entry["partials"] = nlohmann::json::array();
  }
  util::write_file_atomic(file, saved.dump());

  IdentityCache cache(file);
  source.reads = 0;
  ContentIdentity from_cache = cache.identity(source, "main");
  EXPECT_NE(from_cache.hash, fresh.hash) << "the (altered) entry was not used";
  EXPECT_TRUE(from_cache.partials.empty());
  EXPECT_EQ(source.reads, 2) << "the prompt and the one partial it names, nothing parsed";

  source.prompts["shared"] = "template: Hi\n";
  cache.forget_reads();
  EXPECT_EQ(cache.identity(source, "main").hash, content_identity(source, "main").hash);
}

TEST(IdentityCache, ADamagedFileIsAnEmptyCache) {
  promptctl::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "identities.json";
  CountingSource source = main_and_shared();
  for (const char* text :
       {"not json", "{\"version\": 1, \"entries\": {\"main x\": {\"partials\": 3}}}",
        "{\"version\": 99, \"entries\": {}}"}) {
    util::write_file_atomic(file, text);
    IdentityCache cache(file);
    EXPECT_EQ(cache.identity(source, "main").hash, content_identity(source, "main").hash) << text;
  }
  IdentityCache cache(file);
  EXPECT_THROW((void)cache.identity(source, "absent"), Error);
}
