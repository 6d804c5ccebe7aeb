// Declared variables: type names, value checks and command-line coercion; model settings.
#include <charconv>
#include <cmath>

#include "prompt/conversation.hpp"
#include "prompt/reader.hpp"
#include "promptctl/prompt.hpp"
#include "util/json_output.hpp"
#include "util/regex.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl {

using nlohmann::json;

std::string_view to_string(VarType type) {
  switch (type) {
    case VarType::string:
      return "string";
    case VarType::number:
      return "number";
    case VarType::integer:
      return "integer";
    case VarType::boolean:
      return "boolean";
    case VarType::array:
      return "array";
    case VarType::object:
      return "object";
    case VarType::messages:
      return "messages";
    case VarType::image:
      return "image";
  }
  return "string";
}

std::optional<VarType> parse_var_type(std::string_view text) {
  for (VarType type : {VarType::string, VarType::number, VarType::integer, VarType::boolean,
                       VarType::array, VarType::object, VarType::messages, VarType::image}) {
    if (to_string(type) == text) {
      return type;
    }
  }
  return std::nullopt;
}

namespace {

std::string_view json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    default:
      return "object";
  }
}

bool has_type(const json& value, VarType type) {
  switch (type) {
    case VarType::string:
      return value.is_string();
    case VarType::number:
      return value.is_number();
    case VarType::integer:
      return value.is_number_integer() ||
             (value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>());
    case VarType::boolean:
      return value.is_boolean();
    case VarType::array:
      return value.is_array();
    case VarType::object:
      return value.is_object();
    case VarType::messages:
      return value.is_array();  // each message is checked by `conversation_problem`
    case VarType::image:
      return value.is_string();  // a URL or a data URI, checked by `image_value_problem`
  }
  return false;
}

std::uint64_t utf8_length(const std::string& text) {
  std::uint64_t count = 0;
  for (unsigned char c : text) {
    count += (c & 0xC0) != 0x80 ? 1 : 0;
  }
  return count;
}

std::string shown(const json& value) {
  return value.is_string() ? "'" + util::printable(value.get<std::string>()) + "'"
                           : util::printable(value.dump());
}

}  // namespace

std::vector<std::string> VariableSpec::check(const json& value) const {
  std::vector<std::string> problems;
  const std::string subject = "variable '" + name + "'";
  if (!has_type(value, type)) {
    problems.push_back(subject + " must be " + (type == VarType::integer ? "an " : "a ") +
                       std::string(to_string(type)) + ", not " +
                       std::string(json_type_name(value)) + " " + shown(value));
    return problems;
  }
  if (type == VarType::messages) {
    if (std::string problem = prompt_detail::conversation_problem(value); !problem.empty()) {
      problems.push_back(subject + ": " + problem);
    }
  }
  if (type == VarType::image) {
    if (std::string problem = prompt_detail::image_value_problem(value.get<std::string>());
        !problem.empty()) {
      problems.push_back(subject + " " + problem);
    }
  }
  if (!enum_values.empty() &&
      std::find(enum_values.begin(), enum_values.end(), value) == enum_values.end()) {
    std::string allowed;
    for (const json& option : enum_values) {
      allowed += (allowed.empty() ? "" : ", ") + shown(option);
    }
    problems.push_back(subject + " must be one of " + allowed + ", not " + shown(value));
  }
  if (pattern && value.is_string()) {
    try {
      // Compiling takes a microsecond or two, less than a shared cache's lock would under serve.
      if (!util::Regex(*pattern).search(value.get<std::string>())) {
        problems.push_back(subject + " does not match pattern '" + *pattern + "': " + shown(value));
      }
    } catch (const util::RegexError& e) {
      problems.push_back(subject +
                         (e.code() == std::regex_constants::error_complexity
                              ? " could not be checked against pattern '"
                              : " has an invalid pattern '") +
                         *pattern + "': " + e.what());
    }
  }
  if (value.is_string() || value.is_array()) {
    std::uint64_t length = value.is_string() ? utf8_length(value.get<std::string>()) : value.size();
    const char* unit = value.is_string() ? " characters" : " items";
    if (min_length && length < *min_length) {
      problems.push_back(subject + " is " + std::to_string(length) + unit + ", fewer than " +
                         std::to_string(*min_length));
    }
    if (max_length && length > *max_length) {
      problems.push_back(subject + " is " + std::to_string(length) + unit + ", more than " +
                         std::to_string(*max_length));
    }
  }
  if (value.is_number()) {
    double number = value.get<double>();
    if (minimum && number < *minimum) {
      problems.push_back(subject + " is " + value.dump() + ", below the minimum " +
                         json(*minimum).dump());
    }
    if (maximum && number > *maximum) {
      problems.push_back(subject + " is " + value.dump() + ", above the maximum " +
                         json(*maximum).dump());
    }
  }
  return problems;
}

