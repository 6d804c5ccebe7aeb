// Loading a prompt file: structure, types, templates and tests, with every problem reported.
#include <algorithm>
#include <cctype>

#include "prompt/reader.hpp"
#include "prompt/tests_reader.hpp"
#include "promptctl/prompt.hpp"
#include "promptctl/requests.hpp"
#include "util/json_schema.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"
#include "util/yaml_fields.hpp"

namespace promptctl {
namespace {

using nlohmann::json;
using prompt_detail::YamlReader;

const std::vector<std::string> k_prompt_keys = {
    "description", "tags",   "category", "owner", "model",  "variables", "escape",
    "template",    "system", "messages", "tests", "ledger", "output",    "tools"};
const std::vector<std::string> k_variable_keys = {
    "type",    "required",   "default",    "description", "enum",
    "pattern", "min_length", "max_length", "minimum",     "maximum"};
// Asking again for an answer that breaks the schema costs a call each time.
constexpr std::int64_t k_max_output_retries = 5;

const std::vector<std::string> k_roles = {"system", "developer", "user", "assistant"};

class PromptLoader {
 public:
  PromptLoader(std::string name, std::string path, std::string_view text,
               std::vector<Diagnostic>& diagnostics)
      : m_text(text), m_reader(path, text, diagnostics) {
    m_prompt.name = std::move(name);
    m_prompt.path = std::move(path);
  }

  std::optional<Prompt> run() {
    if (!screen_bytes()) {
      return std::nullopt;
    }
    YAML::Node root;
    try {
      root = util::parse_yaml(m_text, m_prompt.path);
    } catch (const Error& e) {
      m_reader.error_at(e.location(), e.message(), "yaml");
      return std::nullopt;
    }
    if (!root.IsMap()) {
      m_reader.error_at({m_prompt.path, 1, 1}, "a prompt file must be a YAML mapping", "type");
      return std::nullopt;
    }
    try {
      m_reader.check_keys(root, k_prompt_keys, "");
      const util::YamlFields fields(root);
      read_metadata(fields);
      read_model(fields["model"]);
      read_output(fields["output"]);
      if (fields["tools"]) {
        m_prompt.tools =
            prompt_detail::read_tools(m_reader, fields["tools"], &m_prompt.tools_files);
      }
      read_variables(fields["variables"]);
      read_escape(fields["escape"]);
      read_templates(fields);
      read_tests(fields["tests"]);
      read_ledger(fields["ledger"]);
      read_extensions(root);
    } catch (const Error& e) {
      // A value that cannot become JSON; everything found before it is reported too.
      SourceLocation where = e.location();
      where.file = m_prompt.path;
      m_reader.error_at(where, e.message(), "value");
      return std::nullopt;
    }
    return std::move(m_prompt);
  }

 private:
  bool screen_bytes() {
    if (m_text.size() > k_max_prompt_file_size) {
      m_reader.error_at({m_prompt.path, 0, 0},
                        "file is " + std::to_string(m_text.size()) + " bytes, larger than the " +
                            std::to_string(k_max_prompt_file_size) + " a prompt may be",
                        "too-large");
      return false;
    }
    size_t nul = m_text.find('\0');
    if (nul != std::string_view::npos) {
      m_reader.error_at(
          {m_prompt.path, 0, 0},
          "file contains a NUL byte at offset " + std::to_string(nul) + ": not a text file",
          "binary");
      return false;
    }
    if (auto bad = util::invalid_utf8_at(m_text)) {
      auto [line, column] = util::line_and_column(m_text, *bad);
      m_reader.error_at({m_prompt.path, line, column}, "file is not valid UTF-8", "encoding");
      return false;
    }
    return !has_conflict_markers();
  }

  // Markers left by a merge make the YAML unreadable; name them plainly instead, wherever the
  // file is read (lint, render, show).
  bool has_conflict_markers() {
    std::vector<int> lines = util::conflict_marker_lines(m_text);
    for (int line : lines) {
      m_reader.error_at({m_prompt.path, line, 1}, "unresolved merge conflict marker",
                        "conflict-marker");
    }
    return !lines.empty();
  }

