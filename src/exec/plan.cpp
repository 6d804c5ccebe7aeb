// Choosing the provider and model (and the fallbacks) for a rendered prompt.
#include "promptctl/execute.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

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
  request.parameters.locations.clear();  // where the prompt set each value: lint's, not the call's
  return request;
}

// Refuses a request that the provider's API would reject, naming everything it would reject,
// so that a value out of range is the caller's mistake (exit 2), not the provider's (exit 5).
void check_acceptable(const ChatRequest& request, ProviderType type) {
  std::vector<std::string> texts;
  for (const auto& found : {settings_problems(type, request.model, request.parameters),
                            message_problems(type, request.messages)}) {
    for (const RequestProblem& problem : found) {
      texts.push_back(problem.text);
    }
  }
  if (!texts.empty()) {
    throw Error(ErrorKind::invalid_input,
                request.provider + "/" + request.model +
                    " would refuse this request: " + util::join(texts, "; "),
                {}, "'promptctl lint' shows where the prompt sets each value");
  }
}

}  // namespace

std::vector<ChatRequest> plan_requests(const std::vector<ChatMessage>& messages,
                                       const ModelSettings& model,
                                       const std::map<std::string, ProviderSettings>& providers) {
  std::vector<ChatRequest> chain;
  for (const ModelRef& ref : model_chain(model, providers)) {
    chain.push_back(request_for(ref, messages, model));
    check_acceptable(chain.back(), providers.at(ref.provider).type);
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
