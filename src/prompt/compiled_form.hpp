// A loaded prompt as compact bytes and back, every field and source location included: what
// the compiled-prompt cache stores. Reading it back must cost far less than parsing the YAML
// (a tests file of 10,000 cases included), so the form is positional, numbers are varints, each
// file name is written once, and only free-form values (defaults, test values, assertions,
// schemas) go through CBOR. A prompt's templates are parsed again from their text.
#pragma once

#include <string>
#include <string_view>

#include "promptctl/prompt.hpp"

namespace promptctl::prompt_detail {

std::string encode_compiled(const Prompt& prompt);
/// Throws std::exception (out_of_range, invalid_argument or nlohmann-json's) for bytes that
/// `encode_compiled` did not write.
Prompt decode_compiled(std::string_view bytes);

}  // namespace promptctl::prompt_detail
