// A JSON value written by promptctl's compact writer is exactly what nlohmann-json's dump()
// gives: ledger rows, request bodies and request hashes depend on those bytes being the same.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "support/utf8.hpp"
#include "util/json_writer.hpp"

using nlohmann::json;

namespace {

using promptctl::testing::any_bytes;

// Text of valid UTF-8: code points of every width, with quotes, backslashes and controls.
rc::Gen<std::string> valid_text() {
  return rc::gen::map(rc::gen::container<std::vector<char32_t>>(
                          rc::gen::oneOf(rc::gen::elementOf(std::vector<char32_t>{
                                             'a', ' ', '"', '\\', '\n', 0, 0x1f, 0x7f, '/', 'Z'}),
                                         promptctl::testing::any_code_point())),
                      [](const std::vector<char32_t>& code_points) {
                        std::string text;
                        for (char32_t code_point : code_points) {
                          promptctl::testing::append_utf8(text, code_point);
                        }
                        return text;
                      });
}

json any_number() {
  switch (*rc::gen::inRange(0, 4)) {
    case 0:
      return *rc::gen::arbitrary<std::int64_t>();
    case 1:
      return *rc::gen::arbitrary<std::uint64_t>();
    case 2:
      return *rc::gen::arbitrary<double>();
    default:
      return *rc::gen::elementOf(std::vector<double>{0.0, -0.0, 1.0, 0.1, 1e300, 5e-324, 1e16,
                                                     std::numeric_limits<double>::infinity(),
                                                     std::numeric_limits<double>::quiet_NaN()});
  }
}

// A value up to `depth` levels deep, its strings and keys made by `text`.
json any_value(const rc::Gen<std::string>& text, int depth) {
  int kinds = depth > 0 ? 7 : 5;
  switch (*rc::gen::inRange(0, kinds)) {
    case 0:
      return nullptr;
    case 1:
      return *rc::gen::arbitrary<bool>();
    case 2:
      return any_number();
    case 3:
    case 4:
      return *text;
    case 5: {
      json array = json::array();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
        array.push_back(any_value(text, depth - 1));
      }
      return array;
    }
    default: {
      json object = json::object();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
        object[*text] = any_value(text, depth - 1);
      }
      return object;
    }
  }
}

}  // namespace

RC_GTEST_PROP(JsonWriterProperties, ACompactValueIsWhatDumpWrites, ()) {
  json value = any_value(valid_text(), 3);
  RC_ASSERT(promptctl::util::json_compact(value) == value.dump());
  std::string appended = "[1,";
  promptctl::util::append_json_compact(appended, value);
  RC_ASSERT(appended == "[1," + value.dump());
}

RC_GTEST_PROP(JsonWriterProperties, InvalidUtf8IsReplacedOrRefusedAsDumpDoes, ()) {
  json value = any_value(any_bytes(), 3);
  std::string replaced;
  promptctl::util::append_json_compact_replacing(replaced, value);
  RC_ASSERT(replaced == value.dump(-1, ' ', false, json::error_handler_t::replace));
  std::optional<std::string> strict_error;
  try {
    (void)value.dump();
  } catch (const json::type_error& e) {
    strict_error = e.what();
  }
  if (strict_error) {
    try {
      (void)promptctl::util::json_compact(value);
      RC_FAIL("invalid UTF-8 was written");
    } catch (const json::type_error& e) {
      RC_ASSERT(std::string(e.what()) == *strict_error);
    }
  } else {
    RC_ASSERT(promptctl::util::json_compact(value) == value.dump());
  }
}
