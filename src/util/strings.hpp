// Generic string helpers; nothing here knows about prompts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptctl::util {

/// `text` without leading and trailing spaces, tabs, carriage returns and newlines.
std::string_view trim(std::string_view text);

/// Splits on `separator`, keeping empty parts.
std::vector<std::string_view> split(std::string_view text, char separator);

/// Splits on runs of white space, dropping empty parts.
std::vector<std::string_view> split_whitespace(std::string_view text);

/// The parts with `separator` between each two: {"a", "b"} and ", " make "a, b".
std::string join(const std::vector<std::string>& parts, std::string_view separator);

std::string to_lower(std::string_view text);

/// A number as people write it: "0.7", "2", "1e-06" (the stream's shortest general form).
std::string number_text(double value);

/// A count with its noun: "1 error", "2 errors", "1 entry", "3 entries". The plural is the
/// singular with an "s" unless given.
std::string counted(std::size_t count, std::string_view singular, std::string_view plural = {});

/// "row 4", "rows 1-3, 7 and 9": the `noun` (made plural with an s) and `numbers`, which come in
/// increasing order (a repeat counts once), as ranges. After `most` ranges the rest are counted:
/// "rows 1, 3, 5, 7, 9 and 4 more".
std::string numbered(std::string_view noun, const std::vector<std::size_t>& numbers,
                     std::size_t most = 5);

/// The 1-based numbers of the lines of `text` that are merge conflict markers as git writes
/// them ("<<<<<<< ", "||||||| ", "=======", ">>>>>>> ").
std::vector<int> conflict_marker_lines(std::string_view text);

/// The offset of the first byte that breaks UTF-8 (overlong forms, surrogates and code points
/// past U+10FFFF included), or nothing when `text` is valid UTF-8.
std::optional<size_t> invalid_utf8_at(std::string_view text);

/// Line and column (from 1; columns count bytes) of byte `offset` in `text`.
std::pair<int, int> line_and_column(std::string_view text, size_t offset);

/// Non-empty, and only letters, digits, '-', '_' and '.': a name that can stand in an address,
/// a file key or a ref without quoting.
bool is_plain_word(std::string_view text);

/// The value of the first line of `message` that starts with `key` ("Promptctl-Action: "),
/// trimmed; "" when there is none. For git trailers.
std::string trailer_value(std::string_view message, std::string_view key);

/// Letters, digits and '_', not starting with a digit.
bool is_identifier(std::string_view text);

/// Edit distance (insertions, deletions, substitutions, adjacent transpositions).
size_t levenshtein(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" when there is a close candidate, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// Quotes a value for a message: printable text as is, control characters escaped, and long
/// values shortened.
std::string printable(std::string_view text, size_t max_length = 60);

/// One byte as the four characters "\xNN", for showing a control character as text.
std::string escaped_byte(unsigned char c);

/// `text` safe to show on a terminal: every control character (escape sequences, carriage
/// returns, bells) written as "\xNN", except tabs and, with `keep_line_breaks`, newlines. For
/// data from a repository (names, messages, comments) in text output.
std::string visible(std::string_view text, bool keep_line_breaks = false);
/// The same, appended to `out`: for lines built in one buffer.
void append_visible(std::string& out, std::string_view text, bool keep_line_breaks = false);
/// `items` appended to `out` visibly, with ", " between them: a prompt's tags, for instance.
void append_visible_list(std::string& out, const std::vector<std::string>& items);

}  // namespace promptctl::util
