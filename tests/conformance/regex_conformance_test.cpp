// promptctl's regular expressions against ECMAScript's: the matches V8 finds for 2,000 random
// patterns and texts (tests/conformance/data/regex, made by make_regex_cases.js).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/fs.hpp"
#include "util/regex.hpp"

namespace promptctl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(RegexConformance, FindsTheMatchV8Finds) {
  json cases =
      json::parse(util::read_file(fs::path(PROMPTCTL_CONFORMANCE_DIR) / "regex" / "cases.json"));
  ASSERT_EQ(cases.size(), 2000u);
  std::size_t matched = 0;
  for (const json& example : cases) {
    std::string pattern = example["pattern"];
    std::string text = example["text"];
    std::optional<util::RegexMatch> match = util::Regex(pattern).find(text);
    if (example["match"].is_null()) {
      EXPECT_FALSE(match) << "/" << pattern << "/ in '" << text << "' at " << match->begin;
      continue;
    }
    ++matched;
    ASSERT_TRUE(match) << "/" << pattern << "/ in '" << text << "'";
    EXPECT_EQ(match->begin, example["match"][0].get<std::size_t>())
        << "/" << pattern << "/ in '" << text << "'";
    EXPECT_EQ(match->end, example["match"][1].get<std::size_t>())
        << "/" << pattern << "/ in '" << text << "'";
    EXPECT_EQ(util::Regex(pattern).search(text), true);
  }
  EXPECT_GT(matched, 1000u) << "the cases should mostly match";
}

}  // namespace
}  // namespace promptctl
