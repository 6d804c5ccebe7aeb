// What ties an execution to its prompt version, and where a repository keeps its execution
// state (ledger and cache) and finds its providers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "promptctl/address.hpp"
#include "promptctl/cache.hpp"
#include "promptctl/execute.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/recorder.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// The prompt version behind a run, and the labels it is recorded with.
struct Lineage {
  std::string prompt;
  std::string revision;      ///< as written after '@'; empty for the working tree
  std::string commit;        ///< the revision's commit, or HEAD's for the working tree
  bool dirty = false;        ///< from the working tree, with content that HEAD does not have
  std::string content_hash;  ///< ContentIdentity::hash
  std::string environment;
  std::optional<std::int64_t> parent_id;
  std::string parent_uid;  ///< of the run `parent_id` names
  std::string experiment;
  std::string variant;
  /// How much of the run the ledger keeps.
  LedgerStore store = LedgerStore::full;
};

/// The lineage of a loaded prompt. `repository` may be null (no git: no commit recorded).
Lineage lineage_of(const ResolvedPrompt& resolved, const repo::Repository* repository);

/// Whether a finished call belongs in the ledger: every call made, and every one that failed
/// for want of a key or a setting, but not a `--cache replay` miss, which sent nothing and
/// would count as a failure of a prompt that never ran.
bool worth_recording(const CallResult& result);

/// Keeps the answers to `chain` out of the response cache when the run's ledger keeps less
/// than everything: a cached answer would be the whole answer, stored in the clear.
void follow_ledger_store(const Lineage& lineage, std::vector<ChatRequest>& chain);

/// The lineage's attributes for a call's span in a trace: the prompt's name
/// (gen_ai.prompt.name), revision, content hash, commit, environment, experiment and variant.
/// Made once and shared by every call with that lineage.
std::shared_ptr<const telemetry::Attributes> trace_labels(const Lineage& lineage);
/// Gives each request of `chain` the labels for its span.
void label_for_traces(const std::shared_ptr<const telemetry::Attributes>& labels,
                      std::vector<ChatRequest>& chain);
/// The same with the lineage's labels, made for this chain alone.
void label_for_traces(const Lineage& lineage, std::vector<ChatRequest>& chain);

/// The ledger row for a finished call.
RunRecord make_run_record(const Lineage& lineage, const nlohmann::json& variables,
                          const CallResult& result);

/// The ledger row for a finished call, recorded by `recorder` when it belongs in the ledger
/// (`worth_recording`); its `id` is 0 when it was not recorded or went to the spool.
RunRecord record_run(RunRecorder& recorder, const Lineage& lineage, const nlohmann::json& variables,
                     const CallResult& result);
/// The same for a batch, which needs the run only for a moment: `use` sees it, and then a
/// recorder in groups keeps it until the group commits, without a copy.
void record_run(RunRecorder& recorder, const Lineage& lineage, const nlohmann::json& variables,
                const CallResult& result, const std::function<void(const RunRecord&)>& use);
/// The same for a process that lives on; throws `Error` (io) only when the spool fails too.
RunRecord record_run(ReconnectingRecorder& recorder, const Lineage& lineage,
                     const nlohmann::json& variables, const CallResult& result);

/// A run as `run --json` prints it (and `serve` answers a run): the ledger's summary, with null
/// for what a run that was not recorded lacks, and `output_json`, the answer parsed, when the
/// request asked for JSON.
nlohmann::json run_json(const RunRecord& run);
/// The same members, borrowed from `run` (and `output_json`, where the parsed answer is kept),
/// for writing without building the tree.
void run_fields(const RunRecord& run, util::JsonFields& fields, nlohmann::json& output_json);

/// Where the ledger and the response cache of a repository live: under the git directory.
struct StatePaths {
  std::filesystem::path ledger;
  std::filesystem::path cache;
  std::filesystem::path spool;  ///< runs a failing ledger could not take (`RunSpool`)
};
/// Throws `Error` (usage) when the repository is not inside a git work tree.
StatePaths state_paths(const Workspace& workspace);

/// Where the repository's runs are recorded: the PostgreSQL database PROMPTCTL_LEDGER_URL names
/// (which may hold a password: it is not committed), else `ledger: {url}`'s, else the file
/// under the git directory. Throws `Error` (usage) for a variable that is not such a URL, or
/// for a file ledger outside a git work tree.
LedgerLocation ledger_location(const Workspace& workspace);

/// The repository's providers (with the user configuration's), ledger and response cache,
/// opened together for commands that call models.
struct ExecutionState {
  std::map<std::string, ProviderSettings> providers;
  Ledger ledger;
  ResponseCache cache;
  /// Where runs go that the ledger fails to take (`RunRecorder`).
  std::filesystem::path spool;
  /// Where the calls' spans go; the front end owns it. Null: no spans.
  telemetry::Tracer* tracer = nullptr;
};
/// Opens them, pruning the ledger to `ledger.retention` first when the settings ask for it.
/// Throws `Error` for a broken user configuration, ledger or cache.
ExecutionState open_execution_state(const Workspace& workspace);

}  // namespace promptctl