  void read_metadata(const util::YamlFields& fields) {
    if (const auto& node = fields["description"]) {
      m_prompt.description = m_reader.string(node, "'description'").value_or("");
    }
    if (const auto& node = fields["tags"]) {
      m_prompt.tags = m_reader.strings(node, "'tags'").value_or(std::vector<std::string>{});
    }
    if (const auto& node = fields["category"]) {
      m_prompt.category = m_reader.string(node, "'category'").value_or("");
    }
    if (const auto& node = fields["owner"]) {
      m_prompt.owner = m_reader.string(node, "'owner'").value_or("");
    }
  }

  void read_ledger(const YAML::Node& node) {
    if (node && m_reader.expect_map(node, "'ledger'")) {
      const util::YamlFields fields(node);
      m_reader.check_keys(node, {"store"}, "'ledger'");
      if (fields["store"]) {
        m_prompt.ledger_store = prompt_detail::read_ledger_store(m_reader, fields["store"]);
      }
    }
  }

  void read_model(const YAML::Node& node) {
    if (node) {
      m_prompt.model = prompt_detail::read_model_settings(m_reader, node);
    }
  }

  // `output: json`, or `output: {format: json, schema: {...}, name, strict, retries}`; a
  // schema implies JSON.
  void read_output(const YAML::Node& node) {
    if (!node) {
      return;
    }
    OutputSpec output;
    output.location = m_reader.where(node);
    if (node.IsScalar()) {
      std::string format = node.Scalar();
      if (format != "json" && format != "text") {
        m_reader.error(node, "'output' is 'json', 'text' or a mapping", "value");
      }
      output.answer_is_json = format == "json";
      m_prompt.output = std::move(output);
      return;
    }
    if (!m_reader.expect_map(node, "'output'")) {
      return;
    }
    const util::YamlFields fields(node);
    m_reader.check_keys(node, {"format", "schema", "name", "strict", "retries"}, "'output'");
    std::string format =
        fields["format"] ? m_reader.string(fields["format"], "'output.format'").value_or("") : "";
    if (fields["format"] && format != "json" && format != "text") {
      m_reader.error(fields["format"], "'output.format' is 'json' or 'text'", "value");
    }
    if (fields["schema"]) {
      read_output_schema(fields["schema"], output);
      if (format == "text") {
        m_reader.error(fields["format"], "an output schema describes JSON: 'output.format' is json",
                       "value");
      }
    }
    output.answer_is_json = format == "json" || !output.schema.is_null();
    output.name = fields["name"] ? m_reader.string(fields["name"], "'output.name'").value_or("")
                                 : (m_prompt.name.empty()
                                        ? std::string("answer")
                                        : m_prompt.name.substr(0, prompt_detail::k_max_api_name));
    if (!fields["name"]) {
      std::replace_if(
          output.name.begin(), output.name.end(),
          [](char c) { return !prompt_detail::is_api_name_char(c); }, '_');
    } else if (!prompt_detail::is_api_name(output.name)) {
      m_reader.error(fields["name"],
                     "'output.name' has 1 to 64 letters, digits, '_' or '-', not '" +
                         util::printable(output.name) + "'",
                     "value");
    }
    if (fields["strict"]) {
      output.strict = m_reader.boolean(fields["strict"], "'output.strict'");
    }
    if (fields["retries"]) {
      std::optional<std::int64_t> retries = m_reader.integer(fields["retries"], "'output.retries'");
      if (retries && (*retries < 0 || *retries > k_max_output_retries)) {
        m_reader.error(fields["retries"],
                       "'output.retries' is 0 to " + std::to_string(k_max_output_retries), "range");
      }
      output.retries =
          static_cast<int>(std::clamp<std::int64_t>(retries.value_or(0), 0, k_max_output_retries));
    }
    m_prompt.output = std::move(output);
  }

