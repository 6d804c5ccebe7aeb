// Any variables file or dataset either reads into JSON or fails with an Error naming the file;
// the first byte of the input picks the format, the rest is the file's text.
#include <cstdint>
#include <cstdlib>

#include "prompt/test_data.hpp"
#include "promptctl/error.hpp"

using namespace promptctl;

namespace {

constexpr const char* k_paths[] = {"data/rows.jsonl", "data/rows.csv",  "data/rows.json",
                                   "data/rows.yaml",  "data/vars.yaml", "data/vars.json"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string path = k_paths[data[0] % std::size(k_paths)];
  SourceFile file{path, std::string(reinterpret_cast<const char*>(data) + 1, size - 1)};
  try {
    if (path.find("vars") != std::string::npos) {
      (void)prompt_detail::read_vars_file(file).dump();
    } else {
      for (const nlohmann::json& row : prompt_detail::read_dataset(file)) {
        (void)row.dump();
      }
    }
  } catch (const Error& e) {
    if (e.location().file != path) {
      std::abort();  // every error about a data file must name it
    }
  }
  return 0;
}
