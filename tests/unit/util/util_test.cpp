#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "promptctl/check.hpp"
#include "support/temp_dir.hpp"
#include "util/base64.hpp"
#include "util/fs.hpp"
#include "util/json_schema.hpp"
#include "util/parallel.hpp"
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
  std::string tags = "[";
  util::append_visible_list(tags, {"a", "", "b\033"});
  EXPECT_EQ(tags, "[a, , b\\x1b");
}

namespace {

// The match of `pattern` in `text` as the text it covers, or "no match".
std::string found(const std::string& pattern, const std::string& text) {
  std::optional<util::RegexMatch> match = util::Regex(pattern).find(text);
  return match ? text.substr(match->begin, match->end - match->begin) : "no match";
}

// The error `pattern` is refused with.
std::string refusal(const std::string& pattern) {
  try {
    util::Regex compiled(pattern);
  } catch (const util::RegexError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(Regex, FindsTheMatchEcmaScriptFinds) {
  EXPECT_EQ(found("^[A-Z]{2}-[0-9]{4,}$", "AB-12345"), "AB-12345");
  EXPECT_EQ(found("^[A-Z]{2}-[0-9]{4,}$", "AB-123"), "no match");
  EXPECT_EQ(found("a+", "baaab"), "aaa");               // leftmost, then greedy
  EXPECT_EQ(found("a+?", "baaab"), "a");                // lazy
  EXPECT_EQ(found("<.*>", "<a><b>"), "<a><b>");         // greedy runs to the last '>'
  EXPECT_EQ(found("<.*?>", "<a><b>"), "<a>");           // lazy stops at the first
  EXPECT_EQ(found("cat|category", "category"), "cat");  // the first alternative that matches
  EXPECT_EQ(found("a{2,3}", "aaaa"), "aaa");
  EXPECT_EQ(found("a{2,3}?", "aaaa"), "aa");
  EXPECT_EQ(found("\\bis\\b", "this is it"), "is");
  EXPECT_EQ(found("\\Bis", "this"), "is");
  EXPECT_EQ(found("\\d+(?=%)", "12 of 30%"), "30");
  EXPECT_EQ(found("\\d+(?!%)", "30% of 12"), "3");
  EXPECT_EQ(found("\\d+(?!\\d|%)", "30% of 12"), "12");
  EXPECT_EQ(found("^(?=.*\\d)(?=.*[a-z]).{8,}$", "passw0rdx"), "passw0rdx");
  EXPECT_EQ(found("^(?=.*\\d)(?=.*[a-z]).{8,}$", "password"), "no match");
  EXPECT_EQ(found("[^\\s,]+", "  , word,"), "word");
  EXPECT_EQ(found("[\\w-]+", "a well-known fact"), "a");
  EXPECT_EQ(found("\\x41\\u0042\\t\\cJ", "AB\t\n"), "AB\t\n");
  EXPECT_EQ(found("[a-]", "-"), "-");
  EXPECT_EQ(found("a.c", "a\nc"), "no match");  // '.' stops at a line's end
  EXPECT_EQ(found("x*", "abc"), "");            // an empty match is a match
  // As in ECMAScript, a pass through a repetition past its minimum must consume something.
  EXPECT_EQ(found("(|a)*", "aa"), "aa");
  EXPECT_EQ(found("(?:^|.){1,3}", "cxb"), "cx");
  EXPECT_EQ(found("\\{99999\\}", "{99999}"), "{99999}");
  EXPECT_EQ(found("[{99999}]", "9"), "9");
}

TEST(Regex, ReadsTextAsCharactersNotBytes) {
  EXPECT_EQ(found("^.{4}$", "caf\xc3\xa9"), "caf\xc3\xa9");  // four characters, five bytes
  EXPECT_EQ(found("[\xc3\xa0-\xc3\xbf]+", "d\xc3\xa9j\xc3\xa0"), "\xc3\xa9");
  EXPECT_EQ(found("\\ud83d\\ude00", "\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");  // one emoji
  EXPECT_EQ(found("\\s", "a\xc2\xa0z"), "\xc2\xa0");  // ECMAScript's spaces include U+00A0
  // A byte that is not UTF-8 is a character that only '.' and negated classes match.
  EXPECT_EQ(found("a.b",
                  "a\xffz a\xff"
                  "b"),
            "a\xff"
            "b");
  EXPECT_EQ(found("[^a]", "a\xff"), "\xff");
}

TEST(Regex, RefusesWhatItCannotMatchWithTheReasonAndWhere) {
  EXPECT_EQ(refusal("(unclosed"), "a '(' that is never closed (at character 10)");
  EXPECT_EQ(refusal("a)"), "a ')' that closes no group (at character 2)");
  EXPECT_EQ(refusal("*a"), "nothing to repeat before '*' (at character 1)");
  EXPECT_EQ(refusal("a**"), "a repetition cannot be repeated; group it first (at character 3)");
  EXPECT_EQ(refusal("[a"), "a '[' that is never closed (at character 3)");
  EXPECT_EQ(refusal("[z-a]"), "a range whose ends are out of order (at character 5)");
  EXPECT_EQ(refusal("(a)\\1"), "back-references are not supported (at character 5)");
  EXPECT_EQ(refusal("\\q"), "an unknown escape '\\q' (at character 2)");
  EXPECT_EQ(refusal("(?<=a)b"),
            "'(?' starts neither (?:…), (?=…) nor (?!…); lookbehinds and named groups are not "
            "supported (at character 3)");
  EXPECT_EQ(refusal("a{2,1}"), "a repetition whose counts are out of order (at character 7)");
  EXPECT_EQ(refusal("a{"),
            "a '{' that starts no repetition {n}, {n,} or {n,m}; write \\{ for the character (at "
            "character 3)");
  EXPECT_EQ(refusal("^*"), "an assertion cannot be repeated (at character 2)");
  EXPECT_EQ(refusal("caf\xc3\xa9)"), "a ')' that closes no group (at character 5)");
}

TEST(Regex, BoundsWhatAPatternMayCost) {
  // Twenty digits overflowed std::regex's own count; the count is bounded as it is read.
  EXPECT_EQ(refusal("[A-Z]{49999999999999999999}"),
            "a repetition of more than 1000 times (at character 11)");
  EXPECT_EQ(refusal("a{2,1001}"), "a repetition of more than 1000 times (at character 9)");
  EXPECT_EQ(refusal("a{1000}"), "accepted");
  // Nested repetitions multiply; the program's size is what is bounded.
  EXPECT_EQ(refusal("((a{1000}){1000}){1000}"),
            "the pattern is too large: it compiles to more than 100000 steps, each repetition "
            "counting its body as often as it may repeat");
  EXPECT_EQ(refusal(std::string(100, '(') + std::string(100, ')')), "accepted");
  EXPECT_EQ(refusal(std::string(101, '(') + std::string(101, ')')),
            "groups nested more than 100 deep (at character 102)");
  // A budget of steps stops a match that would take too long, with an error, not an answer.
  util::Regex lookahead("(?=a*b)");
  std::string text(2000, 'a');
  EXPECT_FALSE(lookahead.search(text));
  try {
    (void)lookahead.find(text, 100'000);
    ADD_FAILURE() << "the budget let it finish";
  } catch (const util::RegexError& e) {
    EXPECT_EQ(e.code(), std::regex_constants::error_complexity);
    EXPECT_STREQ(e.what(), "the pattern needs more than 100000 steps on this text");
  }
}

TEST(Regex, LongTextNeitherOverflowsTheStackNorBacktracks) {
  // std::regex recursed once a character: a value of 100,000 letters overflowed the stack.
  std::string letters(1'000'000, 'x');
  EXPECT_TRUE(util::Regex("^[a-z]+$").search(letters));
  EXPECT_TRUE(util::Regex("^(x|y)*$").search(letters));
  // A backtracking engine tries 2^n ways to split n letters between the two '+'.
  std::string almost = std::string(5'000, 'a') + "!";
  EXPECT_FALSE(util::Regex("^(a+)+$").search(almost));
  EXPECT_FALSE(util::Regex("^(a|a)*$").search(almost));
}

TEST(Parallel, EveryItemOnceAndTheFirstFailureRethrown) {
  std::vector<std::atomic<int>> seen(1000);
  util::parallel_for(seen.size(), [&](std::size_t i) { ++seen[i]; });
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](const auto& n) { return n == 1; }));
  EXPECT_THROW(util::parallel_for(seen.size(),
                                  [](std::size_t i) {
                                    if (i == 500) {
                                      throw std::runtime_error("item 500");
                                    }
                                  }),
               std::runtime_error);
  std::atomic<int> runs{0};
  util::run_on_threads(3, [&] { ++runs; });
  EXPECT_EQ(runs, 3);
  util::run_on_threads(0, [&] { ++runs; });  // the caller's thread at least
  EXPECT_EQ(runs, 4);
  EXPECT_THROW(util::run_on_threads(2, [] { throw std::runtime_error("each"); }),
               std::runtime_error);
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