  void read_output_schema(const YAML::Node& node, OutputSpec& output) {
    if (!node.IsMap()) {
      m_reader.error(node, "'output.schema' is a JSON Schema written as a mapping", "type");
      return;
    }
    output.schema = util::yaml_to_json(node);
    for (const std::string& problem : util::schema_problems(output.schema)) {
      m_reader.error(node, "'output.schema': " + problem, "schema");
    }
  }

  void read_variables(const YAML::Node& node) {
    if (!node) {
      return;
    }
    if (!m_reader.expect_map(node, "'variables'")) {
      return;
    }
    for (const auto& entry : node) {
      VariableSpec spec;
      spec.name = entry.first.Scalar();
      spec.location = m_reader.where(entry.first);
      if (!util::is_identifier(spec.name)) {
        m_reader.error(entry.first,
                       "variable name '" + util::printable(spec.name) +
                           "' must be letters, digits and '_', not starting with a digit",
                       "variable-name");
        continue;
      }
      if (read_variable(entry.second, spec)) {
        m_prompt.variables.push_back(std::move(spec));
      }
    }
  }

  bool read_variable(const YAML::Node& node, VariableSpec& spec) {
    if (node.IsScalar()) {  // shorthand: `name: string`
      return read_type(node, spec);
    }
    if (!m_reader.expect_map(node, "variable '" + spec.name + "'")) {
      return false;
    }
    const util::YamlFields fields(node);
    m_reader.check_keys(node, k_variable_keys, "variable '" + spec.name + "'");
    if (fields["type"] && !read_type(fields["type"], spec)) {
      return false;
    }
    read_variable_constraints(fields, spec);
    if (const auto& def = fields["default"]) {
      spec.default_value = util::yaml_to_json(def);
      spec.required = false;
      for (const std::string& problem : spec.check(*spec.default_value)) {
        m_reader.error(def, "default: " + problem, "default-type");
      }
    }
    if (fields["required"]) {
      spec.required = m_reader.boolean(fields["required"], "'required'").value_or(spec.required);
    }
    if (fields["description"]) {
      spec.description = m_reader.string(fields["description"], "'description'").value_or("");
    }
    return true;
  }

  bool read_type(const YAML::Node& node, VariableSpec& spec) {
    std::string text = node.IsScalar() ? node.Scalar() : std::string();
    std::optional<VarType> type = parse_var_type(text);
    if (!type) {
      m_reader.error(
          node,
          "unknown type '" + util::printable(text) + "' for variable '" + spec.name + "'" +
              util::did_you_mean(
                  text, {"string", "number", "integer", "boolean", "array", "object", "messages"}),
          "variable-type");
      return false;
    }
    spec.type = *type;
    return true;
  }

  void read_variable_constraints(const util::YamlFields& fields, VariableSpec& spec) {
    if (const auto& values = fields["enum"]) {
      if (values.IsSequence() && values.size() > 0) {
        for (const YAML::Node& value : values) {
          spec.enum_values.push_back(util::yaml_to_json(value));
        }
      } else {
        m_reader.error(values, "'enum' must be a non-empty list", "type");
      }
    }
    if (const auto& pattern = fields["pattern"]) {
      // Compiled when a value is checked, and by lint: compiling costs more than a render.
      spec.pattern = m_reader.string(pattern, "'pattern'");
      spec.pattern_location = m_reader.where(pattern);
    }
    auto length = [&](const char* key) -> std::optional<std::uint64_t> {
      const YAML::Node bound = fields[key];
      if (!bound) {
        return std::nullopt;
      }
      auto value = m_reader.integer(bound, std::string("'") + key + "'");
      if (value && *value < 0) {
        m_reader.error(bound, std::string("'") + key + "' must not be negative", "range");
        return std::nullopt;
      }
      return value ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*value))
                   : std::nullopt;
    };
    spec.min_length = length("min_length");
    spec.max_length = length("max_length");
    if (fields["minimum"]) {
      spec.minimum = m_reader.number(fields["minimum"], "'minimum'");
    }
    if (fields["maximum"]) {
      spec.maximum = m_reader.number(fields["maximum"], "'maximum'");
    }
  }

