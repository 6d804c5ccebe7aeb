// promptctl's JSON reader gives what nlohmann-json's parser gives, to the type and the bit, and
// refuses all it refuses: providers' answers and input rows are read with it, and their values
// go on into requests, hashes and the ledger.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "support/json_same.hpp"
#include "support/json_values.hpp"
#include "support/utf8.hpp"
#include "util/json_reader.hpp"

using nlohmann::json;
using promptctl::testing::same_json;

namespace {

// A document's text as a writer might lay it out: compact or indented, with a byte order mark
// and white space around it at times.
std::string laid_out(const json& value) {
  std::string text = *rc::gen::arbitrary<bool>() ? value.dump() : value.dump(2);
  if (*rc::gen::inRange(0, 4) == 0) {
    text = "\xEF\xBB\xBF" + text;
  }
  return text + *rc::gen::elementOf(std::vector<std::string>{"", " ", "\n", "\r\n\t "});
}

// Text near JSON: a document with a few bytes inserted, removed or replaced, the inserted ones
// mostly JSON's own punctuation, digits, escapes and the bytes around UTF-8's edges.
std::string nearly_json() {
  std::string text = promptctl::testing::any_value(promptctl::testing::valid_text(), 3).dump();
  static const std::vector<std::string> pieces = {"{",
                                                  "}",
                                                  "[",
                                                  "]",
                                                  ",",
                                                  ":",
                                                  "\"",
                                                  "\\",
                                                  "\\u",
                                                  "\\ud83d",
                                                  "\\ude00",
                                                  "\\u00e9",
                                                  "-",
                                                  "0",
                                                  "1",
                                                  "9",
                                                  ".",
                                                  "e",
                                                  "E",
                                                  "+",
                                                  "e999",
                                                  "e-999",
                                                  "true",
                                                  "null",
                                                  " ",
                                                  "\t",
                                                  "\x01",
                                                  "\x7f",
                                                  "\x80",
                                                  "\xC0",
                                                  "\xC2",
                                                  "\xE0\xA0",
                                                  "\xED\xA0\x80",
                                                  "\xF4\x90",
                                                  "\xEF\xBB\xBF",
                                                  std::string(1, '\0')};
  for (int edits = *rc::gen::inRange(1, 4); edits > 0; --edits) {
    std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size() + 1);
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        text.insert(at, *rc::gen::elementOf(pieces));
        break;
      case 1:
        text.erase(at, *rc::gen::inRange<std::size_t>(1, 4));
        break;
      default:
        text.replace(at, 1, *rc::gen::elementOf(pieces));
        break;
    }
  }
  return text;
}

// A number the reader may leave to nlohmann-json: one past a double's range reads as zero or a
// denormal there (strtod's answer), and the reader does not guess it.
bool has_tiny_double(const json& value) {
  if (value.is_number_float()) {
    double x = value.get<double>();
    return x == 0.0 || std::fpclassify(x) == FP_SUBNORMAL;
  }
  if (value.is_structured()) {
    for (const json& item : value) {
      if (has_tiny_double(item)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

RC_GTEST_PROP(JsonReaderProperties, ReadsEveryDocumentAsNlohmannDoes, ()) {
  json value = promptctl::testing::any_value(promptctl::testing::valid_text(), 4);
  std::string text = laid_out(value);
  std::optional<json> read = promptctl::util::read_json(text);
  RC_ASSERT(read.has_value());
  RC_ASSERT(same_json(*read, json::parse(text)));
}

RC_GTEST_PROP(JsonReaderProperties, AgreesWithNlohmannOnTextNearJson, ()) {
  std::string text = nearly_json();
  json expected = json::parse(text, nullptr, false);
  std::optional<json> read = promptctl::util::read_json(text);
  if (expected.is_discarded()) {
    RC_ASSERT(!read.has_value());
  } else if (read) {
    RC_ASSERT(same_json(*read, expected));
  } else {
    RC_ASSERT(has_tiny_double(expected));
  }
}

RC_GTEST_PROP(JsonReaderProperties, RefusesWhatNlohmannRefusesInAnyBytes, ()) {
  std::string text = *promptctl::testing::any_bytes();
  json expected = json::parse(text, nullptr, false);
  std::optional<json> read = promptctl::util::read_json(text);
  RC_ASSERT(read.has_value() == !expected.is_discarded() || has_tiny_double(expected));
  if (read) {
    RC_ASSERT(same_json(*read, expected));
  }
}
