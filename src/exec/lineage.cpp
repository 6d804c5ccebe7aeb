#include "promptctl/lineage.hpp"

#include <algorithm>
#include <cstdlib>

#include "promptctl/history.hpp"
#include "util/dates.hpp"
#include "util/fs.hpp"
#include "util/json_fields.hpp"
#include "util/json_input.hpp"
#include "util/json_writer.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"
#include "util/uuid.hpp"
#include "util/yaml.hpp"

namespace promptctl {

namespace fs = std::filesystem;

Lineage lineage_of(const ResolvedPrompt& resolved, const repo::Repository* repository) {
  Lineage lineage;
  lineage.prompt = resolved.prompt.name;
  if (resolved.revision) {
    lineage.revision = resolved.revision->expression;
    lineage.commit = resolved.revision->commit_id;
  } else if (repository) {
    try {
      lineage.commit = repository->resolve("HEAD").commit_id;
    } catch (const Error&) {
      // A repository without commits yet: the content hash still identifies the version.
    }
  }
  lineage.content_hash = content_identity(resolved.source(), resolved.prompt).hash;
  lineage.store = resolved.ledger_store;
  if (!resolved.revision && repository) {
    lineage.dirty = resolved.head_content_hash(*repository) != lineage.content_hash;
  }
  return lineage;
}

bool worth_recording(const CallResult& result) {
  return !result.replay_miss;
}

void follow_ledger_store(const Lineage& lineage, std::vector<ChatRequest>& chain) {
  for (ChatRequest& request : chain) {
    request.cache_answer = lineage.store == LedgerStore::full;
  }
}

std::shared_ptr<const telemetry::Attributes> trace_labels(const Lineage& lineage) {
  auto labels = std::make_shared<telemetry::Attributes>();
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      labels->emplace_back(key, value);
    }
  };
  add("gen_ai.prompt.name", lineage.prompt);
  add("promptctl.prompt.revision", lineage.revision);
  add("promptctl.prompt.content_hash", lineage.content_hash);
  add("promptctl.commit", lineage.commit);
  if (lineage.dirty) {
    labels->emplace_back("promptctl.dirty", true);
  }
  add("promptctl.environment", lineage.environment);
  add("promptctl.experiment", lineage.experiment);
  add("promptctl.variant", lineage.variant);
  return labels;
}

void label_for_traces(const std::shared_ptr<const telemetry::Attributes>& labels,
                      std::vector<ChatRequest>& chain) {
  for (ChatRequest& request : chain) {
    request.trace_attributes = labels;
  }
}

void label_for_traces(const Lineage& lineage, std::vector<ChatRequest>& chain) {
  label_for_traces(trace_labels(lineage), chain);
}

RunRecord make_run_record(const Lineage& lineage, const nlohmann::json& variables,
                          const CallResult& result) {
  RunRecord run;
  run.started_ms = result.started_ms;
  run.finished_ms = result.finished_ms;
  run.prompt = lineage.prompt;
  run.revision = lineage.revision;
  run.commit = lineage.commit;
  run.dirty = lineage.dirty;
  run.content_hash = lineage.content_hash;
  run.environment = lineage.environment;
  run.request = result.request.to_json();
  run.request_text.text = result.request.compact_json();
  run.request_hash = util::sha256_hex(run.request_text.text);  // ChatRequest::hash, made once
  run.variables = variables;
  run.provider = result.request.provider;
  run.model = result.request.model;
  run.output = result.ok ? result.response.text : "";
  if (result.ok) {
    run.tool_calls = tool_calls_json(result.response.tool_calls);
  }
  run.finish_reason = result.response.finish_reason;
  run.input_tokens = result.response.input_tokens;
  run.output_tokens = result.response.output_tokens;
  run.latency_ms = result.latency_ms;
  run.cost = result.cost;
  run.status = result.ok ? "ok" : "error";
  run.error = result.error;
  run.attempts = result.attempts;
  run.cached = result.cached;
  run.parent_id = lineage.parent_id;
  run.experiment = lineage.experiment;
  run.variant = lineage.variant;
  run.store = lineage.store;
  return run;
}

namespace {

// A run is recorded under the uid its span already carries.
void take_span_uid(RunRecord& run, const CallResult& result) {
  if (!result.uid.empty()) {
    run.uid = result.uid;
  }
}

template <typename Recorder>
RunRecord record_with(Recorder& recorder, const Lineage& lineage, const nlohmann::json& variables,
                      const CallResult& result) {
  RunRecord run = make_run_record(lineage, variables, result);
  if (worth_recording(result)) {
    take_span_uid(run, result);
    recorder.record(run, lineage.parent_uid);
  }
  return run;
}

}  // namespace

RunRecord record_run(RunRecorder& recorder, const Lineage& lineage, const nlohmann::json& variables,
                     const CallResult& result) {
  return record_with(recorder, lineage, variables, result);
}

