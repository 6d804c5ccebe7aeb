// Members written directly are the text nlohmann-json gives for the object they make: keys in
// byte order, numbers in its own form, strings escaped alike, invalid UTF-8 replaced alike.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "support/utf8.hpp"
#include "util/json_fields.hpp"
#include "util/json_writer.hpp"

using nlohmann::json;
using promptctl::util::JsonFields;

namespace {

using promptctl::testing::any_bytes;

// A member's value of any kind the fields hold, an owned string and a JSON value included.
JsonFields::Value any_value(std::vector<std::string>& texts, std::vector<json>& values) {
  switch (*rc::gen::inRange(0, 9)) {
    case 0:
      return nullptr;
    case 1:
      return *rc::gen::arbitrary<bool>();
    case 2:
      return *rc::gen::arbitrary<std::int64_t>();
    case 3:
      return *rc::gen::arbitrary<std::uint64_t>();
    case 4:
      return *rc::gen::arbitrary<double>();
    case 5:
      return *rc::gen::elementOf(std::vector<double>{
          0.1, 3.0, -0.0, 1e300, 5e-324, 1e16, 123.5, std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()});
    case 6:
      texts.push_back(*any_bytes());
      return std::string_view(texts.back());
    case 7:
      return *any_bytes();
    default:
      values.push_back(json::array({*any_bytes(), *rc::gen::arbitrary<double>(),
                                    json{{*any_bytes(), *rc::gen::arbitrary<int>()}}}));
      return &values.back();
  }
}

// Mostly plain text, with what must be escaped, characters of several bytes and bytes that are
// not UTF-8 at any place: strings are read eight bytes at a time, and every kind of byte must
// land anywhere within and across those blocks.
rc::Gen<std::string> mostly_plain_text() {
  std::vector<std::string> pieces{"a",
                                  "Z",
                                  "0",
                                  " ",
                                  "~",
                                  "\"",
                                  "\\",
                                  "\n",
                                  "\t",
                                  std::string(1, '\0'),
                                  "\x1f",
                                  "\x7f",
                                  "\xc3\xa9",
                                  "\xe2\x82\xac",
                                  "\xf0\x9f\x98\x80",
                                  "\xff",
                                  "\xc3",
                                  "\x80"};
  return rc::gen::map(
      rc::gen::container<std::vector<std::size_t>>(rc::gen::weightedOneOf<std::size_t>(
          {{12, rc::gen::just<std::size_t>(0)},
           {1, rc::gen::inRange<std::size_t>(0, pieces.size())}})),
      [pieces](const std::vector<std::size_t>& chosen) {
        std::string text;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
          text +=
              chosen[i] == 0 ? std::string(1, static_cast<char>('a' + i % 26)) : pieces[chosen[i]];
        }
        return text;
      });
}

}  // namespace

RC_GTEST_PROP(JsonFieldsProperties, AStringIsWrittenAsTheLibraryDumpsIt, ()) {
  std::string text = *mostly_plain_text();
  std::string written = "prefix";
  promptctl::util::append_json_string(written, text);
  RC_ASSERT(written == "prefix" + json(text).dump(-1, ' ', false, json::error_handler_t::replace));
}

// A member's key: any bytes, or one of a few short keys that share first bytes and recur, as a
// line's keys do ("output", "output_json", "output_sha256"), the empty key among them.
rc::Gen<std::string> any_key() {
  return rc::gen::weightedOneOf<std::string>(
      {{1, any_bytes()},
       {2, rc::gen::elementOf(std::vector<std::string>{
               "", "a", "ab", "abc", "b", "ba", std::string(1, '\0'), "\xff", "\xff\x01"})}});
}

RC_GTEST_PROP(JsonFieldsProperties, WrittenAsTheObjectTheyMakeIsDumped, ()) {
  std::size_t count = *rc::gen::inRange<std::size_t>(0, 40);
  std::vector<std::string> keys;
  std::vector<std::string> texts;
  std::vector<json> values;
  keys.reserve(2 * count);  // borrowed: nothing may move
  texts.reserve(count);
  values.reserve(count);
  JsonFields fields;
  for (std::size_t i = 0; i < count; ++i) {
    keys.push_back(*any_key());
    fields.set(keys.back(), any_value(texts, values));
    if (*rc::gen::inRange(0, 4) == 0) {  // set again: the last value stands
      keys.push_back(keys.back());
      fields.set(keys.back(), any_value(texts, values));
    }
  }
  RC_ASSERT(fields.dump() == fields.to_json().dump(-1, ' ', false, json::error_handler_t::replace));
}
