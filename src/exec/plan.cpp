// Choosing the provider and model (and the fallbacks) for a rendered prompt.
#include "promptctl/execute.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

// `messages` and `parameters` are taken by value so that the last request of a chain can have
// them moved in rather than copied.
ChatRequest request_for(const ModelRef& ref, std::vector<ChatMessage> messages,
                        ModelSettings parameters) {
  ChatRequest request;
  request.provider = ref.provider;
  request.model = ref.model;
  request.messages = std::move(messages);
  request.parameters = std::move(parameters);
  request.parameters.provider = ref.provider;
  request.parameters.name = ref.model;
  request.parameters.fallback.clear();
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

std::vector<ChatRequest> plan_requests(std::vector<ChatMessage> messages, ModelSettings model,
                                       const std::map<std::string, ProviderSettings>& providers) {
  std::vector<ModelRef> refs = model_chain(model, providers);
  model.locations.clear();  // where the prompt set each value: lint's, not the call's
  std::vector<ChatRequest> chain;
  chain.reserve(refs.size());
  for (std::size_t i = 0; i < refs.size(); ++i) {
    bool last = i + 1 == refs.size();
    chain.push_back(last ? request_for(refs[i], std::move(messages), std::move(model))
                         : request_for(refs[i], messages, model));
    check_acceptable(chain.back(), providers.at(refs[i].provider).type);
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
