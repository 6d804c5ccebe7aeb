// Dates, semantic versions, repeated YAML keys and prompt field comparison.
#include <gtest/gtest.h>

#include "promptctl/diff.hpp"
#include "promptctl/release.hpp"
#include "util/dates.hpp"
#include "util/yaml.hpp"

using namespace promptctl;

TEST(Dates, GitFormatsAndOffsets) {
  EXPECT_EQ(util::parse_date("@1769857200 +0100"), (std::pair<std::int64_t, int>{1769857200, 60}));
  EXPECT_EQ(util::parse_date("2026-01-31T12:00:00+01:00"),
            (std::pair<std::int64_t, int>{1769857200, 60}));
  EXPECT_EQ(util::parse_date("2026-01-31 11:00:00 Z"),
            (std::pair<std::int64_t, int>{1769857200, 0}));
  EXPECT_EQ(util::parse_date("2026-01-31T12:00:00"), std::nullopt) << "no offset";
  EXPECT_EQ(util::parse_date("99999999999999999999 +0000"), std::nullopt);
  EXPECT_EQ(util::format_date(1769857200, 60), "2026-01-31T12:00:00+01:00");
  EXPECT_EQ(util::format_date(1769857200, -330), "2026-01-31T05:30:00-05:30");
}

TEST(Dates, JsonTimestampsAreUtcWithAZ) {
  EXPECT_EQ(util::format_utc(1769857200), "2026-01-31T11:00:00Z");
  EXPECT_EQ(util::format_utc_ms(1769857200250), "2026-01-31T11:00:00.250Z");
  EXPECT_EQ(util::format_utc_ms(1769857200005), "2026-01-31T11:00:00.005Z");
  EXPECT_EQ(util::format_utc_ms(-1), "1969-12-31T23:59:59.999Z");
  auto read_back = util::parse_date(util::format_utc(1769857200));
  ASSERT_TRUE(read_back);
  EXPECT_EQ(read_back->first, 1769857200);
  EXPECT_EQ(read_back->second, 0);
}

TEST(Dates, SinceTakesDaysTimesAndAges) {
  const std::int64_t now = 1769857200;
  EXPECT_EQ(util::parse_since("2026-01-31", now), 1769817600);
  EXPECT_EQ(util::parse_since("2026-01-31T11:00:00", now), 1769857200);
  EXPECT_EQ(util::parse_since("2026-01-31T12:00:00+01:00", now), 1769857200);
  EXPECT_EQ(util::parse_since("2 weeks ago", now), now - 14 * 86400);
  EXPECT_EQ(util::parse_since("3.days", now), now - 3 * 86400);
  EXPECT_EQ(util::parse_since("1 hour ago", now), now - 3600);
  EXPECT_EQ(util::parse_since("2.weeks.3.days.ago", now), now - 17 * 86400);
  EXPECT_EQ(util::parse_since("1 week, 2 days ago", now), now - 9 * 86400);
  EXPECT_EQ(util::parse_since("a month ago", now), now - 30 * 86400);
  EXPECT_EQ(util::parse_since("last week", now), now - 7 * 86400);
  EXPECT_EQ(util::parse_since("yesterday", now), now - 86400);
  EXPECT_EQ(util::parse_since("Yesterday", now), now - 86400);
  EXPECT_EQ(util::parse_since("today", now), 1769817600);
  EXPECT_EQ(util::parse_since("now", now), now);
  EXPECT_EQ(util::parse_since("yesterday-ish", now), std::nullopt);
  EXPECT_EQ(util::parse_since("2 weeks 3 ago", now), std::nullopt);
  EXPECT_EQ(util::parse_since("ago", now), std::nullopt);
  EXPECT_EQ(util::parse_since("2 fortnights ago", now), std::nullopt);
  EXPECT_EQ(util::parse_since("9999999999 years ago", now), std::nullopt);
}

TEST(SemVer, ParsesOnlyPlainVersions) {
  EXPECT_EQ(SemVer::parse("1.4.0"), (SemVer{1, 4, 0}));
  EXPECT_EQ(SemVer::parse("10.0.12")->to_string(), "10.0.12");
  for (const char* bad : {"1.4", "v1.4.0", "1.04.0", "1.4.0-rc1", "1..0", "", "1.4.0.1", "a.b.c"}) {
    EXPECT_EQ(SemVer::parse(bad), std::nullopt) << bad;
  }
  EXPECT_LT((SemVer{1, 9, 0}), (SemVer{1, 10, 0}));
}

TEST(SemVer, BumpsFromOneZeroZero) {
  EXPECT_EQ(next_version(std::nullopt, Bump::patch), (SemVer{1, 0, 0}));
  EXPECT_EQ(next_version(std::nullopt, Bump::major), (SemVer{1, 0, 0}));
  EXPECT_EQ(next_version(SemVer{1, 2, 3}, Bump::patch), (SemVer{1, 2, 4}));
  EXPECT_EQ(next_version(SemVer{1, 2, 3}, Bump::minor), (SemVer{1, 3, 0}));
  EXPECT_EQ(next_version(SemVer{1, 2, 3}, Bump::major), (SemVer{2, 0, 0}));
  EXPECT_EQ(release_tag("support/reply", SemVer{1, 3, 0}), "support/reply@1.3.0");
}

TEST(Yaml, ARepeatedKeyIsAnErrorAtItsSecondPlace) {
  try {
    (void)util::parse_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", "f.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "f.yaml:4:3: duplicate key 'c'");
    EXPECT_EQ(e.hint(), "it is already set at line 3");
  }
  EXPECT_NO_THROW((void)util::parse_yaml("- a: 1\n- a: 2\n", "f.yaml"));
}

TEST(PromptFields, ChangesAreNamedByFieldVariableAndTest) {
  Prompt before = load_prompt("p", "p.yaml",
                              "description: old\nvariables:\n  a: string\n  b: string\n"
                              "template: \"{{a}}{{b}}\"\n"
                              "tests:\n  - name: t1\n    vars: {a: x, b: y}\n");
  Prompt after = load_prompt("p", "p.yaml",
                             "tests:\n  - name: t1\n    vars: {a: 1, c: y}\n"
                             "  - name: t2\n    vars: {a: 2, c: y}\n"
                             "description: new\nvariables:\n  a: integer\n  c: string\n"
                             "template: \"{{a}}{{c}}\"\n");
  std::vector<std::string> names;
  for (const FieldChange& change : compare_fields(before, after)) {
    names.push_back(change.field + ":" + std::string(to_string(change.kind)));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"description:changed", "variables.a:changed",
                                             "variables.b:removed", "variables.c:added",
                                             "tests.t1:changed", "tests.t2:added"}));
  EXPECT_TRUE(compare_fields(before, before).empty());
}

TEST(PromptFields, TemplateTextShowsRolesForMessages) {
  Prompt single = load_prompt("p", "p.yaml", "template: Hi\n");
  EXPECT_EQ(template_text(single), "Hi");
  Prompt chat = load_prompt("p", "p.yaml", "system: Be kind\ntemplate: Hi\n");
  EXPECT_EQ(template_text(chat), "[system]\nBe kind\n[user]\nHi\n");
}
