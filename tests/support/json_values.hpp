// Random JSON values for properties of promptctl's JSON writer and reader.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/utf8.hpp"

namespace promptctl::testing {

// Text of valid UTF-8: code points of every width, with quotes, backslashes and controls.
inline rc::Gen<std::string> valid_text() {
  return rc::gen::map(rc::gen::container<std::vector<char32_t>>(
                          rc::gen::oneOf(rc::gen::elementOf(std::vector<char32_t>{
                                             'a', ' ', '"', '\\', '\n', 0, 0x1f, 0x7f, '/', 'Z'}),
                                         any_code_point())),
                      [](const std::vector<char32_t>& code_points) {
                        std::string text;
                        for (char32_t code_point : code_points) {
                          append_utf8(text, code_point);
                        }
                        return text;
                      });
}

inline nlohmann::json any_number() {
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
inline nlohmann::json any_value(const rc::Gen<std::string>& text, int depth) {
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
      nlohmann::json array = nlohmann::json::array();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
        array.push_back(any_value(text, depth - 1));
      }
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
        object[*text] = any_value(text, depth - 1);
      }
      return object;
    }
  }
}

}  // namespace promptctl::testing
