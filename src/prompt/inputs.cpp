// Variable inputs from the command line and files, checked against declarations.
#include "prompt/reader.hpp"
#include "promptctl/render.hpp"
#include "util/base64.hpp"
#include "util/fs.hpp"
#include "util/json_input.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl {

using nlohmann::json;

void Inputs::add_assignment(std::string_view assignment) {
  size_t equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw Error(ErrorKind::usage, "invalid --var '" + util::printable(assignment) +
                                      "': expected NAME=VALUE or NAME=@FILE");
  }
  std::string name(assignment.substr(0, equals));
  std::string_view value = assignment.substr(equals + 1);
  if (!util::is_identifier(name)) {
    throw Error(ErrorKind::usage, "invalid variable name '" + util::printable(name) + "' in --var");
  }
  if (util::invalid_utf8_at(value)) {
    throw Error(ErrorKind::invalid_input, "the value of --var '" + name + "' is not valid UTF-8");
  }
  if (value.starts_with("@")) {
    std::string path(value.substr(1));
    std::string content = path == "-" ? util::read_stdin() : util::read_file(path);
    if (std::optional<std::string> media_type = prompt_detail::image_media_type(path)) {
      // An image goes as a data URI, the value a variable of type image takes.
      values[name] = "data:" + *media_type + ";base64," + util::base64_encode(content);
      textual.insert(name);
      return;
    }
    if (auto bad = util::invalid_utf8_at(content)) {
      auto [line, column] = util::line_and_column(content, *bad);
      throw Error(ErrorKind::invalid_input, "file is not valid UTF-8", {path, line, column});
    }
    values[name] = std::move(content);
  } else {
    values[name] = std::string(value);
  }
  textual.insert(name);
}

void Inputs::add_file(const std::string& path) {
  std::string text = path == "-" ? util::read_stdin() : util::read_file(path);
  std::string shown = path == "-" ? "<stdin>" : path;
  if (auto bad = util::invalid_utf8_at(text)) {
    auto [line, column] = util::line_and_column(text, *bad);
    throw Error(ErrorKind::invalid_input, "file is not valid UTF-8", {shown, line, column});
  }
  json parsed;
  try {
    parsed = util::yaml_to_json(util::parse_yaml(text, shown));
  } catch (const Error& e) {
    throw Error(e.kind(), e.message(), {shown, e.location().line, e.location().column});
  }
  if (parsed.is_null()) {
    return;  // an empty file sets nothing
  }
  if (!parsed.is_object()) {
    throw Error(ErrorKind::invalid_input, "a variables file must hold a mapping of names to values",
                {shown, 1, 1});
  }
  add_values(parsed);
}

void Inputs::add_values(const json& object) {
  for (const auto& [key, value] : object.items()) {
    values[key] = value;
    textual.erase(key);
  }
}

json bind_inputs(const Prompt& prompt, const Inputs& inputs, const std::vector<std::string>& used,
                 bool lenient) {
  json bound = json::object();
  std::vector<Diagnostic> problems;
  auto problem = [&](std::string message) {
    problems.push_back({Severity::error, {}, std::move(message), "input"});
  };
  for (const auto& [name, given] : inputs.values.items()) {
    const VariableSpec* spec = prompt.find_variable(name);
    if (!spec) {
      bool is_used = std::find(used.begin(), used.end(), name) != used.end();
      if (is_used || lenient) {
        bound[name] = given;
      } else {
        problem("unknown variable '" + name + "'" +
                util::did_you_mean(name, prompt.variable_names()));
      }
      continue;
    }
    try {
      json value = inputs.textual.count(name) ? spec->from_text(given.get<std::string>()) : given;
      for (std::string& message : spec->check(value)) {
        problem(std::move(message));
      }
      bound[name] = std::move(value);
    } catch (const Error& e) {
      problem(e.message());
    }
  }
  for (const VariableSpec& spec : prompt.variables) {
    if (bound.contains(spec.name)) {
      continue;
    }
    if (spec.default_value) {
      bound[spec.name] = *spec.default_value;
    } else if (spec.required && !lenient) {
      std::string about = spec.description.empty() ? "" : " (" + spec.description + ")";
      problem("missing required variable '" + spec.name + "'" + about);
    }
  }
  if (!problems.empty()) {
    std::string summary = problems.size() == 1
                              ? problems.front().message
                              : std::to_string(problems.size()) +
                                    " problems with the variables of '" + prompt.name + "'";
    throw Error(ErrorKind::invalid_input, summary)
        .with_details(problems.size() == 1 ? std::vector<Diagnostic>{} : problems);
  }
  return bound;
}

VariableRow read_variable_row(std::string_view line, int line_number) {
  VariableRow row;
  row.line = line_number;
  bool too_deep = false;
  json parsed = util::parse_json_input(line, &too_deep);
  if (too_deep) {
    row.error = "nested more than " + std::to_string(util::k_max_json_depth) + " levels deep";
  } else if (parsed.is_discarded()) {
    row.error = "not valid JSON";
  } else if (!parsed.is_object()) {
    row.error = "not a JSON object of variables";
  }
  if (row.error.empty()) {
    row.values = std::move(parsed);
  } else {
    row.text = std::string(line);  // a good row's values say all: a batch keeps no second copy
  }
  return row;
}

std::vector<VariableRow> read_variable_rows(std::string_view text) {
  std::vector<VariableRow> rows;
  int line_number = 0;
  for (std::string_view line : util::split(text, '\n')) {
    ++line_number;
    if (!util::trim(line).empty()) {
      rows.push_back(read_variable_row(line, line_number));
    }
  }
  return rows;
}

}  // namespace promptctl
