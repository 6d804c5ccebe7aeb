// Parsing JSON that comes from outside (rows, variables files, datasets, providers' answers)
// with a bound on nesting: nlohmann-json copies and writes values recursively, so a value nested
// tens of thousands deep would exhaust the stack long after it was read.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace promptctl::util {

/// The deepest nesting of arrays and objects that JSON input may have.
inline constexpr std::size_t k_max_json_depth = 512;

/// The offset of the first '[' or '{' that nests `text` deeper than `max_depth` (strings
/// skipped), or nothing.
std::optional<std::size_t> json_too_deep_at(std::string_view text,
                                            std::size_t max_depth = k_max_json_depth);

/// `text` parsed, or a discarded value when it is not JSON or nests deeper than
/// `k_max_json_depth` (then `too_deep`, when given, is set). Never throws.
nlohmann::json parse_json_input(std::string_view text, bool* too_deep = nullptr);

}  // namespace promptctl::util
