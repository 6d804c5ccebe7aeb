// Block-style YAML written by hand, without yaml-cpp's emitter, so that properties check the
// reader against a writer that shares none of its code. (yaml-cpp's emitter also replaces
// Unicode noncharacters such as U+FDD0 with U+FFFD, so it cannot write every JSON string.)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace promptctl::testing {

/// Writes `value` as block-style YAML. Strings are double-quoted with every byte outside
/// printable ASCII escaped; `value` must hold valid UTF-8.
std::string write_block_yaml(const nlohmann::json& value);

}  // namespace promptctl::testing
