// Regular expressions from repository data: variables' patterns, output schemas' patterns and
// `regex` assertions. A repository is not trusted to be kind, and neither is the text a pattern
// is matched against (a value from a request, a model's answer), so the engine is built to
// bounds rather than taken from std::regex, whose matcher recurses once per character (a
// 100 KB value overflows the stack) and backtracks (`(a+)+$` takes exponential time):
// - matching simulates the automaton over all its states at once: no recursion, time linear in
//   the text for a given pattern, and a budget of steps past which it stops with an error;
// - compiling bounds each repetition count, the automaton's size and the nesting of groups.
//
// The syntax is ECMAScript's, as JSON Schema asks: literals, `.`, classes with ranges and
// negation, the escapes \d \D \w \W \s \S \b \B \t \n \v \f \r \0 \cX \xHH \uHHHH, `^`, `$`,
// groups `(…)` and `(?:…)`, lookaheads `(?=…)` and `(?!…)`, alternation, and the quantifiers
// * + ? {n} {n,} {n,m}, greedy or lazy. Back-references are refused: they are not regular.
// Text is read as UTF-8 code points (`.` is one character, not one byte), as JSON Schema's
// lengths are; a byte that is not UTF-8 is a character of its own that only `.` and negated
// classes match. `^` and `$` are the text's ends.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace promptctl::util {

/// The largest count a repetition may give ({n}, {n,} and {n,m}).
inline constexpr std::size_t k_max_repetition = 1000;
/// The most steps a compiled pattern may have, as many as std::regex allowed states: a
/// repetition counts its body as often as it may repeat, so nested repetitions multiply.
inline constexpr std::size_t k_max_regex_size = 100'000;
/// The deepest nesting of groups, classes aside.
inline constexpr std::size_t k_max_regex_depth = 100;
/// The most steps one match may take (states visited, summed over the text's characters): about
/// a second of work, far past what any reasonable pattern needs on a model's answer.
inline constexpr std::size_t k_max_regex_steps = 200'000'000;

/// A pattern that does not compile (code() is error_badbrace, error_brack, error_paren,
/// error_escape, error_badrepeat, error_range or error_space), or a match that ran out of steps
/// (error_complexity). what() says which, and where in the pattern.
class RegexError : public std::regex_error {
 public:
  RegexError(std::regex_constants::error_type code, std::string message);
  const char* what() const noexcept override { return m_message.c_str(); }

 private:
  std::string m_message;
};

/// Where a match is in the text, in bytes.
struct RegexMatch {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct RegexProgram;

/// A compiled pattern; immutable, so one may be shared between threads.
class Regex {
 public:
  /// Throws RegexError.
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  /// The match ECMAScript's RegExp#exec finds in `text`: the leftmost, and of those the first
  /// in the pattern's order of preference (greedy, lazy, alternatives from the left). Throws
  /// RegexError (error_complexity) when it would take more than `max_steps`.
  std::optional<RegexMatch> find(std::string_view text,
                                 std::size_t max_steps = k_max_regex_steps) const;
  /// Whether the pattern matches somewhere in `text`; stops at the first match.
  bool search(std::string_view text, std::size_t max_steps = k_max_regex_steps) const;

 private:
  std::unique_ptr<const RegexProgram> m_program;
};

}  // namespace promptctl::util
