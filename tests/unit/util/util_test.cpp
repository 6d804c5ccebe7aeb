#include <gtest/gtest.h>

#include "promptctl/check.hpp"
#include "support/temp_dir.hpp"
#include "util/base64.hpp"
#include "util/fs.hpp"
#include "util/json_schema.hpp"
#include "util/regex.hpp"
#include "util/strings.hpp"
#include "util/uuid.hpp"
#include "util/yaml.hpp"

using namespace promptctl;
using nlohmann::json;

TEST(Strings, EditDistanceCountsTranspositionsOnce) {
  EXPECT_EQ(util::levenshtein("input", "inptu"), 1u);
  EXPECT_EQ(util::levenshtein("ab", "ba"), 1u);
  EXPECT_EQ(util::levenshtein("", "abc"), 3u);
  EXPECT_EQ(util::levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(util::did_you_mean("temprature", {"temperature", "top_p"}),
            " (did you mean 'temperature'?)");
  EXPECT_EQ(util::did_you_mean("zzz", {"temperature"}), "");
}

TEST(Strings, PrintableEscapesControlCharactersAndShortens) {
  EXPECT_EQ(util::printable("a\nb"), "a\\x0ab");
  EXPECT_EQ(util::printable(std::string(100, 'x'), 5), "xxxxx...");
}

TEST(Strings, VisibleWritesControlCharactersAsText) {
  EXPECT_EQ(util::visible("a\033[2Jb\a\r\x7f"), "a\\x1b[2Jb\\x07\\x0d\\x7f");
  EXPECT_EQ(util::visible("tab\tnew\nline"), "tab\tnew\\x0aline");
  EXPECT_EQ(util::visible("tab\tnew\nline", true), "tab\tnew\nline");
  EXPECT_EQ(util::visible("caf\xc3\xa9"), "caf\xc3\xa9");
  std::string out = "kept ";
  util::append_visible(out, "\033");
  EXPECT_EQ(out, "kept \\x1b");
}

TEST(Regex, RepetitionCountsAreBoundedBeforeStdRegexReadsThem) {
  EXPECT_TRUE(std::regex_search("AB-1234", util::compile_regex("^[A-Z]{2}-[0-9]{4}$")));
  EXPECT_TRUE(std::regex_search("aaa", util::compile_regex("a{1,1000}")));
  // Twenty digits overflowed std::regex's own count; a million repetitions exhaust memory.
  EXPECT_THROW(util::compile_regex("[A-Z]{49999999999999999999}"), std::regex_error);
  EXPECT_THROW(util::compile_regex("a{2,1000000}"), std::regex_error);
  EXPECT_THROW(util::compile_regex("a{1001}"), std::regex_error);
  // Braces that repeat nothing are the pattern's own business: escaped, in a class, or text.
  EXPECT_TRUE(std::regex_search("{99999}", util::compile_regex("\\{99999\\}")));
  EXPECT_TRUE(std::regex_search("9", util::compile_regex("[{99999}]")));
  EXPECT_THROW(util::compile_regex("a{"), std::regex_error);
}

TEST(Strings, JoinPutsTheSeparatorBetweenPartsOnly) {
  EXPECT_EQ(util::join({}, ", "), "");
  EXPECT_EQ(util::join({"a"}, ", "), "a");
  EXPECT_EQ(util::join({"a", "", "b"}, ", "), "a, , b");
}

TEST(Yaml, PlainScalarsFollowTheCoreSchema) {
  json value = util::yaml_to_json(util::parse_yaml(
      "{a: 1, b: -2.5, c: true, d: null, e: '1', f: 0x1F, g: hello, h: ~, i: 1e3}", "x"));
  EXPECT_EQ(
      value,
      json::parse(
          R"({"a":1,"b":-2.5,"c":true,"d":null,"e":"1","f":31,"g":"hello","h":null,"i":1000.0})"));
}

TEST(Yaml, SyntaxErrorsCarryTheLocation) {
  try {
    util::parse_yaml("a: [1,\nb", "vars.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.location().file, "vars.yaml");
    EXPECT_GT(e.location().line, 0);
  }
}

TEST(Fs, AtomicWriteReplacesWholeFilesAndLeavesNoTemporaries) {
  promptctl::testing::TempDir dir;
  auto path = dir.path() / "sub" / "f.txt";
  util::write_file_atomic(path, "one");
  util::write_file_atomic(path, "two");
  EXPECT_EQ(util::read_file(path), "two");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "sub")) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
  EXPECT_FALSE(util::read_file_if_exists(dir.path() / "missing"));
  EXPECT_THROW(util::read_file(path, 2), Error);
}

