// A pattern (the first line) either compiles or is refused with a RegexError; a compiled one
// finds in the text (the rest) a match inside it, the same one whether asked where or whether,
// or runs out of steps with a RegexError. Nothing else may happen: no crash, no other error.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "util/regex.hpp"

using namespace promptctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t line_end = input.find('\n');
  std::string_view pattern = input.substr(0, line_end);
  std::string_view text = line_end == std::string_view::npos ? "" : input.substr(line_end + 1);
  constexpr std::size_t k_steps = 2'000'000;  // enough for any short input; keeps runs quick
  try {
    util::Regex regex(pattern);
    std::optional<util::RegexMatch> match = regex.find(text, k_steps);
    if (match && (match->begin > match->end || match->end > text.size())) {
      std::abort();
    }
    if (regex.search(text, k_steps) != match.has_value()) {
      std::abort();
    }
  } catch (const util::RegexError&) {
  }
  return 0;
}
