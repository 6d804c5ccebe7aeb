// The JSON of a prompt's settings, shared by `show --json` and the prompt-aware diff.
#pragma once

#include <nlohmann/json.hpp>

#include "promptctl/prompt.hpp"

namespace promptctl::prompt_detail {

/// The fields of a prompt that are compared as a whole: metadata, model, escaping, what the
/// ledger keeps, extensions.
nlohmann::json settings_json(const Prompt& prompt);

/// A message as written: {role, content[, images: [{url|file|var: REF}]]}, or {history: NAME}
/// where a conversation goes.
nlohmann::json message_json(const MessageTemplate& message);

}  // namespace promptctl::prompt_detail
