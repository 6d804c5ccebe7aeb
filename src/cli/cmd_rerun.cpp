// promptctl rerun ID: send a recorded run's exact request again, as a new run linked to it; or,
// with --tool-result, go on from a run whose model called tools, with their results.
#include <algorithm>

#include "cli/execution.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string id;
  std::vector<std::string> tool_results;
  bool json = false;
  ModelOptions model;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("ID", o.id, "The run to repeat (see 'promptctl runs')")->required();
  sub.add_option("--tool-result", o.tool_results,
                 "Answer a call the run's model made and go on from there: CALL_ID=TEXT or "
                 "CALL_ID=@FILE (repeat for each call)")
      ->type_name("ID=VALUE");
  sub.add_flag("--json", o.json, "Print the new run as JSON");
  add_model_options(sub, o.model, false);
}

// The result given for each call, by call id: TEXT, or the contents of FILE for @FILE.
std::map<std::string, std::string> read_tool_results(const std::vector<std::string>& given) {
  std::map<std::string, std::string> results;
  for (const std::string& assignment : given) {
    std::size_t equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw Error(ErrorKind::usage,
                  "--tool-result needs CALL_ID=VALUE, not '" + util::printable(assignment) + "'");
    }
    std::string id = assignment.substr(0, equals);
    std::string value = assignment.substr(equals + 1);
    if (value.starts_with("@")) {
      value = util::read_file(value.substr(1));
    }
    if (!results.emplace(id, std::move(value)).second) {
      throw Error(ErrorKind::usage, "--tool-result gives call '" + util::printable(id) + "' twice");
    }
  }
  return results;
}

// The run's conversation, then the model's calls and a result for each of them, in order.
void add_tool_results(ChatRequest& request, const RunRecord& original,
                      std::map<std::string, std::string> results) {
  std::string run = "run " + std::to_string(original.id);
  if (original.status != "ok" || original.tool_calls.empty()) {
    throw Error(ErrorKind::invalid_input, run + " made no tool calls to give results to");
  }
  ChatMessage asked("assistant", original.output);
  for (const nlohmann::json& item : original.tool_calls) {
    std::optional<ToolCall> call = ToolCall::from_json(item);
    if (!call) {
      throw Error(ErrorKind::invalid_input, run + " has a tool call that cannot be read");
    }
    asked.tool_calls.push_back(std::move(*call));
  }
  std::vector<std::string> ids;
  for (const ToolCall& call : asked.tool_calls) {
    ids.push_back(call.id);
  }
  for (const auto& [id, result] : results) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      throw Error(ErrorKind::usage,
                  "--tool-result names '" + util::printable(id) + "', which is not a call of " +
                      run + util::did_you_mean(id, ids),
                  {}, "its calls: " + util::join(ids, ", "));
    }
  }
  request.messages.push_back(asked);
  for (const ToolCall& call : asked.tool_calls) {
    auto found = results.find(call.id);
    if (found == results.end()) {
      throw Error(ErrorKind::usage, "call '" + util::printable(call.id) + "' (" +
                                        util::printable(call.name) + ") of " + run +
                                        " has no --tool-result; the API wants every call answered");
    }
    ChatMessage result("tool", std::move(found->second));
    result.tool_call_id = call.id;
    request.messages.push_back(std::move(result));
  }
}

int run(Session& session, const Options& o) {
  ExecutionState state = open_execution_state(session);
  std::int64_t id = run_id_of(state.ledger, o.id);
  RunRecord original = state.ledger.get(id);
  if (original.store != LedgerStore::full) {
    throw Error(ErrorKind::invalid_input,
                "run " + std::to_string(id) + " was recorded with ledger store '" +
                    std::string(to_string(original.store)) +
                    "', so its request was not kept and cannot be sent again",
                {}, "run the prompt again with 'promptctl run'");
  }
  ChatRequest request = ChatRequest::from_json(original.request);
  if (!o.tool_results.empty()) {
    add_tool_results(request, original, read_tool_results(o.tool_results));
  }
  if (!state.providers.contains(request.provider)) {
    throw Error(ErrorKind::invalid_input, "run " + std::to_string(id) + " used provider '" +
                                              request.provider + "', which is not configured now");
  }
  Lineage lineage{.prompt = original.prompt,
                  .revision = original.revision,
                  .commit = original.commit,
                  .dirty = original.dirty,
                  .content_hash = original.content_hash,
                  .environment = original.environment,
                  .parent_id = original.id,
                  .parent_uid = original.uid,
                  .experiment = original.experiment,
                  .variant = original.variant,
                  .store = original.store};
  std::vector<ChatRequest> chain{std::move(request)};
  label_for_traces(lineage, chain);
  SingleCall call = call_once(session.out(), state, chain, o.model, o.json);
  return record_and_report(session.out(), state, lineage, original.variables, call, o.json);
}

}  // namespace

extern const CommandSpec k_cmd_rerun{"rerun", "Send a recorded run's request again",
                                     Completes::run_ids, Setup::ledger,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
