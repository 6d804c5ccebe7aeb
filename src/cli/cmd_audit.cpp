// promptctl audit [NAME]: who created, changed, approved, released, deployed and rolled back
// what, and when.
#include "cli/command.hpp"
#include "cli/execution.hpp"
#include "promptctl/governance.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::string since;
  std::size_t limit = 0;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "Only this prompt");
  sub.add_option("--since", o.since, "Only events since DATE, e.g. '7 days ago' or 2026-01-31")
      ->type_name("DATE");
  sub.add_option("-n,--max-count", o.limit, "Show at most N events")->type_name("N");
  sub.add_flag("--json", o.json, "Print the events as JSON");
}

int run(Session& session, const Options& o) {
  std::string name = o.name.empty() ? "" : prompt_names({o.name}).front();
  std::optional<Ledger> ledger;
  if (session.workspace().state_dir()) {
    ledger.emplace(open_ledger(session));
  }
  std::vector<AuditEvent> events =
      audit_trail(session.workspace(), session.shared_repository(), name, since_option(o.since),
                  ledger ? &*ledger : nullptr);
  if (o.limit > 0 && events.size() > o.limit) {
    events.resize(o.limit);
  }
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const AuditEvent& event : events)
      list.push_back(event.to_json());
    out.document({{"events", list}});
    return 0;
  }
  Table table;
  for (const AuditEvent& e : events) {
    table.row({util::format_date(e.time, 0),
               {e.action, Style::bold},
               util::visible(e.prompt),
               e.revision.substr(0, 12),
               util::visible(e.environment),
               util::visible(e.who),
               util::visible(e.detail)});
  }
  table.print(out);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_audit{"audit", "Show who changed, approved and deployed what",
                                     Completes::prompt_names, Setup::ledger,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
