// JSON documents as every front end writes them: the command line's --json output and the
// server's answers are the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "promptctl/error.hpp"

namespace promptctl::util {

/// `value` as a command prints it with --json: two-space indents, UTF-8 kept (invalid bytes
/// replaced), and a final newline.
std::string document_text(const nlohmann::json& value);

/// A diagnostic as `lint --json` reports it: file, line and column (null when unknown),
/// severity, code and message.
nlohmann::json diagnostic_json(const Diagnostic& diagnostic);

/// An error as the server answers it: {"kind", "message", "location", "hint", "problems"},
/// the location and hint null when absent, the problems each a `diagnostic_json`.
nlohmann::json error_json(const Error& error);

/// The name of an error's kind, as `error_json` writes it ("invalid_input", "not_found", …).
const char* kind_name(ErrorKind kind);

}  // namespace promptctl::util