TEST(Fs, ATemporaryFileIsPrivateHoldsItsContentAndGoesWithItsOwner) {
  std::string path;
  {
    util::TemporaryFile file("promptctl-test", "held\n");
    path = file.path();
    EXPECT_EQ(util::read_file(path), "held\n");
    auto permissions = std::filesystem::status(path).permissions();
    EXPECT_EQ(permissions & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    util::TemporaryFile other("promptctl-test");
    EXPECT_NE(other.path(), path);
    EXPECT_EQ(util::read_file(other.path()), "");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(Strings, CountedNounsAreSingularForOne) {
  EXPECT_EQ(util::counted(0, "error"), "0 errors");
  EXPECT_EQ(util::counted(1, "error"), "1 error");
  EXPECT_EQ(util::counted(2, "template line"), "2 template lines");
  EXPECT_EQ(util::counted(1, "entry", "entries"), "1 entry");
  EXPECT_EQ(util::counted(3, "entry", "entries"), "3 entries");
}

TEST(Strings, NumberedListsShowRangesAndCountTheRest) {
  EXPECT_EQ(util::numbered("row", {4}), "row 4");
  EXPECT_EQ(util::numbered("row", {4, 4}), "row 4");
  EXPECT_EQ(util::numbered("row", {2, 3}), "rows 2-3");
  EXPECT_EQ(util::numbered("row", {1, 2, 3, 7, 9}), "rows 1-3, 7 and 9");
  EXPECT_EQ(util::numbered("row", {1, 1, 2, 5, 5}), "rows 1-2 and 5");
  EXPECT_EQ(util::numbered("row", {1, 3, 5, 7, 9, 11, 13, 13, 14}, 3), "rows 1, 3, 5 and 5 more");
}

// The test vectors of RFC 4648, section 10, and bytes that are not text.
TEST(Base64, EncodesTheRfcVectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, encoded] : vectors) {
    EXPECT_EQ(util::base64_encode(bytes), encoded) << bytes;
  }
  EXPECT_EQ(util::base64_encode(std::string("\0\xff\xfe", 3)), "AP/+");
}

TEST(Strings, NumbersAreWrittenShortestFirst) {
  EXPECT_EQ(util::number_text(2), "2");
  EXPECT_EQ(util::number_text(0.7), "0.7");
  EXPECT_EQ(util::number_text(-1.5), "-1.5");
}

TEST(JsonSchema, ViolationsAreNamedThenCounted) {
  json schema = json::parse(R"({"type": "object", "required": ["a", "b", "c", "d"],
                                "properties": {"n": {"type": "integer"}}})");
  std::vector<util::SchemaViolation> violations =
      util::check_json_schema(schema, json::parse(R"({"n": "x"})"));
  ASSERT_EQ(violations.size(), 5U);
  std::string text = util::describe_violations(violations, 2);
  EXPECT_TRUE(text.ends_with(" and 3 more")) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), ';'), 1) << text;
  EXPECT_EQ(util::describe_violations(
                util::check_json_schema(json::parse(R"({"type": "array"})"), json(1))),
            "the answer: " +
                util::check_json_schema(json::parse(R"({"type": "array"})"), json(1))[0].message);
}

