// Option checks whose messages read as sentences: CLI11's own number checks print the whole
// range of a double ("not in range 0.000000 to 1797693…").
#pragma once

#include <CLI/CLI.hpp>

namespace promptctl::cli {

/// Accepts a number of at least `minimum`; anything else fails as "'0' is less than 1", which
/// CLI11 prefixes with the option's name.
CLI::Validator at_least(double minimum);

/// Restricts `option` to `values`. Its help shows them as its type name ("text|json|github"),
/// a wrong value is named with them, and completion offers them (`choices_of`).
CLI::Option* one_of(CLI::Option* option, const std::vector<std::string>& values);

/// The values `one_of` gave `option`; none for an option that takes any value.
std::vector<std::string> choices_of(const CLI::Option& option);

}  // namespace promptctl::cli
