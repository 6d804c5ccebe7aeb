#include "cli/execution.hpp"
#include "cli/validators.hpp"

#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "promptctl/address.hpp"
#include "promptctl/check.hpp"
#include "util/dates.hpp"
#include "util/interrupts.hpp"
#include "util/json_input.hpp"
#include "util/strings.hpp"
#include "util/uuid.hpp"

namespace promptctl::cli {
namespace {

// How long a model may take before `run` says what it is waiting for.
constexpr double k_quiet_wait_seconds = 3;

const std::vector<std::string> k_params = {
    "temperature", "top_p", "max_tokens",      "max_completion_tokens",
    "seed",        "stop",  "response_format", "reasoning_effort",
    "tool_choice"};

double number_param(const std::string& key, const std::string& value) {
  char* end = nullptr;
  double number = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !std::isfinite(number)) {
    throw Error(ErrorKind::usage, "--param " + key + " needs a number, not '" + value + "'");
  }
  return number;
}

std::int64_t integer_param(const std::string& key, const std::string& value) {
  std::int64_t number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw Error(ErrorKind::usage, "--param " + key + " needs a whole number, not '" + value + "'");
  }
  return number;
}

void apply_param(ModelSettings& model, const std::string& assignment, bool& stop_replaced) {
  size_t equals = assignment.find('=');
  if (equals == std::string::npos) {
    throw Error(ErrorKind::usage, "--param needs KEY=VALUE, not '" + assignment + "'");
  }
  std::string key = assignment.substr(0, equals);
  std::string value = assignment.substr(equals + 1);
  if (key == "temperature") {
    model.temperature = number_param(key, value);
  } else if (key == "top_p") {
    model.top_p = number_param(key, value);
  } else if (key == "max_tokens" || key == "max_completion_tokens") {
    model.max_tokens = integer_param(key, value);  // one limit; the request names it per model
    if (*model.max_tokens <= 0) {
      throw Error(ErrorKind::usage, "--param " + key + " must be positive");
    }
  } else if (key == "seed") {
    model.seed = integer_param(key, value);
  } else if (key == "stop") {
    if (!stop_replaced) {
      model.stop.clear();  // the command line replaces the prompt's list, then adds to it
      stop_replaced = true;
    }
    model.stop.push_back(value);
  } else if (key == "response_format") {
    if (value != "text" && value != "json") {
      throw Error(ErrorKind::usage,
                  "--param response_format is 'text' or 'json', not '" + value + "'");
    }
    model.response_format = value;
  } else if (key == "reasoning_effort") {
    if (!is_reasoning_effort(value)) {
      throw Error(ErrorKind::usage,
                  "--param reasoning_effort is none, minimal, low, medium, high, xhigh or max, "
                  "not '" +
                      value + "'");
    }
    model.reasoning_effort = value;
  } else if (key == "tool_choice") {
    model.tool_choice = value;  // checked against the prompt's tools with the other settings
  } else {
    throw Error(ErrorKind::usage,
                "unknown model parameter '" + key + "'" + util::did_you_mean(key, k_params), {},
                "known parameters: " + util::join(k_params, ", "));
  }
}

}  // namespace

void add_model_options(CLI::App& sub, ModelOptions& options, bool with_model) {
  if (with_model) {
    sub.add_option("--provider", options.provider,
                   "Call this provider instead of the prompt's (a name under 'providers:' or "
                   "built in: " +
                       util::join(builtin_provider_names(), ", ") + ")")
        ->type_name("PROVIDER");
    sub.add_option("--model", options.model,
                   "Use this model instead of the prompt's: NAME or PROVIDER/NAME")
        ->type_name("MODEL");
    sub.add_option("--param", options.params,
                   "Set a model parameter: temperature, top_p, max_tokens (or "
                   "max_completion_tokens), seed, stop (repeat for several), response_format "
                   "(text or json), reasoning_effort or tool_choice (auto, none, required or a "
                   "tool's name)")
        ->type_name("KEY=VALUE");
  }
  one_of(
      sub.add_option("--cache", options.cache,
                     "Response cache: auto (for temperature 0), on, off, replay (never call; fail "
                     "when an answer is missing) or refresh"),
      {"auto", "on", "off", "replay", "refresh"});
  sub.add_flag("--no-cache", options.no_cache, "Neither read nor write the response cache")
      ->excludes("--cache");
  sub.add_flag("--stream", options.stream,
               "Print the answer as it arrives (the default on a terminal)");
  sub.add_flag("--no-stream", options.no_stream, "Print the answer only once it is complete")
      ->excludes("--stream");
  sub.add_flag("-v,--verbose", options.verbose,
               "Report each HTTP request and response on stderr (keys are never shown)");
}

ModelSettings apply_model_options(ModelSettings model, const ModelOptions& options,
                                  const std::map<std::string, ProviderSettings>& providers) {
  model = with_model(std::move(model), options.provider, options.model, providers);
  bool stop_replaced = false;
  for (const std::string& assignment : options.params) {
    apply_param(model, assignment, stop_replaced);
  }
  return model;
}

CacheMode cache_mode(const ModelOptions& options) {
  if (options.no_cache) {
    return CacheMode::off;
  }
  return parse_cache_mode(options.cache.empty() ? "auto" : options.cache)
      .value_or(CacheMode::automatic);
}

ExecutionState open_execution_state(Session& session) {
  PROMPTCTL_CHECK(session.setup() == Setup::ledger);
  ExecutionState state = promptctl::open_execution_state(session.workspace());
  state.tracer = &session.tracer();
  return state;
}

