// A fast reader for the JSON promptctl parses for every call (providers' answers, input rows):
// the values nlohmann-json's parser would give, read without its lexer, which looks at each
// byte through several calls and keeps a copy of every token for its error messages.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace promptctl::util {

/// `text` read as nlohmann::json::parse reads it (the same values, numbers of the same types,
/// the last of repeated keys, a leading byte order mark skipped), or nothing when the text is
/// not JSON, nests deeper than `k_max_json_depth`, or has a number beyond a double's range.
/// Nothing means "ask nlohmann-json": it gives the verdict and the error message.
std::optional<nlohmann::json> read_json(std::string_view text);

}  // namespace promptctl::util
