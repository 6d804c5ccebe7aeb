// The summary cache gives back exactly what it was given, whatever its strings hold (tabs,
// newlines, backslashes, the list separator, non-ASCII), and only for the stamp it was given.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <map>

#include "prompt/summary_cache.hpp"
#include "promptctl/workspace.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;
using prompt_detail::FileStamp;
using prompt_detail::SummaryCache;

namespace {

rc::Gen<std::string> any_text() {
  return rc::gen::oneOf(
      rc::gen::just(std::string()), rc::gen::arbitrary<std::string>(),
      rc::gen::element<std::string>("tab\there", "two\nlines", "back\\slash", "ends with\\",
                                    "list\x1fseparator", "\\t not a tab", "caf\xc3\xa9"));
}

rc::Gen<std::string> any_item() {
  return rc::gen::suchThat(any_text(), [](const std::string& text) { return !text.empty(); });
}

struct Stored {
  FileStamp stamp;
  PromptSummary summary;
};

void expect_same(const PromptSummary& got, const PromptSummary& want) {
  RC_ASSERT(got.name == want.name);
  RC_ASSERT(got.path == Workspace::display_path(want.name));
  RC_ASSERT(got.description == want.description);
  RC_ASSERT(got.tags == want.tags);
  RC_ASSERT(got.category == want.category);
  RC_ASSERT(got.owner == want.owner);
  RC_ASSERT(got.variables == want.variables);
  RC_ASSERT(got.error == want.error);
}

}  // namespace

RC_GTEST_PROP(SummaryCacheProperties, WhatIsSavedIsReadBackExactly, ()) {
  auto names = *rc::gen::container<std::vector<std::string>>(any_item());
  std::map<std::string, Stored> stored;
  for (const std::string& name : names) {
    Stored entry;
    // Stamps from long ago, so that the cache trusts them.
    entry.stamp = {*rc::gen::arbitrary<std::uintmax_t>(), *rc::gen::arbitrary<std::uint64_t>(),
                   *rc::gen::inRange<std::int64_t>(0, 1'000'000'000'000'000'000),
                   *rc::gen::inRange<std::int64_t>(0, 1'000'000'000'000'000'000)};
    PromptSummary& s = entry.summary;
    s.name = name;
    s.description = *any_text();
    s.tags = *rc::gen::container<std::vector<std::string>>(any_item());
    s.category = *any_text();
    s.owner = *any_text();
    s.variables = *rc::gen::container<std::vector<std::string>>(any_item());
    s.error = *any_text();
    stored[name] = entry;
  }
  promptctl::testing::TempDir folder;
  std::filesystem::path file = folder.path() / "summaries";
  {
    SummaryCache cache(file);
    for (const auto& [name, entry] : stored) {
      RC_ASSERT(cache.store(name, entry.stamp, entry.summary));
    }
    cache.save();
  }
  SummaryCache reread(file);
  RC_ASSERT(reread.size() == stored.size());
  for (const auto& [name, entry] : stored) {
    std::optional<PromptSummary> found = reread.find(name, entry.stamp);
    RC_ASSERT(found.has_value());
    expect_same(*found, entry.summary);
    FileStamp moved = entry.stamp;
    ++moved.mtime_ns;
    RC_ASSERT(!reread.find(name, moved).has_value());
  }
}
