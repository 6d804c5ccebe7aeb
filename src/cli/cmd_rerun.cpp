// promptctl rerun ID: send a recorded run's exact request again, as a new run linked to it.
#include "cli/execution.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string id;
  bool json = false;
  ModelOptions model;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("ID", o.id, "The run to repeat (see 'promptctl runs')")->required();
  sub.add_flag("--json", o.json, "Print the new run as JSON");
  add_model_options(sub, o.model, false);
}

int run(Session& session, const Options& o) {
  std::int64_t id = parse_run_id(o.id);
  ExecutionState state = open_execution_state(session);
  RunRecord original = state.ledger.get(id);
  if (original.store != LedgerStore::full) {
    throw Error(ErrorKind::invalid_input,
                "run " + std::to_string(id) + " was recorded with ledger store '" +
                    std::string(to_string(original.store)) +
                    "', so its request was not kept and cannot be sent again",
                {}, "run the prompt again with 'promptctl run'");
  }
  ChatRequest request = ChatRequest::from_json(original.request);
  if (!state.providers.contains(request.provider)) {
    throw Error(ErrorKind::invalid_input, "run " + std::to_string(id) + " used provider '" +
                                              request.provider + "', which is not configured now");
  }
  SingleCall call = call_once(session.out(), state, {request}, o.model, o.json);
  Lineage lineage{.prompt = original.prompt,
                  .revision = original.revision,
                  .commit = original.commit,
                  .dirty = original.dirty,
                  .content_hash = original.content_hash,
                  .environment = original.environment,
                  .parent_id = original.id,
                  .experiment = original.experiment,
                  .variant = original.variant,
                  .store = original.store};
  RunRecord record = record_run(&state.ledger, lineage, original.variables, call.result);
  return report_single(session.out(), record, call, o.json);
}

}  // namespace

extern const CommandSpec k_cmd_rerun{"rerun", "Send a recorded run's request again",
                                     Completes::run_ids, Setup::ledger,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