TEST(Strings, Utf8Validation) {
  EXPECT_FALSE(util::invalid_utf8_at("plain ascii, caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x98\x80"));
  EXPECT_EQ(util::invalid_utf8_at("ab\xf9"), 2u);            // not a lead byte
  EXPECT_EQ(util::invalid_utf8_at("a\xc3"), 1u);             // truncated
  EXPECT_EQ(util::invalid_utf8_at("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(util::invalid_utf8_at("x\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(util::invalid_utf8_at("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  // Past a run of ASCII read eight bytes at a time.
  EXPECT_EQ(util::invalid_utf8_at("0123456789abcdef\xffx"), 16u);
  EXPECT_EQ(util::invalid_utf8_at("0123456789abcdefg\xc3"), 17u);
  EXPECT_EQ(util::invalid_utf8_at("0123456\xc3\xa9"
                                  "789abcdef\xe2\x82"),
            18u);
  EXPECT_FALSE(
      util::invalid_utf8_at("0123456\xc3\xa9"
                            "789abcdef\xe2\x82\xac"
                            "0123456789"));
  EXPECT_EQ(util::line_and_column("ab\ncd\xff", 5), (std::pair<int, int>{2, 3}));
}

TEST(Yaml, EscapesBecomeUtf8EvenWhereYamlCppGivesBytes) {
  // Found by the prompt fuzzer: "\N" (U+0085) came back from yaml-cpp as the byte 0x85.
  json value =
      util::yaml_to_json(util::parse_yaml(R"({a: "x\Ny", b: "\xe9t\xe9", c: "\u00e9"})", "x"));
  EXPECT_EQ(value["a"], "x\xc2\x85y");
  EXPECT_EQ(value["b"], "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(value["c"], "\xc3\xa9");
  EXPECT_FALSE(util::invalid_utf8_at(value.dump()));
}

TEST(Yaml, NoncharactersAreKeptAsWritten) {
  // Unicode noncharacters are valid in UTF-8 text and must not become U+FFFD.
  json value = util::yaml_to_json(
      util::parse_yaml("{a: \"\\uFDD0\", b: \"\\uFFFF\", c: \"\xef\xb7\x90\"}", "x"));
  EXPECT_EQ(value["a"], "\xef\xb7\x90");
  EXPECT_EQ(value["b"], "\xef\xbf\xbf");
  EXPECT_EQ(value["c"], "\xef\xb7\x90");
}

TEST(Check, ABrokenInvariantIsAnInternalErrorNamingTheSourceLine) {
  try {
    PROMPTCTL_CHECK(1 + 1 == 3);
    FAIL() << "the check passed";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    EXPECT_EQ(e.message(), "invariant '1 + 1 == 3' does not hold");
    EXPECT_EQ(e.location().file, "tests/unit/util/util_test.cpp");
    EXPECT_GT(e.location().line, 0);
  }
  EXPECT_NO_THROW(PROMPTCTL_CHECK(1 + 1 == 2));
}

TEST(Uuid, Version7IdsCarryTheirTimeAndKeepTheirOrder) {
  std::int64_t ms = 1764921600123;  // 2025-12-05T08:00:00.123Z
  util::UuidV7Generator generator;
  std::string first = generator.next(ms);
  EXPECT_TRUE(util::is_uuid_v7(first)) << first;
  EXPECT_EQ(first.substr(0, 13), "019aed86-687b") << "48 bits of milliseconds, big-endian";
  std::string previous = first;
  for (int i = 0; i < 10000; ++i) {  // more than the 12-bit counter holds in one millisecond
    std::string next = generator.next(ms);
    ASSERT_TRUE(util::is_uuid_v7(next)) << next;
    ASSERT_LT(previous, next) << "strictly increasing within a millisecond";
    previous = next;
  }
  EXPECT_LT(previous, generator.next(ms - 5000)) << "and when the clock steps back";
  EXPECT_TRUE(util::is_uuid_v7(util::uuid_v7(ms)));
  EXPECT_FALSE(util::is_uuid_v7("019aed6c-0c7b-4abc-8def-0123456789ab")) << "version 4";
  EXPECT_FALSE(util::is_uuid_v7("019aed6c-0c7b-7abc-cdef-0123456789ab")) << "variant";
  EXPECT_FALSE(util::is_uuid_v7("019AED6C-0C7B-7ABC-8DEF-0123456789AB")) << "upper case";
  EXPECT_FALSE(util::is_uuid_v7("019aed6c0c7b7abc8def0123456789ab"));
}
