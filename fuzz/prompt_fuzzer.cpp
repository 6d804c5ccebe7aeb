// Any input loads into a prompt or into diagnostics; nothing throws past the loader.
#include <cstdint>

#include "promptctl/prompt.hpp"

using namespace promptctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadResult result = parse_prompt("fuzz", "prompts/fuzz.yaml", text);
  if (result.prompt) {
    (void)to_json(*result.prompt).dump();
  }
  return 0;
}
