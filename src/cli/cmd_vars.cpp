// promptctl vars NAME: declared and used variables side by side.
#include "cli/command.hpp"
#include "promptctl/address.hpp"
#include "promptctl/analysis.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt: NAME, or NAME@REV for a commit")->required();
  sub.add_flag("--json", o.json, "Print the variables as JSON");
}

nlohmann::json entry_json(const VariableEntry& entry) {
  nlohmann::json out = entry.spec ? entry.spec->to_json()
                                  : nlohmann::json{{"name", entry.name},
                                                   {"type", nullptr},
                                                   {"required", nullptr},
                                                   {"description", nullptr},
                                                   {"default", nullptr}};
  out["declared"] = entry.spec.has_value();
  out["used"] = !entry.uses.empty();
  out["status"] = to_string(entry.status);
  nlohmann::json uses = nlohmann::json::array();
  for (const VariableUse& use : entry.uses) {
    uses.push_back({{"file", use.location.file},
                    {"line", use.location.line},
                    {"column", use.location.column},
                    {"partial", util::text_or_null(use.partial)}});
  }
  out["uses"] = uses;
  return out;
}

void print_table(const Output& out, const std::string& name,
                 const std::vector<VariableEntry>& entries);

int run(Session& session, const Options& o) {
  ResolvedPrompt resolved = resolve_prompt(session.workspace(), o.name);
  const Prompt& prompt = resolved.prompt;
  const std::string& name = prompt.name;
  PromptPartials partials(resolved.source());
  std::vector<VariableEntry> entries = variable_report(prompt, partials);
  Output& out = session.out();
  if (o.json) {
    nlohmann::json variables = nlohmann::json::array();
    for (const VariableEntry& entry : entries) {
      variables.push_back(entry_json(entry));
    }
    out.document({{"prompt", name},
                  {"variables", variables},
                  {"output", prompt.output ? prompt.output->to_json() : nlohmann::json(nullptr)}});
    return 0;
  }
  print_table(out, name, entries);
  // What comes back belongs beside what goes in: a script reading the answer needs its shape.
  if (prompt.output && !prompt.output->schema.is_null()) {
    out.line();
    out.line("answers with JSON to the schema '" + util::visible(prompt.output->name) + "':");
    out.line(prompt.output->schema.dump(2));
  }
  return 0;
}

void print_table(const Output& out, const std::string& name,
                 const std::vector<VariableEntry>& entries) {
  if (entries.empty()) {
    out.line(name + " has no variables");
    return;
  }
  // A default shows whole up to a point: a long one is cut rather than pushing the table apart.
  Table table({0, 0, 0, 32});
  table.header({"NAME", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION"});
  for (const VariableEntry& entry : entries) {
    std::vector<Cell> cells = {entry.name};
    if (entry.spec) {
      std::string def = entry.spec->default_value ? entry.spec->default_value->dump() : "-";
      cells.insert(cells.end(),
                   {std::string(to_string(entry.spec->type)), entry.spec->required ? "yes" : "no",
                    util::visible(def), util::visible(entry.spec->description)});
    } else {
      cells.insert(cells.end(), {"-", "-", "-", ""});
    }
    if (entry.status == VariableStatus::undeclared) {
      cells.back() = {cells.back().text + "(used but not declared)", Style::red};
    } else if (entry.status == VariableStatus::unused) {
      cells.emplace_back("(declared but not used)", Style::yellow);
    }
    table.row(std::move(cells));
  }
  table.print(out);
}

}  // namespace

extern const CommandSpec k_cmd_vars{"vars", "List a prompt's declared and used variables",
                                    Completes::prompt_names, Setup::workspace,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
