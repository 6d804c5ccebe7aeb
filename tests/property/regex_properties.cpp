// What the regular expression engine promises whatever the pattern and text: text written as
// escapes matches itself exactly, alternation takes the leftmost match and prefers its first
// branch where both match at one place, and `search` agrees with `find`.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/utf8.hpp"
#include "util/regex.hpp"

using promptctl::testing::append_utf8;
using promptctl::util::Regex;
using promptctl::util::RegexMatch;

namespace {

std::string u_escape(unsigned unit) {
  const char* const digits = "0123456789ABCDEF";
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += digits[(unit >> shift) & 0xf];
  }
  return out;
}

// A pattern built from a list of choices: literals, '.', classes, escapes, anchors, groups,
// lookaheads and quantifiers, nested a few levels; once the choices run out, each is the first.
class PatternBuilder {
 public:
  explicit PatternBuilder(const std::vector<int>& choices) : m_choices(choices) {}

  std::string alternation(int depth) {
    std::string out;
    for (int branches = 1 + next(3); branches > 0; --branches) {
      for (int terms = next(4); terms > 0; --terms) {
        out += term(depth + 1);
      }
      out += branches > 1 ? "|" : "";
    }
    return out;
  }

 private:
  int next(int below) { return m_at < m_choices.size() ? m_choices[m_at++] % below : 0; }

  std::string term(int depth) {
    static const char* const k_atoms[] = {"a",    "b",   "c",   ".",   "[ab]",
                                          "[^a]", "\\w", "\\s", "\\d", "\xc3\xa9"};
    static const char* const k_quantifiers[] = {"*",    "+",  "?",  "{2}", "{1,3}",
                                                "{0,}", "*?", "+?", "??",  "{0,2}?"};
    std::string atom;
    switch (next(depth > 3 ? 2 : 6)) {
      case 0:
      case 1:
        atom = k_atoms[next(10)];
        break;
      case 2:
        atom = "(" + alternation(depth) + ")";
        break;
      case 3:
        atom = "(?:" + alternation(depth) + ")";
        break;
      case 4:
        return std::string(next(2) ? "(?=" : "(?!") + alternation(depth) + ")";
      default: {
        static const char* const k_assertions[] = {"^", "$", "\\b", "\\B"};
        return k_assertions[next(4)];
      }
    }
    return next(3) == 0 ? atom + k_quantifiers[next(10)] : atom;
  }

  const std::vector<int>& m_choices;
  std::size_t m_at = 0;
};

rc::Gen<std::string> any_pattern() {
  return rc::gen::map(
      rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 1000)),
      [](const std::vector<int>& choices) { return PatternBuilder(choices).alternation(0); });
}

rc::Gen<std::string> any_text() {
  return rc::gen::container<std::string>(rc::gen::element('a', 'b', 'c', ' ', '1', '\n'));
}

}  // namespace

RC_GTEST_PROP(RegexProperties, TextWrittenAsEscapesMatchesItselfExactly, ()) {
  std::vector<char32_t> characters =
      *rc::gen::container<std::vector<char32_t>>(promptctl::testing::any_code_point());
  std::string text;
  std::string pattern = "^";
  for (char32_t c : characters) {
    append_utf8(text, c);
    if (c < 0x10000) {
      pattern += u_escape(c);
    } else {  // as a surrogate pair, which the engine reads as one character
      pattern +=
          u_escape(0xd800 + ((c - 0x10000) >> 10)) + u_escape(0xdc00 + ((c - 0x10000) & 0x3ff));
    }
  }
  pattern += "$";
  std::optional<RegexMatch> match = Regex(pattern).find(text);
  RC_ASSERT(match.has_value());
  RC_ASSERT(match->begin == 0u);
  RC_ASSERT(match->end == text.size());
  RC_ASSERT(!Regex(pattern).search(text + "x"));
}

RC_GTEST_PROP(RegexProperties, AlternationTakesTheLeftmostMatchAndPrefersItsFirstBranch, ()) {
  std::string first = *any_pattern();
  std::string second = *any_pattern();
  std::string text = *any_text();
  std::optional<RegexMatch> of_first = Regex(first).find(text);
  std::optional<RegexMatch> of_second = Regex(second).find(text);
  std::optional<RegexMatch> of_either = Regex("(?:" + first + ")|(?:" + second + ")").find(text);
  std::optional<RegexMatch> expected =
      !of_second || (of_first && of_first->begin <= of_second->begin) ? of_first : of_second;
  RC_ASSERT(of_either.has_value() == expected.has_value());
  if (expected) {
    RC_ASSERT(of_either->begin == expected->begin);
    RC_ASSERT(of_either->end == expected->end);
  }
}

RC_GTEST_PROP(RegexProperties, SearchAgreesWithFindAndMatchesLieInTheText, ()) {
  std::string pattern = *any_pattern();
  std::string text = *any_text();
  Regex regex(pattern);
  std::optional<RegexMatch> match = regex.find(text);
  RC_ASSERT(regex.search(text) == match.has_value());
  if (match) {
    RC_ASSERT(match->begin <= match->end);
    RC_ASSERT(match->end <= text.size());
  }
}
