#include "prompt/test_rows.hpp"

#include <algorithm>

#include "prompt/test_data.hpp"
#include "promptctl/template.hpp"

namespace promptctl::prompt_detail {
namespace {

using nlohmann::json;

// Only a value that holds a tag is a template: a literal value costs nothing per row.
bool may_be_template(const json& value) {
  return value.is_string() && value.get_ref<const std::string&>().find("{{") != std::string::npos;
}

tmpl::Template parse_value(const std::string& text, const Assertion& assertion) {
  return tmpl::Template::parse(
      text, {assertion.location.file, assertion.location.line, assertion.location.column, 0});
}

// Calls `visit` with each text of the assertion's value that holds a tag.
template <typename Visit>
void for_each_templated_text(json& value, Visit visit) {
  if (may_be_template(value)) {
    visit(value);
  } else if (value.is_array()) {
    for (json& item : value) {
      if (may_be_template(item)) {
        visit(item);
      }
    }
  }
}

void add_top_level_names(const tmpl::Template& parsed, std::set<std::string>& names) {
  for (const tmpl::NameUse& use : parsed.names()) {
    bool is_value = use.kind == tmpl::UseKind::interpolation ||
                    use.kind == tmpl::UseKind::section || use.kind == tmpl::UseKind::inverted;
    if (is_value && use.sections.empty() && use.name != ".") {
      names.insert(use.name.substr(0, use.name.find('.')));
    }
  }
}

}  // namespace

SourceFile read_test_file(PromptSource& source, const std::string& path, const char* what) {
  std::optional<SourceFile> file = source.read_data(path);
  if (!file) {
    throw Error(ErrorKind::invalid_input, std::string(what) + " '" + path + "' does not exist");
  }
  return std::move(*file);
}

std::vector<json> test_rows(const TestCase& test, PromptSource& source) {
  json vars = test.vars;
  if (!test.vars_file.empty()) {
    vars = read_vars_file(read_test_file(source, test.vars_file, "the variables file"));
  }
  if (test.dataset.empty()) {
    return {vars};
  }
  std::vector<json> rows = read_dataset(read_test_file(source, test.dataset, "the dataset"));
  if (rows.empty()) {
    throw Error(ErrorKind::invalid_input, "the dataset '" + test.dataset + "' has no rows");
  }
  for (json& row : rows) {
    json merged = vars;
    merged.update(row);
    row = std::move(merged);
  }
  return rows;
}

std::set<std::string> assertion_value_names(const std::vector<Assertion>& assertions) {
  std::set<std::string> names;
  for (const Assertion& assertion : assertions) {
    json value = assertion_field(assertion, "value");
    for_each_templated_text(value, [&](json& text) {
      try {
        add_top_level_names(parse_value(text.get<std::string>(), assertion), names);
      } catch (const Error&) {
        // assertions_for_row reports it, at the row that runs it.
      }
    });
  }
  return names;
}

std::vector<Assertion> assertions_for_row(std::vector<Assertion> assertions, const json& row) {
  tmpl::RenderOptions options;  // strict: a name the row lacks is an error, not ""
  options.escape_html = false;
  for (Assertion& assertion : assertions) {
    if (!assertion.spec.is_object() || !assertion.spec.contains("value")) {
      continue;
    }
    for_each_templated_text(assertion.spec["value"], [&](json& text) {
      try {
        text = tmpl::render(parse_value(text.get<std::string>(), assertion), row, options);
      } catch (const Error& e) {
        throw Error(ErrorKind::invalid_input,
                    "the value of assertion '" + assertion.type + "': " + e.message(),
                    e.location().file.empty() ? assertion.location : e.location());
      }
    });
  }
  return assertions;
}

json prompt_values_of_row(const json& row, const std::set<std::string>& assertion_names,
                          const Prompt& prompt, const std::vector<std::string>& used) {
  json values = json::object();
  for (const auto& [name, value] : row.items()) {
    bool only_for_assertions = assertion_names.contains(name) && !prompt.find_variable(name) &&
                               std::find(used.begin(), used.end(), name) == used.end();
    if (!only_for_assertions) {
      values[name] = value;
    }
  }
  return values;
}

}  // namespace promptctl::prompt_detail
