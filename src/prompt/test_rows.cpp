#include "prompt/test_rows.hpp"

#include <algorithm>
#include <optional>

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

// Calls `visit` with where each text of the assertion's value that holds a tag is (relative to
// the value) and the text.
template <typename Visit>
void for_each_templated_text(const json& value, Visit visit) {
  if (may_be_template(value)) {
    visit(json::json_pointer(), value);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (may_be_template(value[i])) {
        visit(json::json_pointer() / i, value[i]);
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

// One templated text of an assertion's value: parsed, or why it does not parse.
struct AssertionValues::Text {
  std::size_t assertion = 0;
  json::json_pointer where;  ///< in the assertion's spec: /value, or /value/2 in a list
  std::optional<tmpl::Template> parsed;
  std::optional<Error> broken;
};

AssertionValues::AssertionValues(std::vector<Assertion> assertions)
    : m_assertions(std::move(assertions)) {
  for (std::size_t i = 0; i < m_assertions.size(); ++i) {
    const Assertion& assertion = m_assertions[i];
    if (!assertion.spec.is_object() || !assertion.spec.contains("value")) {
      continue;
    }
    for_each_templated_text(
        assertion.spec["value"], [&](const json::json_pointer& where, const json& text) {
          Text found{i, json::json_pointer("/value") / where, std::nullopt, std::nullopt};
          try {
            found.parsed = parse_value(text.get<std::string>(), assertion);
            add_top_level_names(*found.parsed, m_names);
          } catch (const Error& e) {
            found.broken = e;
          }
          m_texts.push_back(std::move(found));
        });
  }
}

AssertionValues::AssertionValues(AssertionValues&&) noexcept = default;
AssertionValues& AssertionValues::operator=(AssertionValues&&) noexcept = default;
AssertionValues::~AssertionValues() = default;

std::vector<Assertion> AssertionValues::for_row(const json& row) const {
  tmpl::RenderOptions options;  // strict: a name the row lacks is an error, not ""
  options.escape_html = false;
  std::vector<Assertion> assertions = m_assertions;
  for (const Text& text : m_texts) {
    Assertion& assertion = assertions[text.assertion];
    auto located = [&](const Error& e) {
      return Error(ErrorKind::invalid_input,
                   "the value of assertion '" + assertion.type + "': " + e.message(),
                   e.location().file.empty() ? assertion.location : e.location());
    };
    if (text.broken) {
      throw located(*text.broken);
    }
    try {
      assertion.spec[text.where] = tmpl::render(*text.parsed, row, options);
    } catch (const Error& e) {
      throw located(e);
    }
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
