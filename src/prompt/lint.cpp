#include "promptctl/lint.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "prompt/test_rows.hpp"
#include "promptctl/address.hpp"
#include "promptctl/analysis.hpp"
#include "promptctl/names.hpp"
#include "promptctl/requests.hpp"
#include "util/fs.hpp"
#include "util/regex.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

void add(std::vector<Diagnostic>& out, Severity severity, SourceLocation location,
         std::string message, std::string code) {
  out.push_back({severity, std::move(location), std::move(message), std::move(code)});
}

void check_variables(const Prompt& prompt, PromptPartials& partials, std::vector<Diagnostic>& out) {
  for (const VariableEntry& entry : variable_report(prompt, partials)) {
    if (entry.status == VariableStatus::undeclared) {
      for (const VariableUse& use : entry.uses) {
        std::string via = use.partial.empty() ? "" : " (in partial '" + use.partial + "')";
        add(out, Severity::error, use.location,
            "variable '" + entry.name + "' is used but not declared" + via +
                util::did_you_mean(entry.name, prompt.variable_names()),
            "undeclared-variable");
      }
    } else if (entry.status == VariableStatus::unused) {
      add(out, Severity::warning, entry.spec->location,
          "variable '" + entry.name + "' is declared but never used", "unused-variable");
    }
  }
}

void check_patterns(const Prompt& prompt, std::vector<Diagnostic>& out) {
  for (const VariableSpec& spec : prompt.variables) {
    if (!spec.pattern) {
      continue;
    }
    try {
      (void)util::Regex(*spec.pattern);
    } catch (const util::RegexError& e) {
      add(out, Severity::error, spec.pattern_location,
          "invalid regular expression '" + *spec.pattern + "' for variable '" + spec.name +
              "': " + e.what(),
          "pattern");
    }
  }
}

void check_partials(const Prompt& prompt, PromptPartials& partials, std::vector<Diagnostic>& out) {
  std::vector<const tmpl::Template*> roots;
  for (const MessageTemplate& message : prompt.messages) {
    if (!message.parsed) {
      continue;  // reported by the loader
    }
    roots.push_back(message.parsed.get());
    for (const tmpl::NameUse& use : message.parsed->names()) {
      if (use.kind != tmpl::UseKind::partial && use.kind != tmpl::UseKind::parent) {
        continue;
      }
      try {
        if (!partials.find(use.name)) {
          add(out, Severity::error, use.location, "unknown partial '" + use.name + "'",
              "unknown-partial");
        }
      } catch (const Error& e) {
        add(out, Severity::error, use.location,
            "partial '" + use.name + "' cannot be used: " + e.message(), "broken-partial");
      }
    }
  }
  try {
    if (std::string cycle = find_partial_cycle(roots, partials); !cycle.empty()) {
      add(out, Severity::error, {prompt.path, 1, 1},
          "partials include each other in a cycle: " + cycle, "partial-cycle");
    }
  } catch (const Error&) {
    // Broken partials were reported above.
  }
}

// "" for a test without a dataset (its one row), else " in rows 1, 4 and 9 of 'data.csv'".
std::string rows_text(const std::vector<std::size_t>& rows, std::size_t total,
                      const std::string& dataset) {
  if (dataset.empty()) {
    return "";
  }
  if (rows.size() == total) {
    return " in any row of '" + dataset + "'";
  }
  return " in " + util::numbered("row", rows) + " of '" + dataset + "'";
}

// What one test's rows lack or carry in vain; each problem once, with the rows it is in.
struct RowProblems {
  std::map<std::string, std::vector<std::size_t>> missing;  ///< required variable -> rows
  std::map<std::string, std::vector<std::size_t>> unknown;  ///< column -> rows
  /// a broken assertion value -> where, and the rows
  std::map<std::string, std::pair<SourceLocation, std::vector<std::size_t>>> values;
};

RowProblems row_problems(const Prompt& prompt, const TestCase& test,
                         const std::vector<nlohmann::json>& rows,
                         const prompt_detail::AssertionValues& assertions,
                         const std::function<bool(const std::string&)>& known) {
  RowProblems found;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json& row = rows[i];
    for (const VariableSpec& spec : prompt.variables) {
      if (spec.required && !spec.default_value && !row.contains(spec.name)) {
        found.missing[spec.name].push_back(i + 1);
      }
    }
    for (const auto& [column, value] : row.items()) {
      if (!test.vars.contains(column) && !known(column)) {
        found.unknown[column].push_back(i + 1);
      }
    }
    try {
      (void)assertions.for_row(row);
    } catch (const Error& e) {
      auto& [where, in_rows] = found.values[e.message()];
      where = e.location();
      in_rows.push_back(i + 1);
    }
  }
  return found;
}

