#include "promptctl/requests.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <set>

#include "promptctl/error.hpp"
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

void check_provider(const std::string& provider,
                    const std::map<std::string, ProviderSettings>& providers) {
  if (!providers.contains(provider)) {
    throw Error(ErrorKind::invalid_input,
                "unknown provider '" + provider + "'" +
                    util::did_you_mean(provider, provider_names(providers)),
                {}, "declare it under 'providers:' in promptctl.yaml");
  }
}

constexpr std::array<std::string_view, 7> k_reasoning_efforts = {"none", "minimal", "low", "medium",
                                                                 "high", "xhigh",   "max"};

// Collects the problems of one request's settings.
class SettingsCheck {
 public:
  explicit SettingsCheck(const ModelSettings& settings) : m_settings(settings) {}

  void within(const char* field, const std::optional<double>& value, double low, double high) {
    if (value && !(*value >= low && *value <= high)) {  // NaN is out of every range
      add(field, std::string(field) + " is " + util::number_text(*value) + "; the API accepts " +
                     util::number_text(low) + " to " + util::number_text(high));
    }
  }
  void at_least(const char* field, const std::optional<double>& value, double low) {
    if (value && !(*value >= low)) {
      add(field, std::string(field) + " is " + util::number_text(*value) + "; the API accepts " +
                     util::number_text(low) + " or more");
    }
  }
  void only_default(const char* field, const std::optional<double>& value, const char* why) {
    if (value && *value != 1) {
      add(field, std::string(field) + " is " + util::number_text(*value) + "; " + why +
                     " accept only the default (1): leave it unset");
    }
  }
  void absent(const char* field, bool set, const std::string& why) {
    if (set) {
      add(field, why);
    }
  }
  void add(const char* field, std::string text) {
    m_problems.push_back({field, std::nullopt, std::move(text)});
  }
  [[nodiscard]] const ModelSettings& settings() const { return m_settings; }
  std::vector<RequestProblem> take() { return std::move(m_problems); }

 private:
  const ModelSettings& m_settings;
  std::vector<RequestProblem> m_problems;
};

void check_openai(SettingsCheck& check, std::string_view model) {
  const ModelSettings& s = check.settings();
  check.within("temperature", s.temperature, 0, 2);
  check.within("top_p", s.top_p, 0, 1);
  if (s.stop.size() > 4) {
    check.add("stop", "there are " + std::to_string(s.stop.size()) +
                          " stop sequences; the API accepts at most 4");
  }
  if (is_openai_reasoning_model(model)) {
    check.only_default("temperature", s.temperature, "reasoning models");
    check.only_default("top_p", s.top_p, "reasoning models");
  } else {
    check.absent("reasoning_effort", s.reasoning_effort.has_value(),
                 "reasoning_effort is for reasoning models (o1, o3, o4-mini, gpt-5), not '" +
                     std::string(model) + "'");
  }
}

void check_anthropic(SettingsCheck& check) {
  const ModelSettings& s = check.settings();
  check.within("temperature", s.temperature, 0, 1);
  check.within("top_p", s.top_p, 0, 1);
  check.absent("top_p", s.temperature && s.top_p,
               "temperature and top_p are both set; newer Claude models refuse the pair: set one");
  check.absent("seed", s.seed.has_value(), "Anthropic's API has no seed");
  check.absent("response_format", s.response_format == "json" && s.response_schema.is_null(),
               "Anthropic's API has no JSON response format without a schema: give "
               "'output.schema'");
  bool object_schema = !s.response_schema.is_object() || !s.response_schema.contains("schema") ||
                       s.response_schema.at("schema").value("type", "") == "object";
  check.absent("response_schema", !object_schema,
               "Anthropic answers to a schema through a tool whose input is an object: the "
               "schema's type must be object");
  check.absent("reasoning_effort", s.reasoning_effort.has_value(),
               "reasoning_effort is OpenAI's; Anthropic's API has no such parameter");
  check.absent("tools", !s.tools.is_null() && !s.response_schema.is_null(),
               "Anthropic answers to an output schema by a tool it must call, so it would "
               "never call the prompt's own tools: drop 'output.schema' or 'tools'");
}

void check_ollama(SettingsCheck& check) {
  const ModelSettings& s = check.settings();
  check.at_least("temperature", s.temperature, 0);
  check.within("top_p", s.top_p, 0, 1);
  check.absent("reasoning_effort", s.reasoning_effort.has_value(),
               "reasoning_effort is OpenAI's; Ollama's API has no such parameter");
  check.absent("tool_choice", s.tool_choice && *s.tool_choice != "auto",
               "Ollama's API has no tool_choice: the model decides whether to call a tool");
}

