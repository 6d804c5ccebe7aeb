// What a model call will be before it is made: which provider and model a prompt's settings
// name, and what each provider's API accepts, so that `lint` and `run` refuse a request the
// service would reject instead of sending it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/prompt.hpp"
#include "promptctl/provider_settings.hpp"
#include "promptctl/render.hpp"

namespace promptctl {

/// A provider and a model on it.
struct ModelRef {
  std::string provider;
  std::string model;

  /// "provider/model".
  [[nodiscard]] std::string to_string() const { return provider + "/" + model; }
};

/// Splits "provider/model" when `provider` names a configured provider; otherwise the whole
/// text is a model name for `default_provider`.
ModelRef parse_model_ref(std::string_view text, const std::string& default_provider,
                         const std::map<std::string, ProviderSettings>& providers);

/// The provider a model name without one belongs to, by its maker's naming ("gpt-…", "o3…":
/// openai; "claude…": anthropic), or "" when the name does not tell.
std::string provider_for_model_name(std::string_view model);

/// The models `model` names, in the order they are tried: itself, then each fallback. With no
/// provider and no model, the offline `echo` provider; a model name without a provider picks
/// one from the name. Throws `Error` (invalid_input) for an unknown provider or an empty name.
std::vector<ModelRef> model_chain(const ModelSettings& model,
                                  const std::map<std::string, ProviderSettings>& providers);

/// Whether `model` is one of OpenAI's reasoning models (the o-series and gpt-5, not its chat
/// models): they take `max_completion_tokens` instead of `max_tokens`, take `reasoning_effort`,
/// and accept only the default temperature and top_p.
bool is_openai_reasoning_model(std::string_view model);

/// Whether `text` is a value of `reasoning_effort`.
bool is_reasoning_effort(std::string_view text);

/// Something in a request that a provider's API rejects.
struct RequestProblem {
  std::string field;                   ///< the model setting ("temperature"), or "messages"
  std::optional<std::size_t> message;  ///< for "messages": which one, counting from 0
  std::string text;                    ///< what is wrong, and what the API wants instead
};

/// The model settings that a provider of `type` rejects for `model`: values out of the API's
/// range, pairs it refuses together, and parameters it does not have (which would otherwise be
/// dropped without a word). OpenAI-compatible servers differ, so only the echo provider and
/// they are taken as they come.
std::vector<RequestProblem> settings_problems(ProviderType type, std::string_view model,
                                              const ModelSettings& settings);

/// The messages that a provider of `type` rejects: Anthropic's API wants a message besides the
/// system prompt, and no message whose text is empty.
std::vector<RequestProblem> message_problems(ProviderType type,
                                             const std::vector<ChatMessage>& messages);

}  // namespace promptctl
