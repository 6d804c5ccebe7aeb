// Any bytes read by promptctl's JSON reader give what nlohmann-json's parser gives, to the type
// and the bit, or are left to it; the reader never accepts what the parser refuses.
#include <cstdint>
#include <cstdlib>

#include "../tests/support/json_same.hpp"
#include "util/json_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<nlohmann::json> read = promptctl::util::read_json(text);
  if (!read) {
    return 0;
  }
  nlohmann::json expected = nlohmann::json::parse(text, nullptr, false);
  if (expected.is_discarded() || !promptctl::testing::same_json(*read, expected)) {
    std::abort();
  }
  return 0;
}
