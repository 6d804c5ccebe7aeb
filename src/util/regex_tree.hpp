// The tree a pattern parses into, between the parser and the code generator.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "util/regex_program.hpp"

namespace promptctl::util {

struct RegexNode {
  enum class Kind {
    empty,
    character,
    set,
    any,
    text_start,
    text_end,
    word_boundary,
    lookahead,
    sequence,
    alternation,
    repeat
  };
  Kind kind = Kind::empty;
  bool negated = false;  // \B, (?!…)
  CodePoint character = 0;
  std::uint32_t set = 0;
  std::size_t min = 0;
  std::optional<std::size_t> max;  // none: unbounded
  bool greedy = true;
  std::vector<RegexNode> children;

  bool is_assertion() const {
    return kind == Kind::text_start || kind == Kind::text_end || kind == Kind::word_boundary ||
           kind == Kind::lookahead;
  }
};

/// `pattern` as a tree; the sets its classes and escapes name are added to `sets`. Throws
/// RegexError.
RegexNode parse_regex(std::string_view pattern, std::vector<CharSet>& sets);

/// Whether `node` can match without consuming a character.
bool can_match_nothing(const RegexNode& node);

}  // namespace promptctl::util
