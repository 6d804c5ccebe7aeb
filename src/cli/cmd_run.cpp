// promptctl run NAME[@REV]: render a prompt, call its model, record the run in the ledger.
// With --input, one call per JSONL row, several at once, results in input order.
#include <cstdlib>

#include "cli/execution.hpp"
#include "cli/exit_codes.hpp"
#include "cli/run_batch.hpp"
#include "promptctl/address.hpp"
#include "promptctl/check.hpp"
#include "promptctl/prepared.hpp"
#include "util/fs.hpp"
#include "util/line_reader.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::vector<std::string> vars;
  std::vector<std::string> var_files;
  std::string input;
  std::string output;
  bool resume = false;
  std::size_t jobs = 8;
  std::string environment;
  bool json = false;
  bool lenient = false;
  ModelOptions model;
  std::string experiment;
  std::string key;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt to run: NAME, NAME@REV or NAME@X.Y.Z")->required();
  sub.add_option("--var", o.vars, "Set a variable: NAME=VALUE, or NAME=@FILE for a file's content")
      ->type_name("NAME=VALUE");
  sub.add_option("--var-file", o.var_files,
                 "Read variables from a YAML or JSON mapping; '-' reads standard input")
      ->type_name("FILE");
  sub.add_option("--input", o.input,
                 "Run once per line of a JSONL file (each line a mapping of variables, on top "
                 "of --var and --var-file); '-' reads standard input")
      ->type_name("FILE");
  sub.add_option("-o,--output", o.output,
                 "With --input: write the JSON lines to FILE, each whole and flushed as it is "
                 "written, instead of standard output")
      ->type_name("FILE");
  sub.add_flag("--resume", o.resume,
               "With -o: keep the rows FILE already answers (same row, same input) and run "
               "only the others, appending to FILE");
  sub.add_option("-j,--jobs", o.jobs, "With --input: how many calls run at once (default 8)")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  sub.add_option("--env", o.environment,
                 "The environment this run serves, recorded in the ledger (default: ENV of "
                 "NAME@ENV, else $PROMPTCTL_ENV)")
      ->type_name("ENV");
  sub.add_flag("--json", o.json,
               "Print the result as JSON (with --input: one JSON line per row, in input order)");
  add_experiment_options(sub, o.experiment, o.key);
  sub.add_flag("--lenient", o.lenient,
               "Missing variables render empty and unknown ones are ignored");
  add_model_options(sub, o.model, true);
}

// The variables of --var-file and --var, read once: standard input and pipes can be read only
// once, and a batch should not parse the same file for every row.
Inputs command_line_inputs(const Options& o) {
  bool stdin_is_input = o.input == "-";
  Inputs inputs;
  for (const std::string& file : o.var_files) {
    if (stdin_is_input && file == "-") {
      throw Error(ErrorKind::usage, "--input - and --var-file - both read standard input");
    }
    inputs.add_file(file);
  }
  for (const std::string& assignment : o.vars) {
    if (stdin_is_input && assignment.ends_with("=@-")) {
      throw Error(ErrorKind::usage, "--input - and --var NAME=@- both read standard input");
    }
    inputs.add_assignment(assignment);
  }
  return inputs;
}

// What every row of a run shares: its lineage, and the lineage's labels for traces, made once.
struct RowLineage {
  const Lineage& lineage;
  std::shared_ptr<const telemetry::Attributes> labels;
};

// The prompt made ready to render (its partials loaded and checked) once for every row, when
// the first row needs it: a preparation that fails is retried, and fails each row alike.
class RowRenderer {
 public:
  explicit RowRenderer(const ResolvedPrompt& resolved) : m_resolved(resolved) {}

  [[nodiscard]] RenderedPrompt render(const Inputs& inputs, const RenderSettings& settings) {
    if (!m_prepared) {
      // `resolved` outlives the renderer: its prompt is borrowed, not copied.
      std::shared_ptr<const Prompt> borrowed(std::shared_ptr<void>(), &m_resolved.prompt);
      m_prepared = std::make_unique<PreparedPrompt>(borrowed, m_resolved.source(), m_source_lock);
    }
    return m_prepared->render(inputs, m_resolved.default_model, settings);
  }

 private:
  const ResolvedPrompt& m_resolved;
  std::mutex m_source_lock;  // rows are rendered on one thread: nothing else takes it
  std::unique_ptr<PreparedPrompt> m_prepared;
};

// One row (or the single run's variables) rendered and planned. A problem throws `Error`.
PlannedRow plan_row(const Options& o, const Inputs& given, const ResolvedPrompt& resolved,
                    RowRenderer& renderer, const RowLineage& lineage, const nlohmann::json& values,
                    const std::map<std::string, ProviderSettings>& providers) {
  Inputs inputs = given;
  inputs.add_values(values);
  RenderSettings settings = resolved.render_settings;
  settings.lenient = o.lenient;
  RenderedPrompt rendered = renderer.render(inputs, settings);
  ModelSettings model = apply_model_options(std::move(rendered.model), o.model, providers);
  PlannedRow planned;
  planned.variables = std::move(rendered.variables);
  planned.call = plan_requests(std::move(rendered.messages), std::move(model), providers);
  follow_ledger_store(lineage.lineage, *planned.call);
  label_for_traces(lineage.labels, *planned.call);
  return planned;
}