Ledger open_ledger(Session& session) {
  PROMPTCTL_CHECK(session.setup() == Setup::ledger);
  return Ledger::open_at(ledger_location(session.workspace()));
}

SingleCall call_once(const Output& out, ExecutionState& state,
                     const std::vector<ChatRequest>& chain, const ModelOptions& options,
                     bool json) {
  bool stream = !json && (options.stream || (!options.no_stream && out.stdout_is_terminal()));
  SingleCall call;
  ExecutionEvents events;
  // A quiet wait of a few seconds is normal for a model; past that, say what is being waited
  // on (only at a terminal: progress lines never go to a file or a pipe).
  bool waiting_shown = false;
  auto end_waiting = [&] {
    if (waiting_shown) {
      out.end_progress();
      waiting_shown = false;
    }
  };
  events.on_waiting = [&](const Waiting& waiting) {
    if (waiting.seconds < k_quiet_wait_seconds) {
      return;
    }
    out.progress("waiting for " + waiting.provider + "/" + waiting.model + ": " +
                 std::to_string(static_cast<long>(waiting.seconds)) + " s (gives up after " +
                 std::to_string(static_cast<long>(waiting.timeout_seconds)) + " s)");
    waiting_shown = true;
  };
  events.on_text = [&](size_t, std::string_view text) {
    end_waiting();
    if (stream) {
      out.print(text);
      (void)out.flush();
      call.streamed = true;
    }
  };
  events.on_notice = [&](size_t, const std::string& notice) {
    end_waiting();
    print_notice(out, notice);
  };
  Executor executor(state.providers, &state.cache);
  ExecutionOptions execution;
  execution.tracer = state.tracer;
  execution.stream = stream;
  execution.cache = cache_mode(options);
  execution.verbose = options.verbose;
  call.result = executor.run({chain}, execution, events).front();
  end_waiting();
  return call;
}

int report_single(const Output& out, const RunRecord& record, const SingleCall& call, bool json) {
  const CallResult& result = call.result;
  if (json) {
    out.document(run_json(record));
  } else if (result.ok) {
    if (!call.streamed) {
      out.print(record.output);
    }
    // The calls follow the answer's text on lines of their own.
    std::string calls = tool_call_lines(record.tool_calls);
    bool end_line = calls.empty() ? out.stdout_is_terminal() : !record.output.empty();
    if (end_line && !record.output.ends_with('\n')) {
      out.print("\n");
    }
    out.print(calls);
  } else if (record.id == 0) {
    out.error(Error(result.error_kind, result.error, {},
                    record.uid.empty() ? "not recorded in the ledger: no call was made"
                                       : "not recorded in the ledger, which failed"));
  } else {
    out.error(Error(result.error_kind, result.error, {},
                    "recorded as run " + std::to_string(record.id) + "; 'promptctl runs show " +
                        std::to_string(record.id) + "' has the details"));
  }
  return result.ok ? k_exit_ok : exit_code_for(result.error_kind);
}

int record_and_report(const Output& out, ExecutionState& state, const Lineage& lineage,
                      const nlohmann::json& variables, const SingleCall& call, bool json) {
  RunRecorder recorder(&state.ledger, state.spool, Grouping::each_run);
  RunRecord record = record_run(recorder, lineage, variables, call.result);
  (void)recorder.commit();  // makes a spooled run durable before saying where it is
  int code = report_single(out, record, call, json);
  if (recorder.failure()) {
    report_spooled(out, recorder);
    if (code == k_exit_ok) {
      code = exit_code_for(recorder.failure()->kind());
    }
  }
  return code;
}

void report_spooled(const Output& out, const RunRecorder& recorder) {
  out.error(Error(recorder.failure()->kind(), recorder.unrecorded_text(), {},
                  recorder.where_kept_text()));
}

void print_notice(const Output& out, const std::string& notice) {
  std::cerr << out.paint_err("promptctl: ", Style::dim) << notice << '\n';
}

int report_stop(const Output& out, const std::string& what_was_left) {
  int signal = util::GracefulStop::signal_number();
  if (signal == 0) {
    return 0;
  }
  print_notice(out, std::string("stopped by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + ": " +
                        what_was_left);
  return 128 + signal;
}

std::string tool_call_lines(const nlohmann::json& calls) {
  std::string lines;
  for (const nlohmann::json& call : calls) {
    std::string id = call.value("id", "");
    lines += "tool call: " + util::visible(call.value("name", "")) + " " +
             call.value("arguments", nlohmann::json::object()).dump() +
             (id.empty() ? "" : " (id " + util::visible(id) + ")") + "\n";
  }
  return lines;
}

std::string format_time(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
  return buffer;
}

std::string format_cost(const std::optional<double>& cost) {
  if (!cost) {
    return "-";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "$%.6f", *cost);
  return buffer;
}

std::optional<Assignment> experiment_assignment(Session& session, const std::string& name,
                                                const std::string& experiment,
                                                const std::string& key) {
  if (experiment.empty()) {
    if (!key.empty()) {
      throw Error(ErrorKind::usage, "--key goes with --experiment");
    }
    return std::nullopt;
  }
  return assign_in(session.workspace().settings().experiments, session.repository(), experiment,
                   name, key, util::now_ms() / 1000);
}

void add_experiment_options(CLI::App& sub, std::string& experiment, std::string& key) {
  sub.add_option("--experiment", experiment,
                 "Serve the variant of this experiment (promptctl.yaml) that --key is assigned, "
                 "and record it")
      ->type_name("EXPERIMENT");
  sub.add_option("--key", key, "What keeps the assignment sticky: a user, session or request id")
      ->type_name("KEY");
}

}  // namespace promptctl::cli
