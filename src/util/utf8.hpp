// Reading and writing UTF-8 one character at a time.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace promptctl::util {

/// The character that starts at `text[at]` and how many bytes it takes, or nothing when the
/// bytes there are not UTF-8 (a stray continuation byte, a sequence cut short, an overlong form,
/// a surrogate or a code point past U+10FFFF).
std::optional<std::pair<char32_t, std::size_t>> decode_utf8(std::string_view text, std::size_t at);

/// Appends `code_point` (at most U+10FFFF, not a surrogate) to `out` as UTF-8.
void append_utf8(std::string& out, char32_t code_point);

}  // namespace promptctl::util
