// A conversation given as a variable of type messages: what its messages may be, and the chat
// messages they become.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "promptctl/render.hpp"

namespace promptctl::prompt_detail {

/// What is wrong with a conversation, naming the first message that is wrong, or "". A message
/// is {role: user or assistant, content: text}; an assistant's may carry the tools it called
/// (`tool_calls: [{id, name, arguments}]`, its text then optional), and {role: tool,
/// tool_call_id, content} is the result of an earlier call (its content text or any JSON).
std::string conversation_problem(const nlohmann::json& conversation);

/// The chat message a conversation's message stands for; nothing for one
/// `conversation_problem` refuses. A tool's result given as JSON becomes its JSON text.
std::optional<ChatMessage> conversation_message(const nlohmann::json& message);

}  // namespace promptctl::prompt_detail
