// Choosing the provider and model (and the fallbacks) for a rendered prompt.
#include "promptctl/execute.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

std::vector<std::string> provider_names(const std::map<std::string, ProviderSettings>& providers) {
  std::vector<std::string> names;
  for (const auto& entry : providers) {
    names.push_back(entry.first);
  }
  return names;
}

}  // namespace

std::string provider_for_model_name(std::string_view model) {
  for (const char* prefix : {"gpt-", "chatgpt-", "o1", "o3", "o4"}) {
    if (model.starts_with(prefix)) {
      return "openai";
    }
  }
  if (model.starts_with("claude")) {
    return "anthropic";
  }
  return "";
}

namespace {

void check_provider(const std::string& provider,
                    const std::map<std::string, ProviderSettings>& providers) {
  if (!providers.contains(provider)) {
    throw Error(ErrorKind::invalid_input,
                "unknown provider '" + provider + "'" +
                    util::did_you_mean(provider, provider_names(providers)),
                {}, "declare it under 'providers:' in promptctl.yaml");
  }
}

ChatRequest request_for(const ModelRef& ref, const std::vector<ChatMessage>& messages,
                        const ModelSettings& parameters) {
  ChatRequest request;
  request.provider = ref.provider;
  request.model = ref.model;
  request.messages = messages;
  request.parameters = parameters;
  request.parameters.provider = ref.provider;
  request.parameters.name = ref.model;
  request.parameters.fallback.clear();
  return request;
}

}  // namespace

ModelRef parse_model_ref(std::string_view text, const std::string& default_provider,
                         const std::map<std::string, ProviderSettings>& providers) {
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    std::string provider(text.substr(0, slash));
    if (providers.contains(provider)) {
      return {provider, std::string(text.substr(slash + 1))};
    }
  }
  return {default_provider, std::string(text)};
}

std::vector<ChatRequest> plan_requests(const std::vector<ChatMessage>& messages,
                                       const ModelSettings& model,
                                       const std::map<std::string, ProviderSettings>& providers) {
  ModelRef primary{model.provider, model.name};
  if (primary.provider.empty() && primary.model.empty()) {
    // Nothing chosen anywhere: the offline provider, so that a new repository runs at once.
    const ProviderKind& offline = provider_kind(ProviderType::echo);
    primary = {std::string(offline.name), std::string(offline.model)};
  } else if (primary.provider.empty()) {
    primary = parse_model_ref(primary.model, provider_for_model_name(primary.model), providers);
    if (primary.provider.empty()) {
      throw Error(ErrorKind::invalid_input, "model '" + primary.model + "' names no provider", {},
                  "set 'provider' in the model settings, or write PROVIDER/" + primary.model);
    }
  }
  check_provider(primary.provider, providers);
  if (primary.model.empty()) {
    primary.model = providers.at(primary.provider).kind().model;
    if (primary.model.empty()) {
      throw Error(ErrorKind::invalid_input,
                  "no model is set for provider '" + primary.provider + "'", {},
                  "set 'model.name', or pass --model");
    }
  }
  std::vector<ChatRequest> chain{request_for(primary, messages, model)};
  for (const std::string& fallback : model.fallback) {
    ModelRef ref = parse_model_ref(fallback, primary.provider, providers);
    if (ref.model.empty()) {
      throw Error(ErrorKind::invalid_input, "fallback model '" + fallback + "' has no name");
    }
    check_provider(ref.provider, providers);
    chain.push_back(request_for(ref, messages, model));
  }
  return chain;
}

ModelSettings with_model(ModelSettings model, const std::string& provider,
                         const std::string& model_name,
                         const std::map<std::string, ProviderSettings>& providers) {
  if (!provider.empty()) {
    if (provider != model.provider) {
      model.fallback.clear();  // the prompt's fallbacks were chosen for its own provider
    }
    model.provider = provider;
    if (model_name.empty() && providers.contains(provider)) {
      if (std::string_view own = providers.at(provider).kind().model; !own.empty()) {
        model.name = own;
      }
    }
  }
  if (!model_name.empty()) {
    ModelRef ref = parse_model_ref(model_name, provider, providers);
    if (ref.provider.empty()) {
      // A bare name: its maker's provider when the name tells, else the current provider.
      std::string inferred = provider_for_model_name(ref.model);
      ref.provider = inferred.empty() ? model.provider : inferred;
    }
    model.provider = ref.provider;
    model.name = ref.model;
    model.fallback.clear();
  }
  return model;
}

}  // namespace promptctl
