// Reading the pins file fast: a file as `PinFile::to_yaml` writes it (which every deploy and
// rollback does) is read line by line, since yaml-cpp takes a third of a second over 10,000
// pins and a server reloads it after every deploy. Anything else goes to the YAML parser.
#pragma once

#include <optional>
#include <string_view>

#include "promptctl/pins.hpp"

namespace promptctl::prompt_detail {

/// The pins of a file written exactly as `PinFile::to_yaml` writes it, each pin valid; nothing
/// for any other text, which the YAML parser must read (and report on).
std::optional<PinFile> read_written_pins(std::string_view text);

/// The pins as the YAML parser reads them, with every problem as a diagnostic.
PinFile parse_pins_as_yaml(std::string_view text, const std::string& path,
                           std::vector<Diagnostic>& diagnostics);

}  // namespace promptctl::prompt_detail
