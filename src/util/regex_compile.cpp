// From a pattern's tree to a RegexProgram. The code's size is checked as it grows, so a
// repetition of a repetition stops at the bound instead of filling memory.
#include <algorithm>
#include <string>
#include <utility>

#include "util/regex.hpp"
#include "util/regex_tree.hpp"

namespace promptctl::util {
namespace {

using Node = RegexNode;

// Code for a tree. Every instruction goes through `add`, which holds the whole program to
// k_max_regex_size.
class Emitter {
 public:
  explicit Emitter(RegexProgram& program) : m_program(program) {}

  // The code of a whole pattern or lookahead, ending in `match`.
  RegexCode emit_program(const Node& tree) {
    RegexCode code;
    std::uint32_t outer_depth = std::exchange(m_depth, 0);
    emit(tree, code);
    add(code, {RegexOp::match});
    m_depth = outer_depth;
    return code;
  }

 private:
  void emit(const Node& node, RegexCode& code) {
    using Kind = Node::Kind;
    switch (node.kind) {
      case Kind::empty:
        return;
      case Kind::character:
        add(code, {RegexOp::character, false, node.character, 0});
        return;
      case Kind::set:
        add(code, {RegexOp::set, false, node.set, 0});
        return;
      case Kind::any:
        add(code, {RegexOp::any});
        return;
      case Kind::text_start:
        add(code, {RegexOp::text_start});
        return;
      case Kind::text_end:
        add(code, {RegexOp::text_end});
        return;
      case Kind::word_boundary:
        add(code, {RegexOp::word_boundary, node.negated});
        return;
      case Kind::lookahead:
        emit_lookahead(node, code);
        return;
      case Kind::sequence:
        for (const Node& child : node.children) {
          emit(child, code);
        }
        return;
      case Kind::alternation:
        emit_alternation(node, code);
        return;
      case Kind::repeat:
        emit_repeat(node, code);
        return;
    }
  }

  std::uint32_t add(RegexCode& code, RegexInstruction instruction) {
    if (++m_size > k_max_regex_size) {
      throw RegexError(std::regex_constants::error_space,
                       "the pattern is too large: it compiles to more than " +
                           std::to_string(k_max_regex_size) +
                           " steps, each repetition counting its body as often as it may repeat");
    }
    code.instructions.push_back(instruction);
    return static_cast<std::uint32_t>(code.instructions.size() - 1);
  }

  static std::uint32_t here(const RegexCode& code) {
    return static_cast<std::uint32_t>(code.instructions.size());
  }

  void emit_lookahead(const Node& node, RegexCode& code) {
    RegexCode body = emit_program(node.children.front());
    auto index = static_cast<std::uint32_t>(m_program.lookaheads.size());
    m_program.lookaheads.push_back(std::move(body));
    add(code, {RegexOp::lookahead, node.negated, index, 0});
  }

  void emit_alternation(const Node& node, RegexCode& code) {
    std::vector<std::uint32_t> jumps;
    for (std::size_t i = 0; i + 1 < node.children.size(); ++i) {
      std::uint32_t split = add(code, {RegexOp::split});
      code.instructions[split].arg = here(code);
      emit(node.children[i], code);
      jumps.push_back(add(code, {RegexOp::jump}));
      code.instructions[split].other = here(code);
    }
    emit(node.children.back(), code);
    for (std::uint32_t jump : jumps) {
      code.instructions[jump].arg = here(code);
    }
  }

  // A split whose preferred way is `into` the repeated part for a greedy repetition and past
  // it for a lazy one.
  static void aim(RegexInstruction& split, bool greedy, std::uint32_t into, std::uint32_t past) {
    split.arg = greedy ? into : past;
    split.other = greedy ? past : into;
  }

  void emit_repeat(const Node& node, RegexCode& code) {
    const Node& body = node.children.front();
    for (std::size_t i = 0; i < node.min; ++i) {
      emit(body, code);
    }
    bool must_progress = can_match_nothing(body);
    if (!node.max) {
      std::uint32_t loop = add(code, {RegexOp::split});
      emit_optional_pass(body, must_progress, code);
      add(code, {RegexOp::jump, false, loop, 0});
      aim(code.instructions[loop], node.greedy, loop + 1, here(code));
      return;
    }
    std::vector<std::uint32_t> splits;
    for (std::size_t i = node.min; i < *node.max; ++i) {
      splits.push_back(add(code, {RegexOp::split}));
      emit_optional_pass(body, must_progress, code);
    }
    for (std::uint32_t split : splits) {
      aim(code.instructions[split], node.greedy, split + 1, here(code));
    }
  }

  // A pass past the repetition's minimum, which `must_progress` (its body could consume
  // nothing) by consuming something.
  void emit_optional_pass(const Node& body, bool must_progress, RegexCode& code) {
    if (!must_progress) {
      emit(body, code);
      return;
    }
    std::uint32_t depth = ++m_depth;
    code.depth = std::max(code.depth, depth);
    add(code, {RegexOp::enter, false, depth, 0});
    emit(body, code);
    add(code, {RegexOp::progress, false, depth, 0});
    --m_depth;
  }

  RegexProgram& m_program;
  std::size_t m_size = 0;
  std::uint32_t m_depth = 0;  // of the `enter` repetitions around what is being emitted
};

}  // namespace

RegexProgram compile_regex_program(std::string_view pattern) {
  RegexProgram program;
  Node tree = parse_regex(pattern, program.sets);
  program.main = Emitter(program).emit_program(tree);
  return program;
}

}  // namespace promptctl::util
