// Whether two JSON values are the same to the bit: of the same types all the way down (an
// unsigned 1 is not a signed 1, nor 1.0), with doubles compared by their bits (-0.0 is not 0.0).
// nlohmann-json's operator== compares numbers across types, which would hide a reader that
// gives the right number as the wrong type.
#pragma once

#include <cstring>
#include <nlohmann/json.hpp>

namespace promptctl::testing {

inline bool same_json(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.type() != b.type()) {
    return false;
  }
  switch (a.type()) {
    case nlohmann::json::value_t::number_float: {
      double x = a.get<double>();
      double y = b.get<double>();
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case nlohmann::json::value_t::array:
      if (a.size() != b.size()) {
        return false;
      }
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_json(a[i], b[i])) {
          return false;
        }
      }
      return true;
    case nlohmann::json::value_t::object:
      if (a.size() != b.size()) {
        return false;
      }
      for (auto ai = a.begin(), bi = b.begin(); ai != a.end(); ++ai, ++bi) {
        if (ai.key() != bi.key() || !same_json(ai.value(), bi.value())) {
          return false;
        }
      }
      return true;
    default:
      return a == b;
  }
}

}  // namespace promptctl::testing
