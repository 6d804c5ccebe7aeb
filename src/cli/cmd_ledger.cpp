// promptctl ledger status|migrate: where the runs are recorded, and bringing a shared ledger up
// to this build's schema.
#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "promptctl/lineage.hpp"
#include "promptctl/recorder.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string action;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  one_of(sub.add_option("ACTION", o.action,
                        "status: where the ledger is and its schema; migrate: upgrade it")
             ->required(),
         {"status", "migrate"});
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

std::string version_words(int version) {
  return version == 0 ? "none yet" : std::to_string(version);
}

// The runs a failing ledger left in the spool, waiting for `runs import`.
std::vector<SpooledRuns> waiting_runs(const Workspace& workspace) {
  return workspace.state_dir() ? spooled_runs(state_paths(workspace).spool)
                               : std::vector<SpooledRuns>{};
}

int status(Session& session, const LedgerLocation& where, bool json) {
  LedgerStatus status = Ledger::status(where);
  std::vector<SpooledRuns> waiting = waiting_runs(session.workspace());
  if (json) {
    nlohmann::json document = status.to_json();
    document["unrecorded"] = nlohmann::json::array();
    for (const SpooledRuns& spooled : waiting) {
      document["unrecorded"].push_back({{"file", spooled.file.string()}, {"runs", spooled.runs}});
    }
    session.out().document(document);
    return 0;
  }
  session.out().line("ledger:   " + status.kind + " " + status.location);
  std::string schema = version_words(status.schema_version);
  if (status.schema_version > 0 && status.schema_version < Ledger::schema_version()) {
    schema += " (this promptctl writes " + std::to_string(Ledger::schema_version()) +
              ": 'promptctl ledger migrate')";
  } else if (status.schema_version > Ledger::schema_version()) {
    schema += " (newer than this promptctl reads: upgrade promptctl)";
  }
  session.out().line("schema:   " + schema);
  session.out().line("runs:     " + std::to_string(status.runs));
  for (const SpooledRuns& spooled : waiting) {
    std::string file = util::visible(spooled.file.string());
    session.out().line("unrecorded: " + util::counted(spooled.runs, "run") + " in " + file +
                       " ('promptctl runs import " + file + "')");
  }
  return 0;
}

int migrate(Session& session, const LedgerLocation& where, bool json) {
  int before = Ledger::migrate(where);
  int after = Ledger::schema_version();
  if (json) {
    session.out().document(
        {{"ledger_schema_version_before", before}, {"ledger_schema_version", after}});
  } else if (before == after) {
    session.out().line("the ledger is at schema version " + std::to_string(after) +
                       "; nothing to do");
  } else {
    session.out().line("migrated the ledger from schema version " + version_words(before) + " to " +
                       std::to_string(after));
  }
  return 0;
}

int run(Session& session, const Options& o) {
  LedgerLocation where = ledger_location(session.workspace());
  return o.action == "status" ? status(session, where, o.json) : migrate(session, where, o.json);
}

}  // namespace

extern const CommandSpec k_cmd_ledger{"ledger", "Show where runs are recorded, or migrate it",
                                      Completes::nothing, Setup::ledger,
                                      declare<Options, add_options, run>};

}  // namespace promptctl::cli
