// Checking a JSON value against a JSON Schema: the keywords that describe structured model
// output (types, properties, items, enums, bounds, patterns, combinators, local $ref).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace promptctl::util {

/// One way a value breaks a schema: where (a JSON pointer, "" for the value itself) and why.
struct SchemaViolation {
  std::string pointer;
  std::string message;
};

/// The ways `value` breaks `schema`, empty when it conforms. Keywords this checker does not know
/// are ignored, as the specification asks of annotations; `$ref` resolves within `schema` only
/// ("#/definitions/x", "#/$defs/x"). Throws `std::invalid_argument` for a schema that is not an
/// object or boolean, or a `$ref` that points nowhere.
std::vector<SchemaViolation> check_json_schema(const nlohmann::json& schema,
                                               const nlohmann::json& value);

/// The first few violations, each as "where: why" ("the answer" for the value itself), joined by
/// "; ", with the rest counted: "/age: is a string, not an integer; /name: is missing and 2 more".
std::string describe_violations(const std::vector<SchemaViolation>& violations,
                                std::size_t named = 3);

/// Problems in a schema itself that `check_json_schema` would trip on: wrong keyword types, bad
/// patterns, unresolvable `$ref`s. Empty for a usable schema.
std::vector<std::string> schema_problems(const nlohmann::json& schema);

}  // namespace promptctl::util
