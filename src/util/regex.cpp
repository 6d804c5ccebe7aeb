// The matcher: every thread of the automaton advances over the text together, one character
// at a time, in priority order (a Pike VM), so the match found is the one a backtracking
// ECMAScript engine would find, without its recursion or its exponential time.
#include "util/regex.hpp"

#include <algorithm>

#include "util/regex_program.hpp"
#include "util/utf8.hpp"

namespace promptctl::util {

RegexError::RegexError(std::regex_constants::error_type code, std::string message)
    : std::regex_error(code), m_message(std::move(message)) {}

bool CharSet::contains(CodePoint c) const {
  auto after =
      std::upper_bound(ranges.begin(), ranges.end(), c,
                       [](CodePoint value, const auto& range) { return value < range.first; });
  return after != ranges.begin() && c <= std::prev(after)->second;
}

bool is_word_character(CodePoint c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

std::pair<CodePoint, std::size_t> decode_character(std::string_view text, std::size_t at) {
  if (auto character = decode_utf8(text, at)) {
    return {static_cast<CodePoint>(character->first), character->second};
  }
  return {k_raw_byte + static_cast<unsigned char>(text[at]), 1};
}

namespace {

// No character: before the text's start or at its end.
constexpr CodePoint k_none = 0xffffffff;

struct Thread {
  std::uint32_t pc;
  std::size_t start;
};

// Where the threads stand: between `before` and `here`, at byte `at`.
struct Position {
  std::size_t at;
  CodePoint before;
  CodePoint here;
};

bool is_line_terminator(CodePoint c) {
  return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

class Matcher {
 public:
  Matcher(const RegexProgram& program, std::string_view text, std::size_t max_steps)
      : m_program(program),
        m_text(text),
        m_runs(program.lookaheads.size() + 1),
        m_lookahead_answers(program.lookaheads.size()),
        m_max_steps(max_steps) {}

  std::optional<RegexMatch> find(bool first_only) {
    return run(m_program.main, m_runs.back(), 0, k_none, false, first_only);
  }

 private:
  // A thread on its way through the instructions that consume nothing: where it is, and the
  // depth of the outermost `enter` it has passed since it last consumed (0: none).
  struct Step {
    std::uint32_t pc;
    std::uint32_t entered;
  };

  // The working memory of one code's runs, kept between runs: a lookahead runs once for each
  // position it is asked about. A code never runs inside itself, so one each is enough.
  struct Run {
    std::vector<std::uint32_t> visited;  // the generation in which each (pc, entered) was reached
    std::uint32_t generation = 0;
    std::vector<Thread> pending;   // threads to follow at this position, in priority order
    std::vector<Thread> runnable;  // threads at an instruction that consumes or matches
    std::vector<Step> stack;
  };

  // The first match of `code` starting at `from` (only there when `anchored`), or with
  // `first_only` any match at all, as soon as one is seen.
  std::optional<RegexMatch> run(const RegexCode& code, Run& state, std::size_t from,
                                CodePoint before, bool anchored, bool first_only) {
    std::size_t size = code.instructions.size();
    state.visited.resize(size * (code.depth + 1));
    state.pending.clear();
    state.pending.reserve(size);
    state.runnable.reserve(size);
    state.stack.reserve(size);
    // A pattern that starts with '^' can start nowhere but at the text's start.
    bool starts_at_start = code.instructions.front().op == RegexOp::text_start;
    std::optional<RegexMatch> found;
    Position position{from, before, k_none};
    while (true) {
      std::size_t length = 0;
      position.here = k_none;
      if (position.at < m_text.size()) {
        std::tie(position.here, length) = decode_character(m_text, position.at);
      }
      if (!found && (!anchored || position.at == from) && (!starts_at_start || position.at == 0)) {
        state.pending.push_back({0, position.at});  // a match starting here ranks last
      }
      if (state.pending.empty()) {
        return found;
      }
      ++state.generation;
      state.runnable.clear();
      for (const Thread& thread : state.pending) {
        close(code, thread, position, state);
      }
      state.pending.clear();
      for (const Thread& thread : state.runnable) {
        spend();
        const RegexInstruction& instruction = code.instructions[thread.pc];
        if (instruction.op == RegexOp::match) {
          found = RegexMatch{thread.start, position.at};
          if (first_only) {
            return found;
          }
          break;  // the threads after this one rank lower than the match
        }
        if (position.here != k_none && consumes(instruction, position.here)) {
          state.pending.push_back({thread.pc + 1, thread.start});
        }
      }
      if (position.at >= m_text.size()) {
        return found;
      }
      position.before = position.here;
      position.at += length;
    }
  }

  void spend() {
    if (++m_steps > m_max_steps) {
      throw RegexError(
          std::regex_constants::error_complexity,
          "the pattern needs more than " + std::to_string(m_max_steps) + " steps on this text");
    }
  }

  bool consumes(const RegexInstruction& instruction, CodePoint c) const {
    switch (instruction.op) {
      case RegexOp::character:
        return c == instruction.arg;
      case RegexOp::set:
        return m_program.sets[instruction.arg].contains(c);
      case RegexOp::any:
        return !is_line_terminator(c);
      default:
        return false;
    }
  }

  // Follows the thread through every instruction that consumes nothing, depth first in
  // priority order, and queues the consuming ones it reaches. A step reached before at this
  // position, by this thread or one ranked higher, is not followed again: that keeps the
  // threads at most one a step, and an empty loop finite.
  void close(const RegexCode& code, const Thread& thread, const Position& position, Run& state) {
    state.stack.push_back({thread.pc, 0});
    while (!state.stack.empty()) {
      Step step = state.stack.back();
      state.stack.pop_back();
      std::uint32_t& seen = state.visited[step.pc * (code.depth + 1) + step.entered];
      if (seen == state.generation) {
        continue;
      }
      seen = state.generation;
      spend();
      const RegexInstruction& instruction = code.instructions[step.pc];
      bool holds = false;
      switch (instruction.op) {
        case RegexOp::jump:
          state.stack.push_back({instruction.arg, step.entered});
          continue;
        case RegexOp::split:
          state.stack.push_back({instruction.other, step.entered});
          state.stack.push_back({instruction.arg, step.entered});
          continue;
        case RegexOp::enter:
          state.stack.push_back({step.pc + 1, step.entered == 0
                                                  ? instruction.arg
                                                  : std::min(step.entered, instruction.arg)});
          continue;
        case RegexOp::progress:
          // A pass through this repetition, or one around it, began at this very position.
          holds = step.entered == 0 || step.entered > instruction.arg;
          break;
        case RegexOp::text_start:
          holds = position.at == 0;
          break;
        case RegexOp::text_end:
          holds = position.at == m_text.size();
          break;
        case RegexOp::word_boundary:
          holds = (word(position.before) != word(position.here)) != instruction.negated;
          break;
        case RegexOp::lookahead:
          holds = lookahead_holds(instruction.arg, position) != instruction.negated;
          break;
        default:
          state.runnable.push_back({step.pc, thread.start});
          continue;
      }
      if (holds) {
        state.stack.push_back({step.pc + 1, step.entered});
      }
    }
  }

  static bool word(CodePoint c) { return c != k_none && is_word_character(c); }

  // Whether lookahead `index` matches at this position. Every thread at one position may ask,
  // so each lookahead's last answer is kept. A run only moves forward, so an older answer is
  // seldom asked for again, and is then worked out anew: keeping every answer would take
  // memory for each character of a long text, for each lookahead.
  bool lookahead_holds(std::uint32_t index, const Position& position) {
    LookaheadAnswer& last = m_lookahead_answers[index];
    if (last.at != position.at) {
      last.holds =
          run(m_program.lookaheads[index], m_runs[index], position.at, position.before, true, true)
              .has_value();
      last.at = position.at;
    }
    return last.holds;
  }

  struct LookaheadAnswer {
    std::size_t at = std::string_view::npos;
    bool holds = false;
  };

  const RegexProgram& m_program;
  std::string_view m_text;
  std::vector<Run> m_runs;  // one for each lookahead, then the pattern's
  std::vector<LookaheadAnswer> m_lookahead_answers;
  std::size_t m_max_steps;
  std::size_t m_steps = 0;
};

}  // namespace

Regex::Regex(std::string_view pattern)
    : m_program(std::make_unique<const RegexProgram>(compile_regex_program(pattern))) {}
Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::optional<RegexMatch> Regex::find(std::string_view text, std::size_t max_steps) const {
  return Matcher(*m_program, text, max_steps).find(false);
}

bool Regex::search(std::string_view text, std::size_t max_steps) const {
  return Matcher(*m_program, text, max_steps).find(true).has_value();
}

}  // namespace promptctl::util
