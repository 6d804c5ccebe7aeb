// promptctl test [NAME…]: run prompts' test cases against their models and grade the answers,
// for people at a terminal and for CI (JSON, JUnit, TAP, GitHub annotations, exit codes).
#include <algorithm>
#include <chrono>

#include "cli/execution.hpp"
#include "cli/exit_codes.hpp"
#include "cli/test_report.hpp"
#include "cli/validators.hpp"
#include "promptctl/testing.hpp"
#include "util/dates.hpp"
#include "util/fs.hpp"
#include "util/interrupts.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> names;
  std::size_t jobs = 8;
  int repeat = 1;
  std::vector<std::string> providers;
  std::vector<std::string> models;
  std::string revision;
  std::string changed_since;
  std::string baseline;
  std::string format = "text";
  bool json = false;
  std::vector<std::string> outputs;
  bool fail_on_error = true;
  std::string cache;
  bool no_cache = false;
  bool record = false;
  bool verbose = false;
  std::vector<std::string> patterns;
  bool fail_fast = false;
  std::size_t max_failures = 0;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.names,
                 "Prompts to test (default: every prompt with tests); NAME@REV tests a revision")
      ->type_name("NAME");
  sub.add_option("-j,--jobs", o.jobs, "How many calls run at once (default 8)")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  sub.add_option("--repeat", o.repeat, "Run every case N times (on top of its own 'repeat')")
      ->type_name("N")
      ->check(CLI::Range(1, 1000));
  sub.add_option("--provider", o.providers, "Run the suite on this provider; repeat for a matrix")
      ->type_name("NAME");
  sub.add_option("--model", o.models,
                 "Run the suite with this model (PROVIDER/MODEL or a name); repeat for a matrix "
                 "reported side by side")
      ->type_name("MODEL");
  sub.add_option("-k", o.patterns,
                 "Run only the tests whose name holds PATTERN (ignoring case); repeat for more")
      ->type_name("PATTERN");
  sub.add_flag("-x,--fail-fast", o.fail_fast,
               "Stop sending at the first case that fails or errs: the same as --max-failures 1");
  sub.add_option("--max-failures", o.max_failures,
                 "Stop sending once N cases failed or erred; the calls under way finish, and "
                 "the cases never sent are left out of the report")
      ->type_name("N")
      ->check(CLI::Range(1, 1000000));
  sub.add_option("--rev", o.revision,
                 "Test the prompts as they are in REV, without a checkout; an environment's "
                 "name tests each prompt as it pins it")
      ->type_name("REV");
  sub.add_option("--changed-since", o.changed_since,
                 "Test only prompts changed since REV: their files, tests, partials, data files "
                 "or the judge prompt")
      ->type_name("REV");
  sub.add_option("--baseline", o.baseline,
                 "Also run the tests at REV (or as an environment pins them) and list the cases "
                 "that passed there and do not now as regressions, first")
      ->type_name("REV");
  one_of(sub.add_option("--format", o.format, "text (default), json, junit, tap or github"),
         {"text", "json", "junit", "tap", "github"});
  sub.add_flag("--json", o.json, "The same as --format json");
  sub.add_option("-o,--output", o.outputs,
                 "Write the --format report to FILE and print the readable summary; "
                 "FORMAT:FILE writes that format instead (json, junit, tap, github), leaving "
                 "--format for standard output. Repeatable")
      ->type_name("[FORMAT:]FILE");
  sub.add_flag("--fail-on-error,!--no-fail-on-error", o.fail_on_error,
               "Exit 5 when a provider error left a case without a verdict (default); "
               "--no-fail-on-error lets such cases pass the run");
  one_of(sub.add_option("--cache", o.cache,
                        "Response cache: auto (default: temperature 0 only), on, off, replay (only "
                        "recorded answers, no calls) or refresh"),
         {"auto", "on", "off", "replay", "refresh"});
  sub.add_flag("--no-cache", o.no_cache, "The same as --cache off");
  sub.add_flag("--record", o.record,
               "Store every answer in the cache, whatever its temperature, for --cache replay");
  sub.add_flag("-v,--verbose", o.verbose,
               "List passing cases too, and report retries, fallbacks and each HTTP request and "
               "response on stderr");
}

