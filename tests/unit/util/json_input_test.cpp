#include "util/json_input.hpp"

#include <gtest/gtest.h>

using namespace promptctl;

TEST(JsonInput, NestingPastTheLimitIsRefusedBeforeParsing) {
  std::string deep = std::string(600, '[') + std::string(600, ']');
  EXPECT_EQ(util::json_too_deep_at(deep), util::k_max_json_depth);
  bool too_deep = false;
  EXPECT_TRUE(util::parse_json_input(deep, &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
  std::string fine = std::string(512, '[') + std::string(512, ']');
  EXPECT_FALSE(util::json_too_deep_at(fine));
  EXPECT_FALSE(util::parse_json_input(fine, &too_deep).is_discarded());
  EXPECT_FALSE(too_deep);
}

TEST(JsonInput, BracketsInsideStringsDoNotCount) {
  std::string text = "{\"a\": \"" + std::string(1000, '[') + "\\\"[[[\"}";
  EXPECT_FALSE(util::json_too_deep_at(text));
  EXPECT_EQ(util::parse_json_input(text)["a"].get<std::string>().size(), 1004U);
  bool too_deep = true;
  EXPECT_TRUE(util::parse_json_input("{not json", &too_deep).is_discarded());
  EXPECT_FALSE(too_deep);
}