  void read_escape(const YAML::Node& node) {
    if (!node) {
      return;
    }
    auto text = m_reader.string(node, "'escape'");
    if (text == "html") {
      m_prompt.escape = Escape::html;
    } else if (text && *text != "none") {
      m_reader.error(
          node, "'escape' must be 'none' or 'html', not '" + util::printable(*text) + "'", "value");
    }
  }

  std::optional<MessageTemplate> read_message_text(const YAML::Node& node, std::string role,
                                                   std::string_view what) {
    auto text = m_reader.string(node, what);
    if (!text) {
      return std::nullopt;
    }
    MessageTemplate message{std::move(role),
                            std::move(*text),
                            prompt_detail::origin_of(m_reader, node),
                            nullptr,
                            "",
                            {}};
    try {
      message.parsed = std::make_shared<const tmpl::Template>(
          tmpl::Template::parse(message.content, message.origin));
    } catch (const Error& e) {
      m_reader.error_at(e.location(), e.message(), "template");
    }
    return message;
  }

  void read_templates(const util::YamlFields& fields) {
    const YAML::Node template_node = fields["template"];
    const YAML::Node messages = fields["messages"];
    const YAML::Node system = fields["system"];
    if (template_node && messages) {
      m_reader.error(messages, "a prompt has 'template' or 'messages', not both", "structure");
      return;
    }
    if (!template_node && !messages) {
      m_reader.error_at({m_prompt.path, 1, 1}, "a prompt needs 'template' or 'messages'",
                        "structure");
      return;
    }
    if (system && messages) {
      m_reader.error(system, "'system' goes with 'template'; with 'messages' use a system message",
                     "structure");
    }
    if (template_node) {
      if (system) {
        if (auto message = read_message_text(system, "system", "'system'")) {
          m_prompt.messages.push_back(std::move(*message));
        }
      }
      if (auto message = read_message_text(template_node, "user", "'template'")) {
        m_prompt.template_text = *message;
        m_prompt.messages.push_back(std::move(*message));
      }
      return;
    }
    read_messages(messages);
  }

  void read_messages(const YAML::Node& node) {
    if (!node.IsSequence() || node.size() == 0) {
      m_reader.error(node, "'messages' must be a non-empty list", "type");
      return;
    }
    for (const YAML::Node& item : node) {
      if (!m_reader.expect_map(item, "a message")) {
        continue;
      }
      const util::YamlFields fields(item);
      if (fields["history"]) {
        read_history(item);
        continue;
      }
      m_reader.check_keys(item, {"role", "content", "images"}, "a message");
      if (!fields["role"] || !fields["content"]) {
        m_reader.error(item, "a message needs 'role' and 'content'", "structure");
        continue;
      }
      auto role = m_reader.string(fields["role"], "'role'");
      if (role && std::find(k_roles.begin(), k_roles.end(), *role) == k_roles.end()) {
        m_reader.error(
            fields["role"],
            "unknown role '" + util::printable(*role) + "'" + util::did_you_mean(*role, k_roles),
            "role");
        continue;
      }
      if (auto message = read_message_text(fields["content"], role.value_or("user"), "'content'")) {
        if (fields["images"] && message->role != "user") {
          m_reader.error(fields["images"], "only a user message shows images", "structure");
        } else if (fields["images"]) {
          message->images = prompt_detail::read_images(m_reader, fields["images"], m_prompt);
        }
        m_prompt.messages.push_back(std::move(*message));
      }
    }
  }

