// What a pattern compiles to: for the pattern and for each of its lookaheads, a list of
// instructions that a matcher runs as a set of threads, one per state (a Pike VM).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace promptctl::util {

/// A character: a Unicode code point, or k_raw_byte plus a byte that is not UTF-8.
using CodePoint = std::uint32_t;
inline constexpr CodePoint k_raw_byte = 0x110000;
inline constexpr CodePoint k_last_code_point = k_raw_byte + 0xff;

/// A set of characters as sorted, disjoint, inclusive ranges.
struct CharSet {
  std::vector<std::pair<CodePoint, CodePoint>> ranges;

  bool contains(CodePoint c) const;
};

enum class RegexOp : std::uint8_t {
  character,      // consumes `arg` itself
  set,            // consumes a character of sets[arg]
  any,            // consumes any character but a line terminator
  split,          // goes on at `arg` first, then at `other`
  jump,           // goes on at `arg`
  text_start,     // ^
  text_end,       // $
  word_boundary,  // \b, or \B when `negated`
  lookahead,      // (?=…) runs lookaheads[arg] here; (?!…) when `negated`
  // An optional pass through a repetition whose body can match nothing starts with `enter` and
  // ends with `progress`, both naming the repetition's depth among such repetitions. As in
  // ECMAScript, a pass that consumed nothing fails: `progress` stops a thread that entered this
  // repetition, or one around it, since it last consumed a character.
  enter,
  progress,
  match,
};

struct RegexInstruction {
  RegexOp op;
  bool negated = false;
  std::uint32_t arg = 0;
  std::uint32_t other = 0;
};

struct RegexCode {
  std::vector<RegexInstruction> instructions;
  std::uint32_t depth = 0;  // how deep `enter` repetitions nest in it
};

struct RegexProgram {
  RegexCode main;
  std::vector<RegexCode> lookaheads;
  std::vector<CharSet> sets;
};

/// Throws RegexError.
RegexProgram compile_regex_program(std::string_view pattern);

/// The character at `text[at]` and how many bytes it takes (at least one).
std::pair<CodePoint, std::size_t> decode_character(std::string_view text, std::size_t at);

/// \w: ASCII letters, digits and '_'.
bool is_word_character(CodePoint c);

}  // namespace promptctl::util
