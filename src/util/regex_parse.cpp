// A recursive-descent parser of ECMAScript's pattern grammar. It recurses only as deep as the
// pattern's groups nest, which is bounded, and reads repetition counts without overflow.
#include <algorithm>
#include <cctype>
#include <string>

#include "util/regex.hpp"
#include "util/regex_tree.hpp"

namespace promptctl::util {
namespace {

using std::regex_constants::error_type;
using Node = RegexNode;

Node leaf(Node::Kind kind) {
  Node node;
  node.kind = kind;
  return node;
}

// Sorted and merged, so that `contains` can search it.
CharSet normalized(std::vector<std::pair<CodePoint, CodePoint>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  CharSet set;
  for (const auto& range : ranges) {
    if (!set.ranges.empty() && range.first <= set.ranges.back().second + 1) {
      set.ranges.back().second = std::max(set.ranges.back().second, range.second);
    } else {
      set.ranges.push_back(range);
    }
  }
  return set;
}

CharSet complement(const CharSet& set) {
  CharSet out;
  CodePoint next = 0;
  for (const auto& [low, high] : set.ranges) {
    if (low > next) {
      out.ranges.emplace_back(next, low - 1);
    }
    next = high + 1;
  }
  if (next <= k_last_code_point) {
    out.ranges.emplace_back(next, k_last_code_point);
  }
  return out;
}

// \d, \w and \s as ECMAScript defines them; the capital letters are their complements.
std::optional<CharSet> class_escape(char letter) {
  std::vector<std::pair<CodePoint, CodePoint>> ranges;
  switch (letter) {
    case 'd':
    case 'D':
      ranges = {{'0', '9'}};
      break;
    case 'w':
    case 'W':
      ranges = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
      break;
    case 's':
    case 'S':
      ranges = {{0x09, 0x0d},     {0x20, 0x20},     {0xa0, 0xa0},     {0x1680, 0x1680},
                {0x2000, 0x200a}, {0x2028, 0x2029}, {0x202f, 0x202f}, {0x205f, 0x205f},
                {0x3000, 0x3000}, {0xfeff, 0xfeff}};
      break;
    default:
      return std::nullopt;
  }
  CharSet set = normalized(std::move(ranges));
  return std::isupper(static_cast<unsigned char>(letter)) ? complement(set) : set;
}

bool is_ascii_alphanumeric(CodePoint c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

std::optional<unsigned> hex_value(char c) {
  if (c >= '0' && c <= '9')
    return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f')
    return static_cast<unsigned>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F')
    return static_cast<unsigned>(c - 'A' + 10);
  return std::nullopt;
}

// One character of a class, or one of the sets \d \w \s and their complements.
struct ClassAtom {
  CodePoint character = 0;
  std::optional<CharSet> set;
};

class Parser {
 public:
  Parser(std::string_view pattern, std::vector<CharSet>& sets) : m_pattern(pattern), m_sets(sets) {}

  Node parse() {
    Node node = disjunction(0);
    if (m_at < m_pattern.size()) {  // only a ')' stops a disjunction early
      fail(std::regex_constants::error_paren, "a ')' that closes no group");
    }
    return node;
  }

 private:
  [[noreturn]] void fail(error_type code, const std::string& what) const {
    std::size_t character = 1;
    for (std::size_t i = 0; i < m_at && i < m_pattern.size();
         i += decode_character(m_pattern, i).second) {
      ++character;
    }
    throw RegexError(code, what + " (at character " + std::to_string(character) + ")");
  }

  bool at_end() const { return m_at >= m_pattern.size(); }
  char peek() const { return at_end() ? '\0' : m_pattern[m_at]; }
  bool accept(char c) {
    if (!at_end() && m_pattern[m_at] == c) {
      ++m_at;
      return true;
    }
    return false;
  }
  CodePoint next_character() {
    auto [character, length] = decode_character(m_pattern, m_at);
    m_at += length;
    return character;
  }

  Node disjunction(std::size_t depth) {
    if (depth > k_max_regex_depth) {
      fail(std::regex_constants::error_stack,
           "groups nested more than " + std::to_string(k_max_regex_depth) + " deep");
    }
    Node first = alternative(depth);
    if (peek() != '|') {
      return first;
    }
    Node node = leaf(Node::Kind::alternation);
    node.children.push_back(std::move(first));
    while (accept('|')) {
      node.children.push_back(alternative(depth));
    }
    return node;
  }

  Node alternative(std::size_t depth) {
    Node node = leaf(Node::Kind::sequence);
    while (!at_end() && peek() != '|' && peek() != ')') {
      node.children.push_back(term(depth));
    }
    return node;
  }

  Node term(std::size_t depth) {
    if (std::string_view("*+?").find(peek()) != std::string_view::npos) {
      fail(std::regex_constants::error_badrepeat,
           "nothing to repeat before '" + std::string(1, peek()) + "'");
    }
    if (peek() == '{') {
      fail(std::regex_constants::error_badrepeat,
           "a '{' with nothing before it to repeat; write \\{ for the character");
    }
    Node node = atom(depth);
    if (!quantifier_follows()) {
      return node;
    }
    if (node.is_assertion()) {
      fail(std::regex_constants::error_badrepeat, "an assertion cannot be repeated");
    }
    Node repeat = leaf(Node::Kind::repeat);
    read_quantifier(repeat);
    repeat.children.push_back(std::move(node));
    if (quantifier_follows()) {
      fail(std::regex_constants::error_badrepeat,
           "a repetition cannot be repeated; group it first");
    }
    return repeat;
  }

  bool quantifier_follows() const {
    char c = peek();
    return c == '*' || c == '+' || c == '?' || c == '{';
  }

  void read_quantifier(Node& repeat) {
    char c = m_pattern[m_at++];
    if (c == '*') {
      repeat.min = 0;
    } else if (c == '+') {
      repeat.min = 1;
    } else if (c == '?') {
      repeat.min = 0;
      repeat.max = 1;
    } else {
      read_braces(repeat);
    }
    repeat.greedy = !accept('?');
  }

  void read_braces(Node& repeat) {
    auto count = read_count();
    if (!count) {
      fail(std::regex_constants::error_badbrace,
           "a '{' that starts no repetition {n}, {n,} or {n,m}; write \\{ for the character");
    }
    repeat.min = *count;
    repeat.max = count;
    if (accept(',')) {
      repeat.max = peek() == '}' ? std::nullopt : read_count();
      if (peek() != '}' && !repeat.max) {
        fail(std::regex_constants::error_badbrace, "a repetition's upper count is not a number");
      }
    }
    if (!accept('}')) {
      fail(std::regex_constants::error_badbrace, "a repetition that is not closed with '}'");
    }
    if (repeat.max && *repeat.max < repeat.min) {
      fail(std::regex_constants::error_badbrace, "a repetition whose counts are out of order");
    }
  }

  // Digits, bounded as they are read: a count of twenty digits must not overflow.
  std::optional<std::size_t> read_count() {
    std::size_t start = m_at;
    std::size_t count = 0;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(peek()))) {
      count = count * 10 + static_cast<std::size_t>(m_pattern[m_at++] - '0');
      if (count > k_max_repetition) {
        fail(std::regex_constants::error_badbrace,
             "a repetition of more than " + std::to_string(k_max_repetition) + " times");
      }
    }
    return m_at == start ? std::nullopt : std::optional<std::size_t>(count);
  }

