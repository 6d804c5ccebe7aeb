#include "util/regex.hpp"

#include <cctype>
#include <string>

namespace promptctl::util {
namespace {

// Whether the repetition that starts at `open` (a '{') asks for more than k_max_repetition: its
// digits, up to the closing brace. Anything that is not a repetition is left to std::regex.
bool repeats_too_often(std::string_view pattern, std::size_t open) {
  std::size_t count = 0;
  for (std::size_t i = open + 1; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      count = count * 10 + static_cast<std::size_t>(c - '0');
      if (count > k_max_repetition) {
        return true;
      }
    } else if (c == ',') {
      count = 0;
    } else {
      return false;  // '}' ends it, anything else is not a repetition
    }
  }
  return false;
}

}  // namespace

std::regex compile_regex(std::string_view pattern) {
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      ++i;  // an escaped character is itself
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '{' && repeats_too_often(pattern, i)) {
      throw std::regex_error(std::regex_constants::error_badbrace);
    }
  }
  return std::regex(std::string(pattern));
}

}  // namespace promptctl::util