// In a batch, a row that cannot be planned is reported as its line, with every detail.
RowPlanner batch_planner(const Options& o, const Inputs& given, const ResolvedPrompt& resolved,
                         const Lineage& lineage,
                         const std::map<std::string, ProviderSettings>& providers) {
  return [&, row_lineage = RowLineage{lineage, trace_labels(lineage)},
          renderer = std::make_shared<RowRenderer>(resolved)](const BatchRow& row) {
    try {
      return plan_row(o, given, resolved, *renderer, row_lineage, row.values, providers);
    } catch (const Error& e) {
      PlannedRow failed;
      failed.error = e.what();
      for (const Diagnostic& detail : e.details()) {
        failed.error += "; " + detail.message;
      }
      failed.variables = row.values;
      return failed;
    }
  };
}

int run_single(Session& session, const Options& o, ExecutionState& state, const Lineage& lineage,
               const ResolvedPrompt& resolved) {
  RowRenderer renderer(resolved);
  PlannedRow planned =
      plan_row(o, command_line_inputs(o), resolved, renderer, {lineage, trace_labels(lineage)},
               nlohmann::json::object(), state.providers);
  SingleCall call = call_once(session.out(), state, *planned.call, o.model, o.json);
  return record_and_report(session.out(), state, lineage, planned.variables, call, o.json);
}

// --resume reads the input twice, once to match the output file's answers and once to run:
// standard input, which can be read only once, is kept in a private temporary file.
std::string saved_stdin(std::optional<util::TemporaryFile>& saved) {
  saved.emplace("promptctl-input");
  util::LineReader in("-");
  util::AtomicFileWriter copy(saved->path(), 0600);
  std::string line;
  bool whole = false;
  while (in.next(line, &whole)) {
    copy.write(whole ? line + "\n" : line);
  }
  copy.commit();
  return saved->path();
}

int run_many(Session& session, const Options& o, ExecutionState& state, const Lineage& lineage,
             const ResolvedPrompt& resolved) {
  const Inputs given = command_line_inputs(o);
  BatchOutput output{o.json, o.output, o.resume};
  std::optional<util::TemporaryFile> saved;
  std::string path = o.input == "-" && o.resume ? saved_stdin(saved) : o.input;
  std::vector<bool> answered = prepare_output_file(output, path);
  BatchInput input(path, std::move(answered), o.input == "-" ? "<stdin>" : "");
  BatchExecution execution{o.jobs, cache_mode(o.model), o.model.verbose};
  return run_batch(session.out(), state, lineage, input,
                   batch_planner(o, given, resolved, lineage, state.providers), execution, output);
}

// The environment label of a run: --env, else ENV of NAME@ENV, else $PROMPTCTL_ENV.
std::string environment_of(Session& session, const Options& o) {
  if (!o.environment.empty()) {
    return o.environment;
  }
  std::string pinned_by = parse_address(o.name).revision;
  if (find_environment(session.workspace().settings().environments, pinned_by)) {
    return pinned_by;
  }
  const char* variable = std::getenv("PROMPTCTL_ENV");
  return variable ? variable : "";
}

int run(Session& session, const Options& given) {
  Options o = given;
  if (o.model.stream && !o.input.empty()) {
    throw Error(ErrorKind::usage, "--stream prints one answer; it does not go with --input");
  }
  if (o.input.empty() && (!o.output.empty() || o.resume)) {
    throw Error(ErrorKind::usage, std::string(o.resume ? "--resume" : "-o") +
                                      " is for batches: it goes with --input");
  }
  std::optional<Assignment> assigned = experiment_assignment(session, o.name, o.experiment, o.key);
  if (assigned) {
    // The variant chooses the version and, unless --model says otherwise, the model.
    o.name = assigned->address;
    if (o.model.model.empty()) {
      o.model.model = assigned->model;
    }
  }
  ExecutionState state = open_execution_state(session);
  ResolvedPrompt resolved = resolve_prompt(session.workspace(), o.name);
  Lineage lineage = lineage_of(resolved, &session.repository());
  lineage.environment = environment_of(session, o);
  if (assigned && assigned->running) {
    lineage.experiment = assigned->experiment;
    lineage.variant = assigned->variant;
  }
  return o.input.empty() ? run_single(session, o, state, lineage, resolved)
                         : run_many(session, o, state, lineage, resolved);
}

}  // namespace

extern const CommandSpec k_cmd_run{"run", "Render a prompt and call its model",
                                   Completes::prompt_names, Setup::ledger,
                                   declare<Options, add_options, run>};

}  // namespace promptctl::cli
