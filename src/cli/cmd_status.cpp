// promptctl status: prompts changed since HEAD, and whether each lints clean.
#include "cli/command.hpp"
#include "promptctl/changes.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  bool json = false;
  bool no_lint = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_flag("--no-lint", o.no_lint, "Do not lint the changed prompts");
  sub.add_flag("--json", o.json, "Print the changes as JSON");
}

std::string lint_text(const std::optional<std::pair<int, int>>& counts) {
  if (!counts) {
    return "";
  }
  auto [errors, warnings] = *counts;
  if (errors == 0 && warnings == 0) {
    return "lint: ok";
  }
  return "lint: " + util::counted(errors, "error") + ", " + util::counted(warnings, "warning");
}

nlohmann::json change_json(const PromptChange& change) {
  nlohmann::json lint = nullptr;
  if (change.lint) {
    lint = {{"errors", change.lint->first}, {"warnings", change.lint->second}};
  }
  return {{"name", change.name},
          {"subject", to_string(change.subject)},
          {"status", to_string(change.kind)},
          {"old_name", util::text_or_null(change.old_name)},
          {"paths", change.paths},
          {"lint", lint},
          {"used_by", change.used_by}};
}

int run(Session& session, const Options& o) {
  std::vector<PromptChange> changes =
      prompt_changes(session.workspace(), session.repository(), !o.no_lint);
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PromptChange& change : changes) {
      list.push_back(change_json(change));
    }
    out.document({{"clean", changes.empty()}, {"changes", list}});
    return 0;
  }
  if (changes.empty()) {
    out.line("nothing changed since HEAD");
    return 0;
  }
  Table table;
  for (const PromptChange& change : changes) {
    std::string name =
        change.old_name.empty() ? change.name : change.old_name + " -> " + change.name;
    bool failing = change.lint && change.lint->first + change.lint->second > 0;
    Cell note = change.subject == Subject::data
                    ? Cell("read by the tests of " + util::join(change.used_by, ", "))
                    : Cell(lint_text(change.lint), failing ? Style::red : Style::green);
    table.row({std::string(to_string(change.kind)), util::visible(name), note});
  }
  table.print(out);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_status{"status", "Show prompts changed since HEAD",
                                      Completes::nothing, Setup::workspace,
                                      declare<Options, add_options, run>};

}  // namespace promptctl::cli