// Whether the tool choice names a mode or a declared tool; true for the providers alike.
void check_tool_choice(SettingsCheck& check) {
  const ModelSettings& s = check.settings();
  if (!s.tool_choice) {
    return;
  }
  std::vector<std::string> choices = {"auto", "none", "required"};
  for (const nlohmann::json& tool : s.tools.is_array() ? s.tools : nlohmann::json::array()) {
    choices.push_back(tool.value("name", ""));
  }
  if (s.tools.is_null()) {
    check.add("tool_choice", "tool_choice is '" + util::printable(*s.tool_choice) +
                                 "' but the prompt declares no tools");
  } else if (std::find(choices.begin(), choices.end(), *s.tool_choice) == choices.end()) {
    check.add("tool_choice", "tool_choice is '" + util::printable(*s.tool_choice) +
                                 "': auto, none, required or a tool's name" +
                                 util::did_you_mean(*s.tool_choice, choices));
  }
}

bool is_blank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

// OpenAI's and Anthropic's APIs want each call of an assistant's message answered by a tool's
// result right after it, and no result that answers nothing there.
void check_results_follow_calls(const std::vector<ChatMessage>& messages,
                                std::vector<RequestProblem>& problems) {
  std::set<std::string> open;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& message = messages[i];
    if (message.role == "tool") {
      if (open.erase(message.tool_call_id) == 0) {
        problems.push_back({"messages", i,
                            "the result of call '" + util::printable(message.tool_call_id) +
                                "' does not follow the assistant's message that made it"});
      }
      continue;
    }
    for (const std::string& id : open) {
      problems.push_back({"messages", i,
                          "call '" + util::printable(id) +
                              "' has no tool result before this message; the API wants each "
                              "call answered right after it"});
    }
    open.clear();
    for (const ToolCall& call : message.tool_calls) {
      open.insert(call.id);
    }
  }
  for (const std::string& id : open) {
    problems.push_back({"messages", std::nullopt,
                        "call '" + util::printable(id) +
                            "' has no tool result; the API wants each call answered"});
  }
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

std::vector<ModelRef> model_chain(const ModelSettings& model,
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
  std::vector<ModelRef> chain{primary};
  for (const std::string& fallback : model.fallback) {
    ModelRef ref = parse_model_ref(fallback, primary.provider, providers);
    if (ref.model.empty()) {
      throw Error(ErrorKind::invalid_input, "fallback model '" + fallback + "' has no name");
    }
    check_provider(ref.provider, providers);
    chain.push_back(std::move(ref));
  }
  return chain;
}

bool is_openai_reasoning_model(std::string_view model) {
  bool o_series = model.size() >= 2 && model[0] == 'o' &&
                  std::isdigit(static_cast<unsigned char>(model[1])) != 0;
  bool gpt5 = model.starts_with("gpt-5") && model.find("-chat") == std::string_view::npos;
  return o_series || gpt5;
}

bool is_reasoning_effort(std::string_view text) {
  return std::find(k_reasoning_efforts.begin(), k_reasoning_efforts.end(), text) !=
         k_reasoning_efforts.end();
}

std::vector<RequestProblem> settings_problems(ProviderType type, std::string_view model,
                                              const ModelSettings& settings) {
  SettingsCheck check(settings);
  check_tool_choice(check);
  switch (type) {
    case ProviderType::openai:
    case ProviderType::azure_openai:
      check_openai(check, model);
      break;
    case ProviderType::anthropic:
      check_anthropic(check);
      break;
    case ProviderType::ollama:
      check_ollama(check);
      break;
    case ProviderType::openai_compatible:
    case ProviderType::echo:
      break;
  }
  return check.take();
}

std::vector<RequestProblem> message_problems(ProviderType type,
                                             const std::vector<ChatMessage>& messages) {
  std::vector<RequestProblem> problems;
  if (type == ProviderType::openai || type == ProviderType::azure_openai ||
      type == ProviderType::anthropic) {
    check_results_follow_calls(messages, problems);
  }
  if (type == ProviderType::ollama) {
    for (std::size_t i = 0; i < messages.size(); ++i) {
      for (const std::string& image : messages[i].images) {
        if (!image.starts_with("data:")) {
          problems.push_back({"messages", i,
                              "Ollama's API takes images as data, not URLs: give the image as a "
                              "file or a data URI"});
          break;
        }
      }
    }
  }
  if (type != ProviderType::anthropic) {
    return problems;
  }
  if (std::all_of(messages.begin(), messages.end(), std::mem_fn(&ChatMessage::is_instruction))) {
    problems.push_back({"messages", std::nullopt,
                        "there is no message besides the system prompt; Anthropic's API needs a "
                        "user message"});
  }
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& message = messages[i];
    bool may_be_empty = message.is_instruction() || !message.tool_calls.empty() ||
                        message.role == "tool" || !message.images.empty();
    if (!may_be_empty && is_blank(message.content)) {
      problems.push_back({"messages", i,
                          "the " + message.role +
                              " message is empty; Anthropic's API "
                              "refuses empty text"});
    }
  }
  return problems;
}

}  // namespace promptctl
