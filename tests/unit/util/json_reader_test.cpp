// The edges of JSON where a reader is most easily wrong, each against nlohmann-json's parser.
#include "util/json_reader.hpp"

#include <gtest/gtest.h>

#include "support/json_same.hpp"
#include "util/json_input.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

// Read by both: the same value of the same type, or refused by both.
void expect_as_nlohmann(const std::string& text) {
  json expected = json::parse(text, nullptr, false);
  std::optional<json> read = util::read_json(text);
  ASSERT_EQ(read.has_value(), !expected.is_discarded()) << ::testing::PrintToString(text);
  if (read) {
    EXPECT_TRUE(promptctl::testing::same_json(*read, expected))
        << ::testing::PrintToString(text) << " read as " << read->dump();
  }
}

}  // namespace

TEST(JsonReader, NumbersHaveNlohmannsTypes) {
  for (const char* text : {"0",
                           "-0",
                           "7",
                           "-7",
                           "0.0",
                           "-0.0",
                           "1e5",
                           "1E+5",
                           "2.5e-3",
                           "18446744073709551615",
                           "18446744073709551616",
                           "-9223372036854775808",
                           "-9223372036854775809",
                           "123456789012345678901234567890",
                           "1.7976931348623157e308",
                           "4.9e-324",
                           "0.1",
                           "01",
                           "1.",
                           ".5",
                           "+1",
                           "-",
                           "1e",
                           "1e+",
                           "--1",
                           "0x10",
                           "NaN",
                           "Infinity",
                           "1e400",
                           "-1e400"}) {
    expect_as_nlohmann(text);
  }
  EXPECT_TRUE(util::read_json("18446744073709551615")->is_number_unsigned());
  EXPECT_TRUE(util::read_json("-1")->is_number_integer());
  EXPECT_TRUE(util::read_json("18446744073709551616")->is_number_float());
}

TEST(JsonReader, ANumberPastADoublesRangeIsLeftToNlohmann) {
  // strtod reads it as 0 (nlohmann-json accepts that) or infinity (which it refuses).
  EXPECT_FALSE(util::read_json("1e-400").has_value());
  EXPECT_EQ(util::parse_json_input("[1e-400]"), json::parse("[0.0]"));
  EXPECT_FALSE(util::read_json("1e400").has_value());
  EXPECT_TRUE(util::parse_json_input("1e400").is_discarded());
}

TEST(JsonReader, StringsEscapesAndUtf8) {
  for (const char* text : {R"("")",
                           R"("a\"b\\c\/d\b\f\n\r\t")",
                           R"("\u00e9\u20AC")",
                           R"("\ud83d\ude00")",
                           R"("\ud83d")",
                           R"("\ude00")",
                           R"("\ud83dx")",
                           R"("\ud83d\u0041")",
                           R"("\u0000")",
                           R"("\u12")",
                           R"("\x41")",
                           R"("\a")",
                           "\"\x01\"",
                           "\"\x7f\"",
                           "\"\xC3\xA9\"",
                           "\"\xC0\x80\"",
                           "\"\xC2\"",
                           "\"\xE0\x9F\x80\"",
                           "\"\xED\xA0\x80\"",
                           "\"\xEF\xBF\xBF\"",
                           "\"\xF0\x8F\xBF\xBF\"",
                           "\"\xF4\x8F\xBF\xBF\"",
                           "\"\xF4\x90\x80\x80\"",
                           "\"\xF8\x88\x80\x80\x80\"",
                           "\"abc",
                           "\"abc\\"}) {
    expect_as_nlohmann(text);
  }
  EXPECT_EQ(util::read_json(R"("\ud83d\ude00")")->get<std::string>(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(util::read_json(R"("\u0000")")->get<std::string>(), std::string(1, '\0'));
}

TEST(JsonReader, StructureWhiteSpaceAndTheByteOrderMark) {
  for (const char* text : {"",
                           " ",
                           "{}",
                           "[]",
                           " { \"a\" : [ 1 , 2 ] } \r\n\t",
                           "[1,]",
                           "[,1]",
                           "{\"a\":1,}",
                           "{\"a\" 1}",
                           "{1:2}",
                           "{\"a\":1,\"a\":2,\"b\":{\"a\":[]}}",
                           "[1 2]",
                           "[1]]",
                           "{}x",
                           "true",
                           "tru",
                           "false",
                           "nul",
                           "null ",
                           "\xEF\xBB\xBF{}",
                           "\xEF\xBB{}",
                           " \xEF\xBB\xBF{}",
                           "\xEF\xBB\xBF",
                           "{\"a\":\xEF\xBB\xBF"
                           "1}"}) {
    expect_as_nlohmann(text);
  }
  // nlohmann-json's lexer takes a NUL byte for the end of the input, wherever it comes.
  using namespace std::string_literals;
  for (const std::string& text : {"[1]\0"s, "[1] \0x"s, "\0"s, "[1,\0]"s, "\"a\0\""s}) {
    expect_as_nlohmann(text);
  }
  EXPECT_TRUE(util::read_json("[1] \0x"s).has_value());
  EXPECT_EQ((*util::read_json("{\"a\":1,\"a\":2}"))["a"], 2);  // the last one stands
}

TEST(JsonReader, NestingPastTheLimitIsLeftToTheCallersCheck) {
  std::string limit =
      std::string(util::k_max_json_depth, '[') + std::string(util::k_max_json_depth, ']');
  EXPECT_TRUE(util::read_json(limit).has_value());
  std::string deeper = "[" + limit + "]";
  EXPECT_FALSE(util::read_json(deeper).has_value());
  bool too_deep = false;
  EXPECT_TRUE(util::parse_json_input(deeper, &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
}
