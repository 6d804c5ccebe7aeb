// The shared pieces of the JSON vocabulary: absent values and identities.
#include "util/json_output.hpp"

#include <gtest/gtest.h>

namespace promptctl::util {
namespace {

using nlohmann::json;

TEST(JsonOutput, AnAbsentValueIsNullNeverEmpty) {
  EXPECT_EQ(text_or_null(""), json(nullptr));
  EXPECT_EQ(text_or_null("x"), json("x"));
}

TEST(JsonOutput, DatesFromTextAreUtc) {
  EXPECT_EQ(timestamp_or_null("2026-01-31T12:00:00+01:00"), json("2026-01-31T11:00:00Z"));
  EXPECT_EQ(timestamp_or_null("2026-01-31T11:00:00Z"), json("2026-01-31T11:00:00Z"));
  EXPECT_EQ(timestamp_or_null("yesterday-ish"), json(nullptr));
  EXPECT_EQ(timestamp_or_null(""), json(nullptr));
}

TEST(JsonOutput, IdentitiesAreNameAndEmail) {
  json both = {{"name", "Ann Lee"}, {"email", "ann@example.com"}};
  EXPECT_EQ(identity_json("Ann Lee", "ann@example.com"), both);
  EXPECT_EQ(identity_json("Ann Lee <ann@example.com>"), both);
  EXPECT_EQ(identity_json("  Ann Lee   <ann@example.com>"), both);
  EXPECT_EQ(identity_json("ci-bot"), json({{"name", "ci-bot"}, {"email", nullptr}}));
  EXPECT_EQ(identity_json("<bot@example.com>"),
            json({{"name", nullptr}, {"email", "bot@example.com"}}));
  EXPECT_EQ(identity_json("a <b"), json({{"name", "a <b"}, {"email", nullptr}})) << "no closing >";
  EXPECT_EQ(identity_json(""), json(nullptr));
  EXPECT_EQ(identity_json("", ""), json(nullptr));
}

}  // namespace
}  // namespace promptctl::util
