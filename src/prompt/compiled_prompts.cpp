#include "prompt/compiled_prompts.hpp"

#include <exception>

#include "promptctl/build_info.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace promptctl::prompt_detail {

using nlohmann::json;

namespace {

// Raised whenever what is written changes, so that no older entry is read as the new form.
constexpr std::string_view k_header = "promptctl-compiled 1\n";

json location_form(const SourceLocation& where) {
  return json::array({where.file, where.line, where.column});
}

SourceLocation location_from(const json& form) {
  return {form.at(0).get<std::string>(), form.at(1).get<int>(), form.at(2).get<int>()};
}

template <class T>
json optional_form(const std::optional<T>& value) {
  return value ? json(*value) : json();
}

template <class T>
std::optional<T> optional_from(const json& form) {
  return form.is_null() ? std::nullopt : std::optional<T>(form.get<T>());
}

json variable_form(const VariableSpec& v) {
  json values = json::array();
  for (const json& value : v.enum_values) {
    values.push_back(value);
  }
  return {{"name", v.name},
          {"type", static_cast<int>(v.type)},
          {"required", v.required},
          {"default", v.default_value ? json::array({*v.default_value}) : json()},
          {"description", v.description},
          {"enum", std::move(values)},
          {"pattern", optional_form(v.pattern)},
          {"pattern_at", location_form(v.pattern_location)},
          {"min_length", optional_form(v.min_length)},
          {"max_length", optional_form(v.max_length)},
          {"minimum", optional_form(v.minimum)},
          {"maximum", optional_form(v.maximum)},
          {"at", location_form(v.location)}};
}

VariableSpec variable_from(const json& form) {
  VariableSpec v;
  v.name = form.at("name").get<std::string>();
  v.type = static_cast<VarType>(form.at("type").get<int>());
  v.required = form.at("required").get<bool>();
  // Wrapped in an array: a default may itself be null.
  if (const json& value = form.at("default"); !value.is_null()) {
    v.default_value = value.at(0);
  }
  v.description = form.at("description").get<std::string>();
  for (const json& value : form.at("enum")) {
    v.enum_values.push_back(value);
  }
  v.pattern = optional_from<std::string>(form.at("pattern"));
  v.pattern_location = location_from(form.at("pattern_at"));
  v.min_length = optional_from<std::uint64_t>(form.at("min_length"));
  v.max_length = optional_from<std::uint64_t>(form.at("max_length"));
  v.minimum = optional_from<double>(form.at("minimum"));
  v.maximum = optional_from<double>(form.at("maximum"));
  v.location = location_from(form.at("at"));
  return v;
}

json model_form(const ModelSettings& m) {
  json locations = json::object();
  for (const auto& [key, where] : m.locations) {
    locations[key] = location_form(where);
  }
  return {{"provider", m.provider},
          {"name", m.name},
          {"temperature", optional_form(m.temperature)},
          {"top_p", optional_form(m.top_p)},
          {"max_tokens", optional_form(m.max_tokens)},
          {"seed", optional_form(m.seed)},
          {"stop", m.stop},
          {"response_format", optional_form(m.response_format)},
          {"reasoning_effort", optional_form(m.reasoning_effort)},
          {"response_schema", m.response_schema},
          {"schema_retries", m.schema_retries},
          {"tools", m.tools},
          {"tool_choice", optional_form(m.tool_choice)},
          {"fallback", m.fallback},
          {"locations", std::move(locations)}};
}

ModelSettings model_from(const json& form) {
  ModelSettings m;
  m.provider = form.at("provider").get<std::string>();
  m.name = form.at("name").get<std::string>();
  m.temperature = optional_from<double>(form.at("temperature"));
  m.top_p = optional_from<double>(form.at("top_p"));
  m.max_tokens = optional_from<std::int64_t>(form.at("max_tokens"));
  m.seed = optional_from<std::int64_t>(form.at("seed"));
  m.stop = form.at("stop").get<std::vector<std::string>>();
  m.response_format = optional_from<std::string>(form.at("response_format"));
  m.reasoning_effort = optional_from<std::string>(form.at("reasoning_effort"));
  m.response_schema = form.at("response_schema");
  m.schema_retries = form.at("schema_retries").get<int>();
  m.tools = form.at("tools");
  m.tool_choice = optional_from<std::string>(form.at("tool_choice"));
  m.fallback = form.at("fallback").get<std::vector<std::string>>();
  for (const auto& [key, where] : form.at("locations").items()) {
    m.locations[key] = location_from(where);
  }
  return m;
}

json output_form(const OutputSpec& o) {
  return {{"json", o.answer_is_json}, {"schema", o.schema},
          {"name", o.name},           {"strict", optional_form(o.strict)},
          {"retries", o.retries},     {"at", location_form(o.location)}};
}

OutputSpec output_from(const json& form) {
  OutputSpec o;
  o.answer_is_json = form.at("json").get<bool>();
  o.schema = form.at("schema");
  o.name = form.at("name").get<std::string>();
  o.strict = optional_from<bool>(form.at("strict"));
  o.retries = form.at("retries").get<int>();
  o.location = location_from(form.at("at"));
  return o;
}

json message_form(const MessageTemplate& m) {
  json images = json::array();
  for (const ImageSpec& image : m.images) {
    images.push_back({static_cast<int>(image.from), image.ref, location_form(image.location)});
  }
  return {{"role", m.role},
          {"content", m.content},
          {"origin", {m.origin.file, m.origin.line, m.origin.column, m.origin.indent}},
          {"parsed", m.parsed != nullptr},
          {"history", m.history},
          {"images", std::move(images)}};
}

MessageTemplate message_from(const json& form) {
  MessageTemplate m;
  m.role = form.at("role").get<std::string>();
  m.content = form.at("content").get<std::string>();
  const json& origin = form.at("origin");
  m.origin = {origin.at(0).get<std::string>(), origin.at(1).get<int>(), origin.at(2).get<int>(),
              origin.at(3).get<int>()};
  if (form.at("parsed").get<bool>()) {
    m.parsed = std::make_shared<const tmpl::Template>(tmpl::Template::parse(m.content, m.origin));
  }
  m.history = form.at("history").get<std::string>();
  for (const json& image : form.at("images")) {
    m.images.push_back({static_cast<ImageSpec::From>(image.at(0).get<int>()),
                        image.at(1).get<std::string>(), location_from(image.at(2))});
  }
  return m;
}

json test_form(const TestCase& t) {
  json assertions = json::array();
  for (const Assertion& a : t.assertions) {
    assertions.push_back({a.type, a.spec, location_form(a.location)});
  }
  json var_locations = json::array();
  for (const auto& [name, where] : t.var_locations) {
    var_locations.push_back({name, location_form(where)});
  }
  return {{"name", t.name},
          {"description", t.description},
          {"vars", t.vars},
          {"vars_file", t.vars_file},
          {"dataset", t.dataset},
          {"assert", std::move(assertions)},
          {"provider", optional_form(t.provider)},
          {"model", optional_form(t.model)},
          {"repeat", t.repeat},
          {"threshold", optional_form(t.threshold)},
          {"at", location_form(t.location)},
          {"var_locations", std::move(var_locations)}};
}

TestCase test_from(const json& form) {
  TestCase t;
  t.name = form.at("name").get<std::string>();
  t.description = form.at("description").get<std::string>();
  t.vars = form.at("vars");
  t.vars_file = form.at("vars_file").get<std::string>();
  t.dataset = form.at("dataset").get<std::string>();
  for (const json& a : form.at("assert")) {
    t.assertions.push_back({a.at(0).get<std::string>(), a.at(1), location_from(a.at(2))});
  }
  t.provider = optional_from<std::string>(form.at("provider"));
  t.model = optional_from<std::string>(form.at("model"));
  t.repeat = form.at("repeat").get<int>();
  t.threshold = optional_from<double>(form.at("threshold"));
  t.location = location_from(form.at("at"));
  for (const json& entry : form.at("var_locations")) {
    t.var_locations.emplace_back(entry.at(0).get<std::string>(), location_from(entry.at(1)));
  }
  return t;
}

template <class T, class Form>
json list_form(const std::vector<T>& items, Form form) {
  json list = json::array();
  for (const T& item : items) {
    list.push_back(form(item));
  }
  return list;
}

template <class T, class From>
std::vector<T> list_from(const json& form, From from) {
  std::vector<T> items;
  items.reserve(form.size());
  for (const json& item : form) {
    items.push_back(from(item));
  }
  return items;
}

}  // namespace