// A test as it will run: its rows (its variables, or each row of its dataset) set every
// required variable, every value it sets is one the prompt or an assertion uses, and each
// assertion value that is a template finds its names in every row.
void check_test(const Prompt& prompt, const TestCase& test, PromptSource& source,
                const std::vector<Assertion>& shared, const std::vector<std::string>& used,
                std::vector<Diagnostic>& out) {
  std::vector<Assertion> all = shared;
  all.insert(all.end(), test.assertions.begin(), test.assertions.end());
  prompt_detail::AssertionValues assertions(std::move(all));
  auto known = [&](const std::string& name) {
    return prompt.find_variable(name) || std::find(used.begin(), used.end(), name) != used.end() ||
           assertions.names().contains(name);
  };
  for (const auto& [name, location] : test.var_locations) {
    if (!known(name)) {
      add(out, Severity::error, location,
          "test '" + test.name + "' sets unknown variable '" + name + "'" +
              util::did_you_mean(name, prompt.variable_names()),
          "test-unknown-variable");
    }
  }
  std::vector<nlohmann::json> rows;
  try {
    rows = prompt_detail::test_rows(test, source);
  } catch (const Error& e) {
    add(out, Severity::error, e.location().file.empty() ? test.location : e.location(),
        "test '" + test.name + "': " + e.message(), "test-data");
    return;
  }
  const std::string& file = test.dataset.empty() ? test.vars_file : test.dataset;
  RowProblems found = row_problems(prompt, test, rows, assertions, known);
  for (const auto& [name, in_rows] : found.missing) {
    add(out, Severity::error, test.location,
        "test '" + test.name + "' does not set required variable '" + name + "'" +
            rows_text(in_rows, rows.size(), test.dataset),
        "test-missing-variable");
  }
  for (const auto& [name, in_rows] : found.unknown) {
    add(out, Severity::error, test.location,
        "test '" + test.name + "': '" + file + "' sets '" + name + "'" +
            (in_rows.size() == rows.size() ? "" : rows_text(in_rows, rows.size(), test.dataset)) +
            ", which is neither a variable of the prompt nor used by an assertion" +
            util::did_you_mean(name, prompt.variable_names()),
        "test-unknown-variable");
  }
  for (const auto& [message, found_at] : found.values) {
    add(out, Severity::error, found_at.first,
        "test '" + test.name + "': " + message +
            rows_text(found_at.second, rows.size(), test.dataset),
        "test-assertion-value");
  }
}

void check_tests(const Prompt& prompt, PromptSource& source, const std::vector<Assertion>& shared,
                 PromptPartials& partials, std::vector<Diagnostic>& out) {
  std::vector<std::string> used = used_variable_names(prompt, partials);
  for (const TestCase& test : prompt.tests) {
    check_test(prompt, test, source, shared, used, out);
  }
}

// What the providers of the prompt's model and its fallbacks would refuse of its settings and
// messages, at the line that sets each value. A blank message template renders blank, which is
// all that can be known of messages before rendering; `run` checks the rendered ones.
void check_requests(const Prompt& prompt, const Workspace& workspace,
                    std::vector<Diagnostic>& out) {
  ModelSettings model = prompt.model_over(workspace.settings().default_model);
  const std::map<std::string, ProviderSettings>* providers = nullptr;
  std::vector<ModelRef> chain;
  try {
    providers = &workspace.providers();
    chain = model_chain(model, *providers);
  } catch (const Error&) {
    return;  // an unknown provider or model, or a broken user configuration: `run` says which
  }
  std::vector<ChatMessage> messages;
  for (const MessageTemplate& message : prompt.messages) {
    // A conversation's messages are known only when it is given: it stands for one turn here.
    messages.push_back(message.history.empty() ? ChatMessage{message.role, message.content}
                                               : ChatMessage{"user", "(" + message.history + ")"});
    for (const ImageSpec& image : message.images) {
      // A URL as it is; a file goes as data. A variable's image is known only when given.
      if (image.from != ImageSpec::From::variable) {
        messages.back().images.push_back(image.from == ImageSpec::From::url ? image.ref : "data:");
      }
    }
  }
  auto message_location = [&](std::optional<std::size_t> index) {
    if (prompt.messages.empty()) {
      return SourceLocation{prompt.path, 1, 1};
    }
    const tmpl::TextOrigin& origin = prompt.messages.at(index.value_or(0)).origin;
    return SourceLocation{origin.file, origin.line, origin.column};
  };
  for (const ModelRef& ref : chain) {
    ProviderType type = providers->at(ref.provider).type;
    std::string who = "'" + ref.to_string() + "' would refuse the request: ";
    for (const RequestProblem& problem : settings_problems(type, ref.model, model)) {
      auto where = model.locations.find(problem.field);
      add(out, Severity::error,
          where != model.locations.end() ? where->second : SourceLocation{prompt.path, 1, 1},
          who + problem.text, "provider-refuses");
    }
    for (const RequestProblem& problem : message_problems(type, messages)) {
      add(out, Severity::error, message_location(problem.message), who + problem.text,
          "provider-refuses");
    }
  }
}