CacheMode chosen_cache(const Options& o) {
  int chosen = (o.no_cache ? 1 : 0) + (o.record ? 1 : 0) + (o.cache.empty() ? 0 : 1);
  if (chosen > 1) {
    throw Error(ErrorKind::usage, "choose one of --cache, --no-cache and --record");
  }
  if (o.no_cache)
    return CacheMode::off;
  if (o.record)
    return CacheMode::on;
  return parse_cache_mode(o.cache.empty() ? "auto" : o.cache).value_or(CacheMode::automatic);
}

TestRunOptions run_options(const Options& o) {
  TestRunOptions run;
  run.jobs = o.jobs;
  run.repeat = o.repeat;
  run.models = o.models;
  run.providers = o.providers;
  run.cache = chosen_cache(o);
  run.verbose = o.verbose;
  if (o.fail_fast && o.max_failures > 0) {
    throw Error(ErrorKind::usage, "--fail-fast and --max-failures do not go together");
  }
  run.max_failures = o.fail_fast ? 1 : o.max_failures;
  return run;
}

std::vector<CaseResult> run_suite(Session& session, const Options& o, ExecutionState& state,
                                  TestSuite& suite, const TestRunOptions& run,
                                  const std::string& label) {
  const Output& out = session.out();
  TestEvents events;
  events.on_progress = [&](std::size_t done, std::size_t total) {
    out.progress(label + std::to_string(done) + "/" + std::to_string(total) + " calls");
  };
  if (o.verbose) {  // retries of hundreds of cases would bury the report otherwise
    events.on_notice = [&](const std::string& notice) {
      out.end_progress();
      print_notice(out, notice);
    };
  }
  TestRunner runner(state.providers, &state.cache, &state.ledger, state.spool);
  std::vector<CaseResult> results = runner.run(suite, &session.repository(), run, events);
  out.end_progress();
  return results;
}

// Cases of the baseline revision, for the tested prompts that exist there.
std::vector<CaseResult> run_baseline(Session& session, const Options& o, ExecutionState& state,
                                     const TestSuite& tested, const TestRunOptions& run) {
  std::vector<std::string> names;
  for (const ResolvedPrompt& prompt : tested.prompts) {
    names.push_back(prompt.prompt.name);
  }
  TestSuite suite = load_test_suite(session.workspace(), session.shared_repository(), o.baseline,
                                    names, MissingPrompt::skip);
  keep_tests_matching(suite, o.patterns);
  TestRunOptions whole = run;  // the baseline is a reference: every case of it runs
  whole.max_failures = 0;
  return run_suite(session, o, state, suite, whole, "baseline: ");
}

std::string report_in(const std::string& format, const std::vector<CaseResult>& results,
                      const TestSummary& summary) {
  if (format == "json")
    return json_report(results, summary).dump(2) + "\n";
  if (format == "junit")
    return junit_report(results, summary);
  if (format == "tap")
    return tap_report(results);
  return github_report(results, summary);
}

// Where each report goes: --output's FORMAT:FILE, or FILE for --format.
struct ReportFile {
  std::string format;
  std::string path;
};
std::vector<ReportFile> report_files(const Options& o, const std::string& format,
                                     bool& summary_on_stdout) {
  std::vector<ReportFile> files;
  summary_on_stdout = false;
  for (const std::string& output : o.outputs) {
    size_t colon = output.find(':');
    std::string prefix = colon == std::string::npos ? "" : output.substr(0, colon);
    if (prefix == "json" || prefix == "junit" || prefix == "tap" || prefix == "github") {
      files.push_back({prefix, output.substr(colon + 1)});
    } else if (format == "text") {
      throw Error(ErrorKind::usage, "--output " + output +
                                        ": choose the report with --format, or write "
                                        "FORMAT:FILE");
    } else {
      files.push_back({format, output});
      summary_on_stdout = true;
    }
  }
  return files;
}