json compiled_form(const Prompt& p) {
  auto tool_form = [](const ToolSpec& tool) {
    return json::array(
        {tool.name, tool.description, tool.parameters, location_form(tool.location)});
  };
  auto file_form = [](const FileReference& file) {
    return json::array({file.path, location_form(file.location)});
  };
  return {{"name", p.name},
          {"path", p.path},
          {"description", p.description},
          {"tags", p.tags},
          {"category", p.category},
          {"owner", p.owner},
          {"model", p.model ? model_form(*p.model) : json()},
          {"output", p.output ? output_form(*p.output) : json()},
          {"tools", list_form(p.tools, tool_form)},
          {"tools_files", list_form(p.tools_files, file_form)},
          {"variables", list_form(p.variables, variable_form)},
          {"escape", static_cast<int>(p.escape)},
          {"template", p.template_text ? message_form(*p.template_text) : json()},
          {"messages", list_form(p.messages, message_form)},
          {"tests", list_form(p.tests, test_form)},
          {"ledger", p.ledger_store ? json(static_cast<int>(*p.ledger_store)) : json()},
          {"extensions", p.extensions}};
}

Prompt from_compiled_form(const json& form) {
  auto tool_from = [](const json& tool) {
    return ToolSpec{tool.at(0).get<std::string>(), tool.at(1).get<std::string>(), tool.at(2),
                    location_from(tool.at(3))};
  };
  auto file_from = [](const json& file) {
    return FileReference{file.at(0).get<std::string>(), location_from(file.at(1))};
  };
  Prompt p;
  p.name = form.at("name").get<std::string>();
  p.path = form.at("path").get<std::string>();
  p.description = form.at("description").get<std::string>();
  p.tags = form.at("tags").get<std::vector<std::string>>();
  p.category = form.at("category").get<std::string>();
  p.owner = form.at("owner").get<std::string>();
  if (const json& model = form.at("model"); !model.is_null()) {
    p.model = model_from(model);
  }
  if (const json& output = form.at("output"); !output.is_null()) {
    p.output = output_from(output);
  }
  p.tools = list_from<ToolSpec>(form.at("tools"), tool_from);
  p.tools_files = list_from<FileReference>(form.at("tools_files"), file_from);
  p.variables = list_from<VariableSpec>(form.at("variables"), variable_from);
  p.escape = static_cast<Escape>(form.at("escape").get<int>());
  if (const json& text = form.at("template"); !text.is_null()) {
    p.template_text = message_from(text);
  }
  p.messages = list_from<MessageTemplate>(form.at("messages"), message_from);
  p.tests = list_from<TestCase>(form.at("tests"), test_from);
  if (const json& store = form.at("ledger"); !store.is_null()) {
    p.ledger_store = static_cast<LedgerStore>(store.get<int>());
  }
  p.extensions = form.at("extensions");
  return p;
}