  // `- history: NAME`: where a conversation, a variable of type messages, goes in the chat.
  void read_history(const YAML::Node& item) {
    m_reader.check_keys(item, {"history"}, "a history entry");
    const util::YamlFields fields(item);
    std::optional<std::string> name = m_reader.string(fields["history"], "'history'");
    if (!name) {
      return;
    }
    const VariableSpec* spec = m_prompt.find_variable(*name);
    if (!spec || spec->type != VarType::messages) {
      m_reader.error(fields["history"],
                     "'history' names '" + util::printable(*name) +
                         "', which is not a variable of type messages",
                     "history");
      return;
    }
    MessageTemplate entry;
    entry.origin = {m_prompt.path, m_reader.where(fields["history"]).line,
                    m_reader.where(fields["history"]).column, 0};
    entry.history = *name;
    m_prompt.messages.push_back(std::move(entry));
  }

  void read_tests(const YAML::Node& node) {
    if (!node) {
      return;
    }
    prompt_detail::TestsReader reader(m_reader);
    m_prompt.tests = reader.read_list(node);
  }

  void read_extensions(const YAML::Node& root) {
    for (const auto& entry : root) {
      const std::string key = entry.first.Scalar();
      if (key.starts_with("x-")) {
        m_prompt.extensions[key] = util::yaml_to_json(entry.second);
      }
    }
  }

  std::string_view m_text;
  YamlReader m_reader;
  Prompt m_prompt;
};

}  // namespace

namespace prompt_detail {

// `model: PROVIDER/NAME`, or a list of them: the first to use, then its fallbacks in order.
std::optional<ModelSettings> model_chain(YamlReader& reader, const YAML::Node& node) {
  auto names = reader.strings(node, "'model'");
  if (!names || names->empty()) {
    if (names) {
      reader.error(node, "'model' lists no model", "value");
    }
    return std::nullopt;
  }
  ModelSettings model;
  const std::string& first = names->front();
  if (size_t slash = first.find('/'); slash != std::string::npos) {
    model.provider = first.substr(0, slash);
    model.name = first.substr(slash + 1);
  } else {
    model.name = first;
  }
  model.fallback.assign(names->begin() + 1, names->end());
  return model;
}

std::optional<LedgerStore> read_ledger_store(YamlReader& reader, const YAML::Node& node) {
  std::optional<std::string> text = reader.string(node, "'ledger.store'");
  if (!text) {
    return std::nullopt;
  }
  std::optional<LedgerStore> store = parse_ledger_store(*text);
  if (!store) {
    reader.error(node,
                 "'" + util::printable(*text) + "' is not a ledger store: full, redacted or hashes",
                 "value");
  }
  return store;
}

std::optional<ModelSettings> read_model_settings(YamlReader& reader, const YAML::Node& node) {
  static const std::vector<std::string> keys = {"provider",
                                                "name",
                                                "temperature",
                                                "top_p",
                                                "seed",
                                                "stop",
                                                "response_format",
                                                "fallback",
                                                "max_tokens",
                                                "max_completion_tokens",
                                                "reasoning_effort",
                                                "tool_choice"};
  if (node.IsScalar() || node.IsSequence()) {
    return model_chain(reader, node);
  }
  if (!reader.expect_map(node, "'model'")) {
    return std::nullopt;
  }
  reader.check_keys(node, keys, "'model'");
  const util::YamlFields fields(node);
  ModelSettings model;
  for (const auto& entry : node) {
    std::string key = entry.first.Scalar();
    model.locations[key == "max_completion_tokens" ? "max_tokens" : key] =
        reader.where(entry.first);
  }
  if (fields["fallback"]) {
    model.fallback =
        reader.strings(fields["fallback"], "'model.fallback'").value_or(std::vector<std::string>{});
  }
  if (fields["provider"]) {
    model.provider = reader.string(fields["provider"], "'model.provider'").value_or("");
  }
  if (fields["name"]) {
    model.name = reader.string(fields["name"], "'model.name'").value_or("");
  }
  if (fields["temperature"]) {
    model.temperature = reader.number(fields["temperature"], "'model.temperature'");
  }
  if (fields["top_p"]) {
    model.top_p = reader.number(fields["top_p"], "'model.top_p'");
  }
  // One limit, two names: OpenAI's newer name, which the request carries for the models that
  // need it, and the name every other API uses.
  if (fields["max_tokens"] && fields["max_completion_tokens"]) {
    reader.error(fields["max_completion_tokens"],
                 "'model.max_completion_tokens' is another name for 'model.max_tokens'; set one",
                 "value");
  }
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    if (fields[key]) {
      std::string what = std::string("'model.") + key + "'";
      model.max_tokens = reader.integer(fields[key], what);
      if (model.max_tokens && *model.max_tokens <= 0) {
        reader.error(fields[key], what + " must be positive", "range");
      }
    }
  }
  if (fields["seed"]) {
    model.seed = reader.integer(fields["seed"], "'model.seed'");
  }
  if (fields["stop"]) {
    model.stop =
        reader.strings(fields["stop"], "'model.stop'").value_or(std::vector<std::string>{});
  }
  if (fields["response_format"]) {
    model.response_format = reader.string(fields["response_format"], "'model.response_format'");
    if (model.response_format && *model.response_format != "text" &&
        *model.response_format != "json") {
      reader.error(fields["response_format"], "'model.response_format' must be 'text' or 'json'",
                   "value");
    }
  }
  if (fields["tool_choice"]) {
    model.tool_choice = reader.string(fields["tool_choice"], "'model.tool_choice'");
  }
  if (fields["reasoning_effort"]) {
    model.reasoning_effort = reader.string(fields["reasoning_effort"], "'model.reasoning_effort'");
    if (model.reasoning_effort && !is_reasoning_effort(*model.reasoning_effort)) {
      reader.error(fields["reasoning_effort"],
                   "'model.reasoning_effort' is none, minimal, low, medium, high, xhigh or max, "
                   "not '" +
                       util::printable(*model.reasoning_effort) + "'",
                   "value");
    }
  }
  return model;
}

}  // namespace prompt_detail

