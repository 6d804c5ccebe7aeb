// Regular expressions from repository data: variables' patterns, output schemas, assertions.
// std::regex reads a repetition count into an int without a check (a count of twenty digits
// overflows it) and makes states for every repetition (a{1000000} takes the machine's memory),
// so counts are bounded before it sees them.
#pragma once

#include <cstddef>
#include <regex>
#include <string_view>

namespace promptctl::util {

/// The largest count a repetition may give ({n}, {n,} and {n,m}).
inline constexpr std::size_t k_max_repetition = 1000;

/// `pattern` compiled (ECMAScript, as std::regex does by default). Throws std::regex_error for a
/// pattern that does not compile, or that repeats more than k_max_repetition times at once.
std::regex compile_regex(std::string_view pattern);

}  // namespace promptctl::util
