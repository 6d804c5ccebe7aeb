// What the commands that call models share: options for choosing the model and the cache, the
// ledger and cache of the repository, and the JSON shape of a run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "promptctl/cache.hpp"
#include "promptctl/execute.hpp"
#include "promptctl/experiments.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/lineage.hpp"

namespace promptctl::cli {

/// --provider, --model, --param, --cache, --no-cache, --stream, --no-stream, --verbose.
struct ModelOptions {
  std::string provider;
  std::string model;
  std::vector<std::string> params;
  std::string cache;
  bool no_cache = false;
  bool stream = false;
  bool no_stream = false;
  bool verbose = false;
};

/// Declares the options; `with_model` adds --provider, --model and --param.
void add_model_options(CLI::App& sub, ModelOptions& options, bool with_model);

/// `model` with --provider, --model and --param applied. Throws `Error` (usage) for a
/// parameter that is unknown or has a bad value.
ModelSettings apply_model_options(ModelSettings model, const ModelOptions& options,
                                  const std::map<std::string, ProviderSettings>& providers);

/// The cache mode the options ask for.
CacheMode cache_mode(const ModelOptions& options);

/// `promptctl::open_execution_state`, in a command that declared `Setup::ledger`.
ExecutionState open_execution_state(Session& session);
/// Only the ledger, for commands that read it.
Ledger open_ledger(Session& session);

/// One call made for a command that prints one answer.
struct SingleCall {
  CallResult result;
  bool streamed = false;  ///< the answer's text already went to stdout as it arrived
};
/// Makes the call (the requests of `chain` in order), streaming the answer to stdout when the
/// options ask for it or stdout is a terminal (never with `json`), with notices on stderr.
SingleCall call_once(const Output& out, ExecutionState& state,
                     const std::vector<ChatRequest>& chain, const ModelOptions& options, bool json);
/// Prints the recorded run of a single call (the answer, JSON, or the error) and returns the
/// command's exit code.
int report_single(const Output& out, const RunRecord& record, const SingleCall& call, bool json);

/// Records the run of a single call (in the spool when the ledger fails), prints it as
/// `report_single` does and returns the command's exit code.
int record_and_report(const Output& out, ExecutionState& state, const Lineage& lineage,
                      const nlohmann::json& variables, const SingleCall& call, bool json);

/// Says on stderr that the ledger failed and where the runs it did not record are kept, with
/// the command that records them.
void report_spooled(const Output& out, const RunRecorder& recorder);

/// Prints notices about retries and fallbacks on stderr, prefixed like other messages.
void print_notice(const Output& out, const std::string& notice);

/// After work that SIGINT or SIGTERM stopped (`util::GracefulStop`): says so on stderr with
/// `what_was_left`, and returns the exit code 128 + the signal. Returns 0 when nothing
/// stopped it.
int report_stop(const Output& out, const std::string& what_was_left);

/// A run's tool calls as text, a line each: "tool call: NAME ARGUMENTS (id ID)", with the
/// provider's names and ids made safe for a terminal.
std::string tool_call_lines(const nlohmann::json& calls);

/// With --experiment E --key K: which variant of E serves K, for the prompt argument `name`.
/// Nothing without --experiment. Throws `Error` (usage) for --key alone, an unknown
/// experiment, or a prompt that is not the experiment's.
std::optional<Assignment> experiment_assignment(Session& session, const std::string& name,
                                                const std::string& experiment,
                                                const std::string& key);

/// Declares --experiment and --key on a command.
void add_experiment_options(CLI::App& sub, std::string& experiment, std::string& key);

/// "2026-11-22 10:00:01" in UTC, for tables.
std::string format_time(std::int64_t ms);

/// "$0.000123", or "-" when unknown.
std::string format_cost(const std::optional<double>& cost);

}  // namespace promptctl::cli