// The image files the messages show must be in the repository.
void check_images(const Prompt& prompt, PromptSource& source, std::vector<Diagnostic>& out) {
  for (const MessageTemplate& message : prompt.messages) {
    for (const ImageSpec& image : message.images) {
      if (image.from != ImageSpec::From::file) {
        continue;
      }
      try {
        if (!source.read_data(image.ref)) {
          add(out, Severity::error, image.location,
              "the image file '" + util::printable(image.ref) + "' does not exist", "missing-file");
        }
      } catch (const Error& e) {
        add(out, Severity::error, image.location, e.message(), "missing-file");
      }
    }
  }
}

// Every problem of a loaded prompt file, whose partials and test data `source` holds.
std::vector<Diagnostic> check_loaded(LoadResult loaded, PromptSource& source,
                                     const Workspace& workspace) {
  std::vector<Diagnostic> out = std::move(loaded.diagnostics);
  if (loaded.prompt) {
    PromptPartials partials(source);
    check_patterns(*loaded.prompt, out);
    check_partials(*loaded.prompt, partials, out);
    check_variables(*loaded.prompt, partials, out);
    check_requests(*loaded.prompt, workspace, out);
    check_images(*loaded.prompt, source, out);
    check_tests(*loaded.prompt, source, workspace.settings().tests.defaults.assertions, partials,
                out);
  }
  // Read top to bottom, the way an editor shows a file (a tests file after its prompt).
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });
  return out;
}

std::vector<Diagnostic> lint_one(Workspace& workspace, const std::string& name) {
  return check_loaded(workspace.load_checked(name), workspace, workspace);
}

// The repository with one prompt file's text in place of the file, if it has one.
class WithText : public PromptSource {
 public:
  WithText(Workspace& workspace, std::string name, SourceFile file)
      : m_workspace(workspace), m_name(std::move(name)), m_file(std::move(file)) {}
  std::optional<SourceFile> read(std::string_view name) override {
    return name == m_name ? std::optional(m_file) : m_workspace.read(name);
  }
  std::optional<SourceFile> read_tests(std::string_view name) override {
    return m_workspace.read_tests(name);
  }
  std::optional<SourceFile> read_data(std::string_view relative) override {
    return m_workspace.read_data(relative);
  }

 private:
  Workspace& m_workspace;
  std::string m_name;
  SourceFile m_file;
};

void lint_repository_files(Workspace& workspace, std::vector<Diagnostic>& out) {
  for (const std::string& path : workspace.invalid_files()) {
    std::string name = path.substr(8, path.size() - 13);
    add(out, Severity::error, {path, 0, 0},
        "file name is not a valid prompt name: " + name_problem(name).value_or(""), "file-name");
  }
}

// Each variant resolved, of every experiment (when linting everything, which finds one on a
// prompt that does not exist) or of those on the prompts named.
void lint_experiments(Workspace& workspace, const std::vector<std::string>& names,
                      std::vector<Diagnostic>& out) {
  for (const Experiment& experiment : workspace.settings().experiments) {
    if (names.empty() || std::find(names.begin(), names.end(), experiment.prompt) != names.end()) {
      std::vector<Diagnostic> found = unresolved_variants(workspace, experiment);
      out.insert(out.end(), found.begin(), found.end());
    }
  }
}

}  // namespace

std::vector<Diagnostic> unresolved_variants(Workspace& workspace, const Experiment& experiment) {
  std::vector<Diagnostic> out;
  for (const ExperimentVariant& variant : experiment.variants) {
    std::string address =
        experiment.prompt + (variant.version.empty() ? "" : "@" + variant.version);
    try {
      (void)resolve_prompt(workspace, address);
    } catch (const Error& e) {
      add(out, Severity::error, variant.location,
          "variant '" + variant.name + "' of experiment '" + experiment.name + "': " + address +
              " does not load: " + e.what(),
          "experiment-variant");
    }
  }
  return out;
}

int LintReport::errors() const {
  return static_cast<int>(std::count_if(diagnostics.begin(), diagnostics.end(), [](const auto& d) {
    return d.severity == Severity::error;
  }));
}

int LintReport::warnings() const {
  return static_cast<int>(diagnostics.size()) - errors();
}

LintReport lint_text(Workspace& workspace, const std::string& name, SourceFile file) {
  WithText source(workspace, name, std::move(file));
  LintReport report;
  report.diagnostics = check_loaded(load_from_source(source, name), source, workspace);
  report.prompts_checked = 1;
  return report;
}

LintReport lint(Workspace& workspace, const std::vector<std::string>& names) {
  LintReport report;
  std::vector<std::string> targets = names.empty() ? workspace.list_names() : names;
  for (const std::string& name : targets) {
    if (!workspace.exists(name)) {
      throw workspace.not_found(name);
    }
  }
  if (names.empty()) {
    lint_repository_files(workspace, report.diagnostics);
  }
  for (const std::string& name : targets) {
    std::vector<Diagnostic> found = lint_one(workspace, name);
    report.diagnostics.insert(report.diagnostics.end(), found.begin(), found.end());
    ++report.prompts_checked;
  }
  lint_experiments(workspace, names, report.diagnostics);
  return report;
}

}  // namespace promptctl
