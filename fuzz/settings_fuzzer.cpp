// Any promptctl.yaml either parses into settings or into diagnostics; nothing throws past the
// parser, and every diagnostic names the file.
#include <cstdint>
#include <cstdlib>

#include "promptctl/workspace.hpp"

using namespace promptctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Diagnostic> diagnostics;
  RepoSettings settings = parse_settings(text, "promptctl.yaml", diagnostics);
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.location.file != "promptctl.yaml") {
      std::abort();
    }
  }
  (void)settings.extensions.dump();  // throws on invalid UTF-8, which the parser must refuse
  return 0;
}