void record_run(RunRecorder& recorder, const Lineage& lineage, const nlohmann::json& variables,
                const CallResult& result, const std::function<void(const RunRecord&)>& use) {
  RunRecord run = make_run_record(lineage, variables, result);
  if (!worth_recording(result)) {
    use(run);
    return;
  }
  take_span_uid(run, result);
  recorder.record(std::move(run), lineage.parent_uid, use);
}

RunRecord record_run(ReconnectingRecorder& recorder, const Lineage& lineage,
                     const nlohmann::json& variables, const CallResult& result) {
  return record_with(recorder, lineage, variables, result);
}

StatePaths state_paths(const Workspace& workspace) {
  std::optional<fs::path> state = workspace.state_dir();
  if (!state) {
    throw Error(ErrorKind::usage,
                "runs are recorded under the git directory, and '" + workspace.root().string() +
                    "' is not in a git work tree",
                {}, "run 'git init' there first");
  }
  // The ledger and the cache hold every rendered request, variable and answer: only the owner
  // may read them, whatever the umask.
  util::make_private_directory(*state);
  return {*state / "ledger.db", *state / "cache", *state / "unrecorded"};
}

namespace {

// A ledger URL from the committed settings sends every run (requests, variables, answers) where
// the repository chose: only to this machine, or to a database the user trusts.
void check_repository_ledger_url(const Workspace& workspace, const std::string& url) {
  if (ledger_url_names_only_this_machine(url)) {
    return;
  }
  const auto& providers = workspace.providers();
  const std::vector<std::string>& trusted = providers.begin()->second.trusted_endpoints;
  if (std::any_of(trusted.begin(), trusted.end(),
                  [&](const std::string& endpoint) { return util::url_is_under(url, endpoint); })) {
    return;
  }
  throw Error(ErrorKind::invalid_input,
              "refusing to record runs at " + printable_ledger_url(url) +
                  ": the repository's promptctl.yaml chose that database, and only the user "
                  "decides where runs go",
              {},
              "if you trust it, add it to PROMPTCTL_TRUSTED_ENDPOINTS or to trusted_endpoints "
              "in ~/.config/promptctl/config.yaml, or set PROMPTCTL_LEDGER_URL");
}

}  // namespace

LedgerLocation ledger_location(const Workspace& workspace) {
  if (const char* variable = std::getenv("PROMPTCTL_LEDGER_URL"); variable && *variable) {
    if (!is_postgresql_url(variable)) {
      throw Error(ErrorKind::usage,
                  "PROMPTCTL_LEDGER_URL '" + printable_ledger_url(variable) +
                      "' is not a PostgreSQL URL (postgresql://[user@]host[:port]/database)");
    }
    return {{}, variable};
  }
  if (const std::string& url = workspace.settings().ledger_url; !url.empty()) {
    check_repository_ledger_url(workspace, url);
    return {{}, url};
  }
  return {state_paths(workspace).ledger, {}};
}

ExecutionState open_execution_state(const Workspace& workspace) {
  StatePaths paths = state_paths(workspace);
  Ledger ledger = Ledger::open_at(ledger_location(workspace));
  if (auto retention = workspace.settings().ledger_retention_seconds) {
    (void)ledger.prune(util::now_ms() - *retention * 1000, false);
  }
  return ExecutionState{workspace.providers(), std::move(ledger), ResponseCache(paths.cache),
                        paths.spool};
}

void run_fields(const RunRecord& run, util::JsonFields& fields, nlohmann::json& output_json) {
  // The ledger's own JSON, less what belongs to `runs show` (request, variables, the end time).
  run.summary_fields(fields);
  if (!run.id) {
    fields.set("run_id", nullptr);  // not recorded
  }
  if (!run.started_ms) {
    fields.set("started_at", nullptr);
  }
  bool output_shown = run.status == "ok" && run.output_sha256.empty();
  if (run.status != "ok") {
    fields.set("output", nullptr);
  }
  // An answer asked for as JSON, parsed, so that a script need not parse the text again.
  static const nlohmann::json k_none = nlohmann::json::object();
  const nlohmann::json& asked =  // looked at where it is: no copy per line
      run.request.contains("parameters") ? run.request.at("parameters") : k_none;
  bool wants_json = asked.is_object() && (asked.value("response_format", "") == "json" ||
                                          asked.contains("response_schema"));
  if (output_shown && wants_json) {
    output_json = util::parse_json_input(run.output);
    if (!output_json.is_discarded()) {
      fields.set("output_json", &output_json);
    }
  }
}

nlohmann::json run_json(const RunRecord& run) {
  util::JsonFields fields;
  nlohmann::json output_json;
  run_fields(run, fields, output_json);
  return fields.to_json();
}

}  // namespace promptctl