json VariableSpec::from_text(std::string_view text) const {
  auto fail = [&]() -> json {
    throw Error(ErrorKind::invalid_input,
                "variable '" + name + "' must be " + (type == VarType::integer ? "an " : "a ") +
                    std::string(to_string(type)) + ", not '" + util::printable(text) + "'");
  };
  switch (type) {
    case VarType::string:
    case VarType::image:
      return std::string(text);
    case VarType::boolean:
      if (text == "true" || text == "false") {
        return text == "true";
      }
      return fail();
    case VarType::integer: {
      std::int64_t number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return fail();
      }
      return number;
    }
    case VarType::number:
    case VarType::array:
    case VarType::object:
    case VarType::messages: {
      // YAML flow syntax is a superset of JSON, so "[a, b]" and '{"k": 1}' both work.
      json value;
      try {
        value = util::yaml_to_json(util::parse_yaml(text, "--var " + name));
      } catch (const Error&) {
        return fail();
      }
      return has_type(value, type) ? value : fail();
    }
  }
  return fail();
}

json VariableSpec::to_json() const {
  json out = {{"name", name},
              {"type", to_string(type)},
              {"required", required},
              {"description", util::text_or_null(description)}};
  out["default"] = default_value ? *default_value : json(nullptr);
  if (!enum_values.empty()) {
    out["enum"] = enum_values;
  }
  if (pattern) {
    out["pattern"] = *pattern;
  }
  if (min_length) {
    out["min_length"] = *min_length;
  }
  if (max_length) {
    out["max_length"] = *max_length;
  }
  if (minimum) {
    out["minimum"] = *minimum;
  }
  if (maximum) {
    out["maximum"] = *maximum;
  }
  return out;
}

ModelSettings ModelSettings::merged_over(const ModelSettings& defaults) const {
  ModelSettings out = *this;
  if (out.provider.empty()) {
    out.provider = defaults.provider;
  }
  if (out.name.empty()) {
    out.name = defaults.name;
  }
  out.temperature = temperature ? temperature : defaults.temperature;
  out.top_p = top_p ? top_p : defaults.top_p;
  out.max_tokens = max_tokens ? max_tokens : defaults.max_tokens;
  out.seed = seed ? seed : defaults.seed;
  out.response_format = response_format ? response_format : defaults.response_format;
  out.reasoning_effort = reasoning_effort ? reasoning_effort : defaults.reasoning_effort;
  if (out.response_schema.is_null()) {
    out.response_schema = defaults.response_schema;
    out.schema_retries = defaults.schema_retries;
  }
  if (out.tools.is_null()) {
    out.tools = defaults.tools;
  }
  out.tool_choice = tool_choice ? tool_choice : defaults.tool_choice;
  if (out.stop.empty()) {
    out.stop = defaults.stop;
  }
  if (out.fallback.empty()) {
    out.fallback = defaults.fallback;
  }
  out.locations.insert(defaults.locations.begin(), defaults.locations.end());  // ours win
  return out;
}

json ModelSettings::to_json() const {
  json out = json::object();
  out["provider"] = provider;
  out["name"] = name;
  if (temperature) {
    out["temperature"] = *temperature;
  }
  if (top_p) {
    out["top_p"] = *top_p;
  }
  if (max_tokens) {
    out["max_tokens"] = *max_tokens;
  }
  if (seed) {
    out["seed"] = *seed;
  }
  if (!stop.empty()) {
    out["stop"] = stop;
  }
  if (response_format) {
    out["response_format"] = *response_format;
  }
  if (reasoning_effort) {
    out["reasoning_effort"] = *reasoning_effort;
  }
  if (!response_schema.is_null()) {
    out["response_schema"] = response_schema;
  }
  if (schema_retries > 0) {
    out["schema_retries"] = schema_retries;
  }
  if (!tools.is_null()) {
    out["tools"] = tools;
  }
  if (tool_choice) {
    out["tool_choice"] = *tool_choice;
  }
  if (!fallback.empty()) {
    out["fallback"] = fallback;
  }
  return out;
}

json ToolSpec::to_json() const {
  json out = {{"name", name}, {"parameters", parameters}};
  if (!description.empty()) {
    out["description"] = description;
  }
  return out;
}

json OutputSpec::to_json() const {
  json out = {
      {"format", answer_is_json ? "json" : "text"}, {"schema", schema}, {"retries", retries}};
  if (!schema.is_null()) {
    out["name"] = name;
  }
  if (strict) {
    out["strict"] = *strict;
  }
  return out;
}

ModelSettings Prompt::model_over(const ModelSettings& defaults) const {
  ModelSettings settings = model.value_or(ModelSettings{}).merged_over(defaults);
  if (output && output->answer_is_json) {
    settings.response_format = "json";
    settings.locations["response_format"] = output->location;
  }
  if (output && !output->schema.is_null()) {
    settings.response_schema = {{"name", output->name}, {"schema", output->schema}};
    if (output->strict) {
      settings.response_schema["strict"] = *output->strict;
    }
    settings.schema_retries = output->retries;
    settings.locations["response_schema"] = output->location;
  }
  if (!tools.empty()) {
    settings.tools = json::array();
    for (const ToolSpec& tool : tools) {
      settings.tools.push_back(tool.to_json());
    }
    settings.locations["tools"] = tools.front().location;
  }
  return settings;
}

const VariableSpec* Prompt::find_variable(std::string_view variable) const {
  for (const VariableSpec& spec : variables) {
    if (spec.name == variable) {
      return &spec;
    }
  }
  return nullptr;
}

std::vector<std::string> Prompt::variable_names() const {
  std::vector<std::string> names;
  for (const VariableSpec& spec : variables) {
    names.push_back(spec.name);
  }
  return names;
}

bool LoadResult::has_errors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}
}  // namespace promptctl