// -k: the tests chosen by name; none at all is a mistake worth saying.
void select_tests(TestSuite& suite, const std::vector<std::string>& patterns) {
  bool had_tests = !suite.prompts.empty();
  keep_tests_matching(suite, patterns);
  if (had_tests && suite.prompts.empty()) {
    throw Error(ErrorKind::not_found, "no test name holds " + util::join(patterns, " or "), {},
                "'promptctl show NAME' lists a prompt's tests");
  }
}

// The cases the failure limit kept from being sent, left out of the report; how many.
std::size_t leave_out_unsent(std::vector<CaseResult>& results) {
  return std::erase_if(results, [](const CaseResult& result) { return result.not_run; });
}

int exit_code(const TestSummary& summary, bool fail_on_error) {
  if (summary.failed > 0)
    return k_exit_check_failed;
  if (summary.input_errors > 0)
    return k_exit_usage;
  if (summary.errors > 0 && fail_on_error)
    return k_exit_provider;
  return k_exit_ok;
}

// The suite to run. With --changed-since and no names, only the prompts the change may touch
// are loaded when that can be told without loading them all: at 10,000 prompts, loading is
// most of the time.
TestSuite load_suite(Session& session, const Options& o) {
  std::optional<std::vector<std::string>> touched;
  if (!o.changed_since.empty() && o.names.empty()) {
    touched = prompts_touched_since(session.workspace(), session.shared_repository(), o.revision,
                                    o.changed_since);
  }
  return load_test_suite(session.workspace(), session.shared_repository(), o.revision, o.names,
                         MissingPrompt::error, touched ? &*touched : nullptr);
}

int run(Session& session, const Options& o) {
  std::string format = o.json ? "json" : o.format;
  bool summary_on_stdout = false;
  std::vector<ReportFile> files = report_files(o, format, summary_on_stdout);
  TestRunOptions run = run_options(o);
  util::GracefulStop graceful_stop;
  run.stop = &util::GracefulStop::requested();
  ExecutionState state = open_execution_state(session);
  run.tracer = state.tracer;
  auto started = std::chrono::steady_clock::now();
  std::int64_t started_ms = util::now_ms();
  TestSuite suite = load_suite(session, o);
  if (!o.changed_since.empty()) {
    keep_changed_since(suite, session.workspace(), session.shared_repository(), o.changed_since);
  }
  select_tests(suite, o.patterns);
  std::vector<CaseResult> results = run_suite(session, o, state, suite, run, "");
  std::size_t not_run = leave_out_unsent(results);
  if (!o.baseline.empty() && !suite.prompts.empty() && !util::GracefulStop::requested()) {
    compare_with_baseline(results, run_baseline(session, o, state, suite, run));
  }
  TestSummary summary = summarize(
      results, started_ms,
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count());
  for (const ReportFile& file : files) {
    util::write_file_atomic(file.path, report_in(file.format, results, summary));
  }
  if (format == "text" || summary_on_stdout) {
    order_for_report(results);
    print_test_report(session.out(), results, summary, o.verbose);
  } else {
    session.out().print(report_in(format, results, summary));
  }
  if (not_run > 0) {
    print_notice(session.out(), "stopped after " + util::counted(run.max_failures, "failure") +
                                    ": " + util::counted(not_run, "case") + " not run");
  }
  auto stopped = std::count_if(results.begin(), results.end(),
                               [](const CaseResult& result) { return result.stopped; });
  if (int code = report_stop(session.out(), std::to_string(stopped) + " of " +
                                                util::counted(results.size(), "case") +
                                                " not run or not graded (reported as errors)")) {
    return code;
  }
  return exit_code(summary, o.fail_on_error);
}

}  // namespace

extern const CommandSpec k_cmd_test{"test", "Run prompts' tests and grade the answers",
                                    Completes::prompt_names, Setup::ledger,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