LoadResult parse_prompt(std::string name, std::string path, std::string_view text) {
  LoadResult result;
  result.prompt = PromptLoader(std::move(name), std::move(path), text, result.diagnostics).run();
  if (result.prompt) {
    prompt_detail::check_test_vars(*result.prompt, result.prompt->tests, result.diagnostics);
  }
  return result;
}

Prompt load_prompt(std::string name, std::string path, std::string_view text) {
  LoadResult result = parse_prompt(std::move(name), std::move(path), text);
  throw_if_errors(result.diagnostics);
  return std::move(*result.prompt);
}

namespace {
// A tests file's defaults, written into each of its cases: what a case leaves unset, and the
// shared assertions ahead of its own.
void apply_defaults(const TestDefaults& defaults, std::vector<TestCase>& cases) {
  for (TestCase& test : cases) {
    if (!test.provider && !test.model) {
      test.provider = defaults.provider;
      test.model = defaults.model;
    }
    test.assertions.insert(test.assertions.begin(), defaults.assertions.begin(),
                           defaults.assertions.end());
  }
}
}  // namespace

std::vector<TestCase> parse_tests_file(std::string_view text, const std::string& path,
                                       std::vector<Diagnostic>& diagnostics) {
  YamlReader reader(path, text, diagnostics);
  YAML::Node root;
  try {
    root = util::parse_yaml(text, path);
  } catch (const Error& e) {
    reader.error_at(e.location(), e.message(), "yaml");
    return {};
  }
  prompt_detail::TestsReader tests(reader);
  try {
    if (!root.IsMap()) {
      return tests.read_list(root);
    }
    reader.check_keys(root, {"tests", "defaults"}, "a tests file");
    const util::YamlFields fields(root);
    std::vector<TestCase> cases =
        fields["tests"] ? tests.read_list(fields["tests"]) : std::vector<TestCase>{};
    if (const auto& node = fields["defaults"]; node && reader.expect_map(node, "'defaults'")) {
      reader.check_keys(node, {"provider", "model", "assert"}, "test 'defaults'");
      apply_defaults(tests.read_defaults(node), cases);
    }
    return cases;
  } catch (const Error& e) {
    reader.error_at({path, e.location().line, e.location().column}, e.message(), "value");
    return {};
  }
}

}  // namespace promptctl
