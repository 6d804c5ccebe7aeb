#include "promptctl/lint.hpp"

#include <algorithm>
#include <regex>
#include <tuple>

#include "promptctl/address.hpp"
#include "promptctl/analysis.hpp"
#include "promptctl/names.hpp"
#include "util/fs.hpp"
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
      std::regex compiled(*spec.pattern);
    } catch (const std::regex_error&) {
      add(out, Severity::error, spec.pattern_location,
          "invalid regular expression '" + *spec.pattern + "' for variable '" + spec.name + "'",
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

void check_tests(const Prompt& prompt, PromptPartials& partials, std::vector<Diagnostic>& out) {
  std::vector<std::string> used = used_variable_names(prompt, partials);
  for (const TestCase& test : prompt.tests) {
    for (const auto& [name, location] : test.var_locations) {
      bool known =
          prompt.find_variable(name) || std::find(used.begin(), used.end(), name) != used.end();
      if (!known) {
        add(out, Severity::error, location,
            "test '" + test.name + "' sets unknown variable '" + name + "'" +
                util::did_you_mean(name, prompt.variable_names()),
            "test-unknown-variable");
      }
    }
    for (const VariableSpec& spec : prompt.variables) {
      if (spec.required && !spec.default_value && !test.vars.contains(spec.name)) {
        add(out, Severity::error, test.location,
            "test '" + test.name + "' does not set required variable '" + spec.name + "'",
            "test-missing-variable");
      }
    }
  }
}

std::vector<Diagnostic> lint_one(Workspace& workspace, const std::string& name) {
  LoadResult loaded = workspace.load_checked(name);
  std::vector<Diagnostic> out = std::move(loaded.diagnostics);
  if (loaded.prompt) {
    PromptPartials partials(workspace);
    check_patterns(*loaded.prompt, out);
    check_partials(*loaded.prompt, partials, out);
    check_variables(*loaded.prompt, partials, out);
    check_tests(*loaded.prompt, partials, out);
  }
  // Read top to bottom, the way an editor shows a file (a tests file after its prompt).
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.file, a.location.line, a.location.column) <
           std::tie(b.location.file, b.location.line, b.location.column);
  });
  return out;
}

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