  Node atom(std::size_t depth) {
    switch (peek()) {
      case '(':
        return group(depth);
      case '[':
        ++m_at;
        return set_node(character_class());
      case '.':
        ++m_at;
        return leaf(Node::Kind::any);
      case '^':
        ++m_at;
        return leaf(Node::Kind::text_start);
      case '$':
        ++m_at;
        return leaf(Node::Kind::text_end);
      case '\\':
        ++m_at;
        return escape();
      default:
        return character_node(next_character());
    }
  }

  Node group(std::size_t depth) {
    ++m_at;  // '('
    Node node;
    if (accept('?')) {
      if (accept('=') || accept('!')) {
        node = leaf(Node::Kind::lookahead);
        node.negated = m_pattern[m_at - 1] == '!';
        node.children.push_back(disjunction(depth + 1));
      } else if (accept(':')) {
        node = disjunction(depth + 1);
      } else {
        fail(std::regex_constants::error_paren,
             "'(?' starts neither (?:…), (?=…) nor (?!…); lookbehinds and named groups are not "
             "supported");
      }
    } else {
      node = disjunction(depth + 1);
    }
    if (!accept(')')) {
      fail(std::regex_constants::error_paren, "a '(' that is never closed");
    }
    return node;
  }

  Node escape() {
    char c = peek();
    if (c == 'b' || c == 'B') {
      ++m_at;
      Node node = leaf(Node::Kind::word_boundary);
      node.negated = c == 'B';
      return node;
    }
    ClassAtom escaped = escaped_atom(false);
    return escaped.set ? set_node(std::move(*escaped.set)) : character_node(escaped.character);
  }

