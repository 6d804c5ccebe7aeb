// Command-line mistakes in promptctl's own words: what was wrong, the closest option or value
// when one is near, and where the command's help is, instead of the parser's raw text.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace promptctl::cli {

/// The message for a parse error of `command` (the subcommand being parsed, or the main app).
std::string usage_error_message(const CLI::ParseError& error, const CLI::App& command);

/// "Run 'promptctl COMMAND --help' for its options." for a subcommand, the overview otherwise.
std::string usage_hint(const CLI::App& command);

}  // namespace promptctl::cli
