// promptctl deploys [NAME] [--env E]: the deploy and rollback history, from the pins file's
// commits.
#include "cli/command.hpp"
#include "promptctl/governance.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::string environment;
  std::size_t limit = 0;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "Only this prompt's pins");
  sub.add_option("--env", o.environment, "Only this environment")->type_name("ENV");
  sub.add_option("-n,--max-count", o.limit, "Show at most N changes")->type_name("N");
  sub.add_flag("--json", o.json, "Print the history as JSON");
}

int run(Session& session, const Options& o) {
  std::string name = o.name.empty() ? "" : prompt_names({o.name}).front();
  Workspace& workspace = session.workspace();
  if (!o.environment.empty()) {
    (void)environment_named(workspace.settings().environments, o.environment);
  }
  std::vector<PinChange> history =
      pin_history(workspace, session.repository(), name, o.environment);
  if (o.limit > 0 && history.size() > o.limit) {
    history.resize(o.limit);
  }
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PinChange& change : history)
      list.push_back(change.to_json());
    out.document({{"deploys", list}});
    return 0;
  }
  if (history.empty()) {
    out.line("No deploys yet.");
  }
  Table table;
  for (const PinChange& change : history) {
    std::string versions =
        (change.before ? change.before->commit.substr(0, 7) : std::string("(none)")) + " -> " +
        (change.after ? change.after->commit.substr(0, 7) : std::string("(removed)"));
    Style style = change.action == DeployAction::deploy || change.action == DeployAction::promote
                      ? Style::green
                      : Style::yellow;
    table.row({util::format_date(change.commit.author.time, change.commit.author.offset_minutes),
               {std::string(to_string(change.action)), style},
               util::visible(change.environment),
               util::visible(change.prompt),
               versions,
               util::visible(change.commit.author.name),
               change.commit.id.substr(0, 7)});
    if (!change.reason.empty()) {
      table.line("    reason: " + util::visible(change.reason));
    }
  }
  table.print(out);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_deploys{"deploys", "Show the deploy and rollback history",
                                       Completes::prompt_names, Setup::workspace,
                                       declare<Options, add_options, run>};

}  // namespace promptctl::cli
