// The identity cache never changes a content hash: after any sequence of edits to a prompt, its
// partials (nested, added, removed) and the tools file it reads, an identity from the cache,
// saved and read back or not, equals the one computed from scratch.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "promptctl/history.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;

namespace {

class EditableSource : public PromptSource {
 public:
  std::map<std::string, std::string> prompts;
  std::map<std::string, std::string> data;

  std::optional<SourceFile> read(std::string_view name) override {
    auto it = prompts.find(std::string(name));
    return it == prompts.end() ? std::nullopt
                               : std::optional(SourceFile{"prompts/" + it->first, it->second});
  }
  std::optional<SourceFile> read_tests(std::string_view) override { return std::nullopt; }
  std::optional<SourceFile> read_data(std::string_view relative) override {
    repository_relative_path(relative);  // refuses a path outside, as a repository does
    auto it = data.find(std::string(relative));
    return it == data.end() ? std::nullopt : std::optional(SourceFile{it->first, it->second});
  }
};

// The texts each file may take; "" removes it.
const std::vector<std::string> k_main_texts = {
    "template: \"{{> a}} hello\"\n",
    "template: \"{{> a}}{{> b}}\"\n",
    "template: \"{{> a}}\"\ntools: [{file: tools.yaml}]\n",
    "template: plain\ntools: [{file: tools.yaml}, {file: ../outside.yaml}]\n",
    "template: \"{{> missing}}\"\n",
    "template: [not, a, string]\n",
};
const std::vector<std::string> k_partial_texts = {"",
                                                  "template: A\n",
                                                  "template: \"A {{> b}}\"\n",
                                                  "template: \"{{> a}}\"\n",
                                                  "template: B\n",
                                                  ": broken yaml\n"};
const std::vector<std::string> k_tools_texts = {"", "- name: one\n", "- name: two\n",
                                                "- {name: bad, parameters: {type: string}}\n"};

void set(std::map<std::string, std::string>& files, const std::string& key,
         const std::string& text) {
  if (text.empty()) {
    files.erase(key);
  } else {
    files[key] = text;
  }
}

}  // namespace

RC_GTEST_PROP(IdentityCacheProperties, TheCacheGivesWhatAFreshComputationGives, ()) {
  promptctl::testing::TempDir dir;
  std::filesystem::path file = dir.path() / "identities.json";
  EditableSource source;
  source.prompts["main"] = *rc::gen::elementOf(k_main_texts);
  auto steps = *rc::gen::container<std::vector<std::tuple<int, int, bool>>>(
      rc::gen::tuple(rc::gen::inRange(0, 4), rc::gen::inRange(0, 6), rc::gen::arbitrary<bool>()));
  auto cache = std::make_unique<IdentityCache>(file);
  for (const auto& [what, choice, reopen] : steps) {
    switch (what) {
      case 0:
        source.prompts["main"] = k_main_texts[static_cast<std::size_t>(choice)];
        break;
      case 1:
        set(source.prompts, "a", k_partial_texts[static_cast<std::size_t>(choice)]);
        break;
      case 2:
        set(source.prompts, "b", k_partial_texts[static_cast<std::size_t>(choice)]);
        break;
      default:
        set(source.data, "tools.yaml", k_tools_texts[static_cast<std::size_t>(choice % 4)]);
    }
    cache->forget_reads();  // the source just changed
    ContentIdentity cached = cache->identity(source, "main");
    ContentIdentity fresh = content_identity(source, "main");
    RC_ASSERT(cached.hash == fresh.hash);
    RC_ASSERT(cached.partials == fresh.partials);
    if (reopen) {
      cache->save();
      cache = std::make_unique<IdentityCache>(file);
    }
  }
}
