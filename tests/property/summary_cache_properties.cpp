// The summary cache gives back exactly what it was given, whatever its strings hold (tabs,
// newlines, backslashes, the list separator, non-ASCII), and only for the stamp it was given.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
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

namespace {

// What the cache should hold: each name's stamp and summary, and whether it was taken.
struct Modelled {
  FileStamp stamp;
  PromptSummary summary;
  bool taken = false;
};

PromptSummary summary_named(const std::string& name, const std::string& description) {
  PromptSummary s;
  s.name = name;
  s.path = Workspace::display_path(name);
  s.description = description;
  return s;
}

}  // namespace

RC_GTEST_PROP(SummaryCacheProperties, BehavesAsAMapThroughAnySequenceOfCalls, ()) {
  // A few names, some with characters the file escapes, so that calls meet the same entries.
  auto pool = std::vector<std::string>{"a", "b/c", "b-d", "tab\there", "z\\", "m"};
  auto any_name = rc::gen::elementOf(pool);
  auto trusted_stamp = rc::gen::map(rc::gen::inRange<std::int64_t>(1, 4), [](std::int64_t n) {
    return FileStamp{static_cast<std::uintmax_t>(n), 7, n, n};  // long ago: trusted
  });
  promptctl::testing::TempDir folder;
  std::filesystem::path file = folder.path() / "summaries";
  std::map<std::string, Modelled> model;
  {
    SummaryCache first(file);  // what a previous run left
    for (const std::string& name : *rc::gen::container<std::vector<std::string>>(any_name)) {
      FileStamp stamp = *trusted_stamp;
      first.store(name, stamp, summary_named(name, "old " + name));
      model[name] = {stamp, summary_named(name, "old " + name)};
    }
    first.save();
  }
  SummaryCache cache(file);
  bool changed = false;  // whether saving writes anything
  int calls = *rc::gen::inRange(0, 40);
  for (int call = 0; call < calls; ++call) {
    std::string name = *any_name;
    FileStamp stamp = *trusted_stamp;
    auto held = model.find(name);
    bool matches = held != model.end() && !held->second.taken && held->second.stamp == stamp;
    switch (*rc::gen::inRange(0, 5)) {
      case 0: {  // a trusted store
        std::string description = "v" + std::to_string(call);
        RC_ASSERT(cache.store(name, stamp, summary_named(name, description)));
        model[name] = {stamp, summary_named(name, description)};
        changed = true;
        break;
      }
      case 1: {  // a file changed just now: its entry goes
        FileStamp racy = stamp;
        racy.mtime_ns = racy.ctime_ns = std::numeric_limits<std::int64_t>::max() / 2;
        RC_ASSERT(!cache.store(name, racy, summary_named(name, "racy")));
        changed = model.erase(name) > 0 || changed;
        break;
      }
      case 2: {
        std::optional<PromptSummary> found = cache.find(name, stamp);
        RC_ASSERT(found.has_value() == matches);
        if (matches) {
          RC_ASSERT(found->description == held->second.summary.description);
        }
        break;
      }
      case 3: {
        std::optional<PromptSummary> taken = cache.take(name, stamp);
        RC_ASSERT(taken.has_value() == matches);
        if (matches) {
          RC_ASSERT(taken->name == name);
          RC_ASSERT(taken->description == held->second.summary.description);
          held->second.taken = true;
        }
        break;
      }
      default: {  // a complete listing found only some of the names
        std::vector<std::string> listed;
        for (const std::string& candidate : pool) {
          if (*rc::gen::arbitrary<bool>()) {
            listed.push_back(candidate);
          }
        }
        std::sort(listed.begin(), listed.end());
        cache.keep_only(listed);
        changed =
            std::erase_if(model,
                          [&](const auto& entry) {
                            return !std::binary_search(listed.begin(), listed.end(), entry.first);
                          }) > 0 ||
            changed;
      }
    }
    RC_ASSERT(cache.size() == model.size());
    RC_ASSERT(cache.changed() == changed);
  }
  cache.save();
  SummaryCache reread(file);
  if (changed) {  // what was taken and not stored back is not written
    std::erase_if(model, [](const auto& entry) { return entry.second.taken; });
  }
  RC_ASSERT(reread.size() == model.size());
  for (const auto& [name, entry] : model) {
    std::optional<PromptSummary> found = reread.find(name, entry.stamp);
    RC_ASSERT(found.has_value());
    RC_ASSERT(found->description == entry.summary.description);
  }
}
