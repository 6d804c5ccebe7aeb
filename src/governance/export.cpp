// The bundle applications load at run time: every prompt an environment pins, ready to render.
#include "prompt/prompt_json.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"
#include "util/json_output.hpp"

namespace promptctl {
namespace {

// The declared variables as a JSON Schema an application can validate its inputs against.
nlohmann::json variables_schema(const Prompt& prompt) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const VariableSpec& spec : prompt.variables) {
    nlohmann::json property = {{"type", std::string(to_string(spec.type))}};
    if (!spec.description.empty()) {
      property["description"] = spec.description;
    }
    if (spec.default_value) {
      property["default"] = *spec.default_value;
    }
    if (!spec.enum_values.empty()) {
      property["enum"] = spec.enum_values;
    }
    if (spec.pattern) {
      property["pattern"] = *spec.pattern;
    }
    bool items = spec.type == VarType::array;
    if (spec.min_length) {
      property[items ? "minItems" : "minLength"] = *spec.min_length;
    }
    if (spec.max_length) {
      property[items ? "maxItems" : "maxLength"] = *spec.max_length;
    }
    if (spec.minimum) {
      property["minimum"] = *spec.minimum;
    }
    if (spec.maximum) {
      property["maximum"] = *spec.maximum;
    }
    properties[spec.name] = property;
    if (spec.required) {
      required.push_back(spec.name);
    }
  }
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"type", "object"},
          {"properties", properties},
          {"required", required}};
}

nlohmann::json exported_prompt(const std::string& name, const Pin& pin, RevisionSource& source,
                               const ModelSettings& defaults) {
  LoadResult loaded = load_from_source(source, name);
  throw_if_errors(loaded.diagnostics);
  const Prompt& prompt = *loaded.prompt;
  ContentIdentity identity = content_identity(source, prompt);
  nlohmann::json messages = nlohmann::json::array();
  for (const MessageTemplate& message : prompt.messages) {
    messages.push_back(prompt_detail::message_json(message));
  }
  nlohmann::json partials = nlohmann::json::object();
  for (const std::string& partial : identity.partials) {
    LoadResult used = load_from_source(source, partial);
    if (used.prompt && used.prompt->template_text) {
      partials[partial] = used.prompt->template_text->content;
    }
  }
  ModelSettings model = prompt.model_over(defaults);
  return {{"name", name},
          {"description", util::text_or_null(prompt.description)},
          {"commit", pin.commit},
          {"content_hash", pin.content},
          {"deployed_at", util::timestamp_or_null(pin.deployed_at)},
          {"deployed_by", util::identity_json(pin.deployed_by)},
          {"escape", prompt.escape == Escape::html ? "html" : "none"},
          {"model", model.to_json()},
          {"variables", variables_schema(prompt)},
          {"messages", messages},
          {"partials", partials}};
}

}  // namespace

nlohmann::json export_environment(Workspace& workspace,
                                  const std::shared_ptr<repo::Repository>& repository,
                                  const std::string& environment) {
  (void)environment_named(workspace.settings().environments, environment);
  std::optional<repo::Revision> head = head_if_any(*repository);
  std::string prefix = repository_prefix(workspace, *repository);
  PinFile pins = pins_at_head(*repository, prefix);
  nlohmann::json prompts = nlohmann::json::object();
  if (auto env = pins.environments.find(environment); env != pins.environments.end()) {
    for (const auto& [name, pin] : env->second) {
      RevisionSource source(repository, repository->resolve(pin.commit), prefix);
      prompts[name] = exported_prompt(name, pin, source, source.settings().default_model);
    }
  }
  // The bundle follows the JSON vocabulary; schema_version is the bundle's version too.
  return {{"format", "promptctl-bundle"},
          {"schema_version", k_json_schema_version},
          {"environment", environment},
          {"source_commit", head ? nlohmann::json(head->commit_id) : nlohmann::json(nullptr)},
          {"prompts", prompts}};
}

}  // namespace promptctl
