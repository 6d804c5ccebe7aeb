// YAML reading through yaml-cpp, with nlohmann::json as the in-memory value.
#pragma once

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "promptctl/error.hpp"

namespace promptctl::util {

/// Parses YAML text; a syntax error or a repeated mapping key becomes an `Error`
/// (invalid_input) at `file:line:column`.
YAML::Node parse_yaml(std::string_view text, const std::string& file);

/// The file location of a node (yaml-cpp counts from 0; ours from 1).
SourceLocation location_of(const YAML::Node& node, const std::string& file);

/// A scalar's text as valid UTF-8. yaml-cpp decodes the escapes "\N", "\_" and "\xNN" of
/// double-quoted strings to single bytes instead of UTF-8; in text that was valid UTF-8 such a
/// byte can only come from an escape, whose meaning is the code point U+00NN, so it is encoded
/// as that.
std::string scalar_text(const YAML::Node& node);

/// Converts a YAML value to JSON. Plain scalars are typed by the YAML 1.2 core schema (null,
/// booleans, integers, floats); quoted scalars stay strings. Aliases are followed. A mapping
/// key that is not a scalar throws `Error` (invalid_input) with its line and column and no file.
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace promptctl::util