std::string CompiledPrompts::key_of(std::string_view name, const SourceFile& prompt_file,
                                    const std::optional<SourceFile>& tests_file) {
  // Each part with its length, so that no two different sets of parts run together alike.
  std::string material;
  auto add = [&material](std::string_view part) {
    material += std::to_string(part.size());
    material += ':';
    material += part;
  };
  add(k_header);
  add(build_info().version);
  add(name);
  add(prompt_file.path);
  add(prompt_file.text);
  if (tests_file) {
    add(tests_file->path);
    add(tests_file->text);
  }
  return util::sha256_hex(material);
}

std::filesystem::path CompiledPrompts::entry_file(std::string_view name) const {
  // A digest of the name, not the name: names hold folders, and no name must reach outside.
  return m_dir / util::sha256_hex(name);
}

std::optional<Prompt> CompiledPrompts::find(std::string_view name, const std::string& key) const {
  try {
    auto text = util::read_file_if_exists(entry_file(name), k_max_prompt_file_size * 4);
    std::size_t body = k_header.size() + key.size() + 1;
    if (!text || text->size() < body || !text->starts_with(k_header) ||
        std::string_view(*text).substr(k_header.size(), key.size()) != key ||
        (*text)[body - 1] != '\n') {
      return std::nullopt;
    }
    json form = json::from_cbor(text->begin() + static_cast<std::ptrdiff_t>(body), text->end());
    return from_compiled_form(form);
  } catch (const std::exception&) {
    return std::nullopt;  // damaged or unreadable: the prompt is parsed as if there were none
  }
}

void CompiledPrompts::store(std::string_view name, const std::string& key,
                            const Prompt& prompt) const {
  try {
    std::string text(k_header);
    text += key;
    text += '\n';
    json::to_cbor(compiled_form(prompt), text);
    util::write_file_atomic(entry_file(name), text, 0600, util::Durability::cache);
  } catch (const std::exception&) {
    // A read-only repository still renders its prompts; it only parses them each time.
  }
}

LoadResult load_compiled(const CompiledPrompts& cache, std::string_view name,
                         const SourceFile& prompt_file, const std::optional<SourceFile>& tests_file,
                         KeepCompiled keep) {
  std::string key = CompiledPrompts::key_of(name, prompt_file, tests_file);
  if (std::optional<Prompt> prompt = cache.find(name, key)) {
    LoadResult result;
    result.prompt = std::move(prompt);
    return result;
  }
  LoadResult result = load_from_files(name, prompt_file, tests_file);
  // A prompt that asks the ledger to keep less than its runs' text holds text that should stay
  // in its file alone (its tests' values): it is parsed each time.
  if (keep == KeepCompiled::yes && result.prompt && result.diagnostics.empty() &&
      result.prompt->ledger_store.value_or(LedgerStore::full) == LedgerStore::full) {
    cache.store(name, key, *result.prompt);
  }
  return result;
}

}  // namespace promptctl::prompt_detail
