#include "promptctl/provider.hpp"

#include <array>
#include <cstdlib>

#include "util/sha256.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

struct TypeName {
  ProviderType type;
  std::string_view name;
};
constexpr std::array<TypeName, 6> k_type_names = {{
    {ProviderType::openai, "openai"},
    {ProviderType::anthropic, "anthropic"},
    {ProviderType::azure_openai, "azure-openai"},
    {ProviderType::ollama, "ollama"},
    {ProviderType::openai_compatible, "openai-compatible"},
    {ProviderType::echo, "echo"},
}};

// List prices in US dollars per million tokens for common models, so that cost is known
// without configuration; `prices:` in the settings overrides them.
const std::map<std::string, Price, std::less<>>& builtin_prices() {
  static const std::map<std::string, Price, std::less<>> prices = {
      {"gpt-4o", {2.50, 10.00}},
      {"gpt-4o-mini", {0.15, 0.60}},
      {"gpt-4.1", {2.00, 8.00}},
      {"gpt-4.1-mini", {0.40, 1.60}},
      {"gpt-4.1-nano", {0.10, 0.40}},
      {"o3-mini", {1.10, 4.40}},
      {"claude-3-5-haiku-latest", {0.80, 4.00}},
      {"claude-3-5-sonnet-latest", {3.00, 15.00}},
      {"claude-3-7-sonnet-latest", {3.00, 15.00}},
      {"claude-sonnet-4-0", {3.00, 15.00}},
      {"claude-opus-4-0", {15.00, 75.00}},
  };
  return prices;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

ProviderSettings builtin(std::string name, ProviderType type, std::string key_variable) {
  ProviderSettings settings;
  settings.name = std::move(name);
  settings.type = type;
  settings.key_required = !key_variable.empty();
  settings.key_variable = std::move(key_variable);
  if (type == ProviderType::anthropic) {
    settings.api_version = "2023-06-01";
  } else if (type == ProviderType::azure_openai) {
    settings.api_version = "2024-10-21";
  }
  return settings;
}

}  // namespace

std::string_view to_string(ProviderType type) {
  for (const TypeName& entry : k_type_names) {
    if (entry.type == type) {
      return entry.name;
    }
  }
  return "unknown";
}

std::optional<ProviderType> parse_provider_type(std::string_view text) {
  for (const TypeName& entry : k_type_names) {
    if (entry.name == text) {
      return entry.type;
    }
  }
  return std::nullopt;
}

std::vector<std::string> provider_type_names() {
  std::vector<std::string> names;
  for (const TypeName& entry : k_type_names) {
    names.emplace_back(entry.name);
  }
  return names;
}

std::string ProviderSettings::effective_base_url() const {
  if (!base_url.empty()) {
    return without_trailing_slash(base_url);
  }
  auto from_environment = [](const char* variable, const char* fallback) {
    std::string value = environment(variable);
    return without_trailing_slash(value.empty() ? fallback : value);
  };
  switch (type) {
    case ProviderType::openai:
      return from_environment("OPENAI_BASE_URL", "https://api.openai.com/v1");
    case ProviderType::anthropic:
      return from_environment("ANTHROPIC_BASE_URL", "https://api.anthropic.com");
    case ProviderType::azure_openai:
      return from_environment("AZURE_OPENAI_ENDPOINT", "");
    case ProviderType::ollama: {
      std::string host = environment("OLLAMA_HOST");
      if (host.empty()) {
        return "http://127.0.0.1:11434";
      }
      return without_trailing_slash(host.find("://") == std::string::npos ? "http://" + host
                                                                          : host);
    }
    case ProviderType::openai_compatible:
    case ProviderType::echo:
      return "";
  }
  return "";
}

std::optional<Price> ProviderSettings::price_of(const std::string& model) const {
  if (auto found = prices.find(model); found != prices.end()) {
    return found->second;
  }
  if (type == ProviderType::openai || type == ProviderType::anthropic ||
      type == ProviderType::azure_openai) {
    if (auto found = builtin_prices().find(model); found != builtin_prices().end()) {
      return found->second;
    }
  }
  if (type == ProviderType::echo || type == ProviderType::ollama) {
    return Price{};  // runs locally: no charge
  }
  return std::nullopt;
}

std::map<std::string, ProviderSettings> builtin_providers() {
  std::map<std::string, ProviderSettings> providers;
  for (ProviderSettings settings : {
           builtin("openai", ProviderType::openai, "OPENAI_API_KEY"),
           builtin("anthropic", ProviderType::anthropic, "ANTHROPIC_API_KEY"),
           builtin("azure-openai", ProviderType::azure_openai, "AZURE_OPENAI_API_KEY"),
           builtin("ollama", ProviderType::ollama, ""),
           builtin("echo", ProviderType::echo, ""),
       }) {
    providers.emplace(settings.name, std::move(settings));
  }
  return providers;
}

json ChatRequest::to_json() const {
  json messages_json = json::array();
  for (const ChatMessage& message : messages) {
    messages_json.push_back({{"role", message.role}, {"content", message.content}});
  }
  json parameters_json = parameters.to_json();
  parameters_json.erase("provider");
  parameters_json.erase("name");
  parameters_json.erase("fallback");
  return {{"provider", provider},
          {"model", model},
          {"messages", std::move(messages_json)},
          {"parameters", std::move(parameters_json)}};
}

ChatRequest ChatRequest::from_json(const json& value) {
  try {
    ChatRequest request;
    request.provider = value.at("provider").get<std::string>();
    request.model = value.at("model").get<std::string>();
    for (const json& message : value.at("messages")) {
      request.messages.push_back(
          {message.at("role").get<std::string>(), message.at("content").get<std::string>()});
    }
    const json& parameters = value.at("parameters");
    ModelSettings& p = request.parameters;
    p.provider = request.provider;
    p.name = request.model;
    if (parameters.contains("temperature")) {
      p.temperature = parameters["temperature"].get<double>();
    }
    if (parameters.contains("top_p")) {
      p.top_p = parameters["top_p"].get<double>();
    }
    if (parameters.contains("max_tokens")) {
      p.max_tokens = parameters["max_tokens"].get<std::int64_t>();
    }
    if (parameters.contains("seed")) {
      p.seed = parameters["seed"].get<std::int64_t>();
    }
    if (parameters.contains("stop")) {
      p.stop = parameters["stop"].get<std::vector<std::string>>();
    }
    if (parameters.contains("response_format")) {
      p.response_format = parameters["response_format"].get<std::string>();
    }
    return request;
  } catch (const json::exception& e) {
    throw Error(ErrorKind::invalid_input, std::string("not a recorded request: ") + e.what());
  }
}

std::string ChatRequest::hash() const {
  // nlohmann::json keeps object keys sorted, so the dump is canonical.
  return util::sha256_hex(to_json().dump());
}

}  // namespace promptctl
