// promptctl run NAME[@REV]: render a prompt, call its model, record the run in the ledger.
// With --input, one call per JSONL row, several at once, results in input order.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/execution.hpp"
#include "cli/exit_codes.hpp"
#include "promptctl/address.hpp"
#include "promptctl/check.hpp"
#include "util/fs.hpp"
#include "util/json_input.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::vector<std::string> vars;
  std::vector<std::string> var_files;
  std::string input;
  std::size_t jobs = 8;
  std::string environment;
  bool json = false;
  bool lenient = false;
  ModelOptions model;
  std::string experiment;
  std::string key;
};
Options& options() {
  static Options instance;
  return instance;
}

void add_options(CLI::App& sub) {
  Options& o = options();
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

// One row of input: its variables, or why it could not be read.
struct Row {
  nlohmann::json values = nlohmann::json::object();
  std::string error;
};

std::vector<Row> read_rows(const std::string& path) {
  std::string text = path == "-" ? util::read_stdin() : util::read_file(path);
  std::vector<Row> rows;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    Row row;
    bool too_deep = false;
    nlohmann::json parsed = util::parse_json_input(line, &too_deep);
    if (too_deep) {
      row.error = path + ":" + std::to_string(line_number) + ": nested more than " +
                  std::to_string(util::k_max_json_depth) + " levels deep";
    } else if (parsed.is_discarded() || !parsed.is_object()) {
      row.error = path + ":" + std::to_string(line_number) + ": not a JSON object";
    } else {
      row.values = std::move(parsed);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Renders each row and plans its requests; a row that fails keeps its error instead.
struct Prepared {
  std::vector<std::vector<ChatRequest>> calls;
  std::vector<size_t> call_of_row;  // index into calls, or npos
  std::vector<std::string> row_errors;
  std::vector<nlohmann::json> variables;
};

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

Prepared prepare(const Options& o, const ResolvedPrompt& resolved, const std::vector<Row>& rows,
                 const std::map<std::string, ProviderSettings>& providers, bool batch) {
  const Inputs given = command_line_inputs(o);
  Prepared prepared;
  for (const Row& row : rows) {
    prepared.call_of_row.push_back(std::string::npos);
    prepared.row_errors.push_back(row.error);
    prepared.variables.push_back(row.values);
    if (!row.error.empty()) {
      continue;
    }
    try {
      Inputs inputs = given;
      inputs.add_values(row.values);
      RenderSettings settings = resolved.render_settings;
      settings.lenient = o.lenient;
      RenderedPrompt rendered = render_prompt(resolved.prompt, inputs, resolved.source(),
                                              resolved.default_model, settings);
      ModelSettings model = apply_model_options(rendered.model, o.model, providers);
      prepared.variables.back() = rendered.variables;
      prepared.calls.push_back(plan_requests(rendered.messages, model, providers));
      prepared.call_of_row.back() = prepared.calls.size() - 1;
    } catch (const Error& e) {
      if (!batch) {
        throw;
      }
      prepared.row_errors.back() = e.what();
      for (const Diagnostic& detail : e.details()) {
        prepared.row_errors.back() += "; " + detail.message;
      }
    }
  }
  return prepared;
}

int run_single(Session& session, const Options& o, ExecutionState& state, const Lineage& lineage,
               const Prepared& prepared) {
  SingleCall call = call_once(session.out(), state, prepared.calls.front(), o.model, o.json);
  RunRecord record = record_run(&state.ledger, lineage, prepared.variables.front(), call.result);
  return report_single(session.out(), record, call, o.json);
}

int run_batch(Session& session, const Options& o, ExecutionState& state, const Lineage& lineage,
              const Prepared& prepared) {
  const Output& out = session.out();
  size_t rows = prepared.call_of_row.size();
  std::vector<std::optional<nlohmann::json>> lines(rows);
  std::vector<size_t> row_of_call(prepared.calls.size());
  int exit_code = k_exit_ok;
  for (size_t row = 0; row < rows; ++row) {
    if (prepared.call_of_row[row] == std::string::npos) {
      RunRecord unrun;  // never sent: no id, and the same keys as every other line
      unrun.status = "error";
      unrun.error = prepared.row_errors[row];
      nlohmann::json line = run_json(unrun);
      line["run_id"] = nullptr;
      line["row"] = row + 1;
      lines[row] = std::move(line);
      if (exit_code == k_exit_ok) {
        exit_code = k_exit_usage;
      }
    } else {
      row_of_call[prepared.call_of_row[row]] = row;
    }
  }
  size_t next_to_print = 0;
  auto print_ready = [&] {
    while (next_to_print < rows && lines[next_to_print]) {
      out.line(lines[next_to_print]->dump());
      lines[next_to_print].reset();
      ++next_to_print;
    }
  };
  ExecutionEvents events;
  events.on_notice = [&](size_t call, const std::string& notice) {
    print_notice(out, "row " + std::to_string(row_of_call[call] + 1) + ": " + notice);
  };
  events.on_done = [&](size_t call, const CallResult& result) {
    PROMPTCTL_CHECK(call < row_of_call.size());
    size_t row = row_of_call[call];
    RunRecord record = record_run(&state.ledger, lineage, prepared.variables[row], result);
    nlohmann::json line = run_json(record);
    line["row"] = row + 1;
    lines[row] = std::move(line);
    if (!result.ok && exit_code == k_exit_ok) {
      exit_code = exit_code_for(result.error_kind);
    }
    print_ready();
  };
  ExecutionOptions execution{o.jobs, false, cache_mode(o.model), o.model.verbose};
  Executor executor(state.providers, &state.cache);
  executor.run(prepared.calls, execution, events);
  print_ready();
  return exit_code;
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

int run(Session& session) {
  Options o = options();
  if (o.model.stream && !o.input.empty()) {
    throw Error(ErrorKind::usage, "--stream prints one answer; it does not go with --input");
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
  bool batch = !o.input.empty();
  std::vector<Row> rows = batch ? read_rows(o.input) : std::vector<Row>(1);
  Prepared prepared = prepare(o, resolved, rows, state.providers, batch);
  for (std::vector<ChatRequest>& chain : prepared.calls) {
    follow_ledger_store(lineage, chain);
  }
  return batch ? run_batch(session, o, state, lineage, prepared)
               : run_single(session, o, state, lineage, prepared);
}

}  // namespace

extern const CommandSpec k_cmd_run{"run", "Render a prompt and call its model",
                                   Completes::prompt_names, add_options, run};

}  // namespace promptctl::cli