  // What follows a '\', in a class or outside one.
  ClassAtom escaped_atom(bool in_class) {
    if (at_end()) {
      fail(std::regex_constants::error_escape, "the pattern ends with a lone '\\'");
    }
    char c = m_pattern[m_at++];
    if (auto set = class_escape(c)) {
      return {0, std::move(set)};
    }
    switch (c) {
      case 't':
        return {'\t', std::nullopt};
      case 'n':
        return {'\n', std::nullopt};
      case 'v':
        return {'\v', std::nullopt};
      case 'f':
        return {'\f', std::nullopt};
      case 'r':
        return {'\r', std::nullopt};
      case 'c':
        if (!at_end() && std::isalpha(static_cast<unsigned char>(peek()))) {
          return {static_cast<CodePoint>(m_pattern[m_at++] % 32), std::nullopt};
        }
        fail(std::regex_constants::error_escape, "'\\c' must be followed by a letter");
      case 'x':
        return {hex_digits(2), std::nullopt};
      case 'u':
        return {unicode_escape(), std::nullopt};
      case '0':
        if (!at_end() && std::isdigit(static_cast<unsigned char>(peek()))) {
          fail(std::regex_constants::error_escape, "octal escapes are not supported");
        }
        return {0, std::nullopt};
      default:
        break;
    }
    if (in_class && c == 'b') {
      return {'\b', std::nullopt};
    }
    if (in_class && c == '-') {
      return {'-', std::nullopt};
    }
    if (c >= '1' && c <= '9') {
      --m_at;
      fail(std::regex_constants::error_backref, "back-references are not supported");
    }
    --m_at;
    CodePoint character = next_character();
    if (is_ascii_alphanumeric(character) || character == '_') {
      m_at -= 1;
      fail(std::regex_constants::error_escape,
           std::string("an unknown escape '\\") + static_cast<char>(character) + "'");
    }
    return {character, std::nullopt};  // an escaped punctuation mark is itself
  }

  CodePoint hex_digits(std::size_t count) {
    CodePoint value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      auto digit = at_end() ? std::nullopt : hex_value(peek());
      if (!digit) {
        fail(std::regex_constants::error_escape,
             "an escape that needs " + std::to_string(count) + " hexadecimal digits");
      }
      value = value * 16 + *digit;
      ++m_at;
    }
    return value;
  }

  // \uHHHH, with a surrogate pair written as two of them read as the one character they make.
  CodePoint unicode_escape() {
    CodePoint high = hex_digits(4);
    if (high < 0xd800 || high > 0xdbff || m_pattern.substr(m_at, 2) != "\\u") {
      return high;
    }
    std::size_t before = m_at;
    m_at += 2;
    CodePoint low = hex_digits(4);
    if (low < 0xdc00 || low > 0xdfff) {
      m_at = before;
      return high;
    }
    return 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  }

  CharSet character_class() {
    bool negated = accept('^');
    std::vector<std::pair<CodePoint, CodePoint>> ranges;
    while (!accept(']')) {
      if (at_end()) {
        fail(std::regex_constants::error_brack, "a '[' that is never closed");
      }
      ClassAtom low = class_atom();
      if (peek() == '-' && m_at + 1 < m_pattern.size() && m_pattern[m_at + 1] != ']') {
        ++m_at;
        ClassAtom high = class_atom();
        if (low.set || high.set) {
          fail(std::regex_constants::error_range, "a range with a class such as \\d at one end");
        }
        if (high.character < low.character) {
          fail(std::regex_constants::error_range, "a range whose ends are out of order");
        }
        ranges.emplace_back(low.character, high.character);
      } else if (low.set) {
        ranges.insert(ranges.end(), low.set->ranges.begin(), low.set->ranges.end());
      } else {
        ranges.emplace_back(low.character, low.character);
      }
    }
    CharSet set = normalized(std::move(ranges));
    return negated ? complement(set) : set;
  }

  ClassAtom class_atom() {
    if (at_end()) {
      fail(std::regex_constants::error_brack, "a '[' that is never closed");
    }
    if (accept('\\')) {
      return escaped_atom(true);
    }
    return {next_character(), std::nullopt};
  }

  Node character_node(CodePoint character) {
    Node node = leaf(Node::Kind::character);
    node.character = character;
    return node;
  }

  Node set_node(CharSet set) {
    Node node = leaf(Node::Kind::set);
    node.set = static_cast<std::uint32_t>(m_sets.size());
    m_sets.push_back(std::move(set));
    return node;
  }

  std::string_view m_pattern;
  std::vector<CharSet>& m_sets;
  std::size_t m_at = 0;
};

}  // namespace

RegexNode parse_regex(std::string_view pattern, std::vector<CharSet>& sets) {
  return Parser(pattern, sets).parse();
}

bool can_match_nothing(const RegexNode& node) {
  using Kind = RegexNode::Kind;
  switch (node.kind) {
    case Kind::character:
    case Kind::set:
    case Kind::any:
      return false;
    case Kind::sequence:
      return std::all_of(node.children.begin(), node.children.end(), can_match_nothing);
    case Kind::alternation:
      return std::any_of(node.children.begin(), node.children.end(), can_match_nothing);
    case Kind::repeat:
      return node.min == 0 || can_match_nothing(node.children.front());
    default:
      return true;  // nothing, or an assertion
  }
}

}  // namespace promptctl::util
