// promptctl compare A [B]: two prompt versions, or one version on two models, run over the
// same cases, with intervals and paired significance tests.
#include <cstdio>
#include <random>

#include "cli/execution.hpp"
#include "cli/exit_codes.hpp"
#include "cli/validators.hpp"
#include "promptctl/compare.hpp"
#include "util/fs.hpp"
#include "util/interrupts.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> versions;
  std::vector<std::string> models;
  std::string cases;
  std::string input;
  int repeat = 1;
  std::size_t jobs = 8;
  std::string metric = "pass_rate";
  double alpha = 0.05;
  std::optional<std::uint64_t> seed;
  bool fail_if_worse = false;
  std::string cache = "off";
  bool json = false;
  std::string html;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("VERSION", o.versions,
                 "A, then B: NAME, NAME@REV, NAME@X.Y.Z or NAME@ENV; one version with two "
                 "--model options compares the models")
      ->required()
      ->expected(1, 2);
  sub.add_option("--model", o.models,
                 "Run with this model (PROVIDER/MODEL or a name): once for both, or twice for "
                 "A's and B's")
      ->type_name("MODEL");
  sub.add_option("--cases", o.cases,
                 "Run these test cases: a prompt (NAME or NAME@REV) whose tests to use "
                 "(default: A's own tests)")
      ->type_name("PROMPT");
  sub.add_option("--input", o.input,
                 "Run one case per line of a JSONL file of variables instead, graded by the "
                 "repository's default assertions (a case passes when the call succeeds if "
                 "there are none)")
      ->type_name("FILE");
  sub.add_option("--repeat", o.repeat, "Run every case N times")
      ->type_name("N")
      ->check(CLI::Range(1, 1000));
  sub.add_option("-j,--jobs", o.jobs, "How many calls run at once (default 8)")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  one_of(sub.add_option(
             "--metric", o.metric,
             "The metric the verdict is on: pass_rate (default), latency_ms, tokens or cost"),
         comparison_metrics());
  sub.add_option("--alpha", o.alpha, "The significance level (default 0.05)")
      ->type_name("ALPHA")
      ->check(CLI::Range(0.0001, 0.5));
  sub.add_option("--seed", o.seed,
                 "Seed the coins that choose, case by case, whether A's or B's call goes first "
                 "(default: a fresh seed, printed with the result)")
      ->type_name("N");
  sub.add_flag("--fail-if-worse", o.fail_if_worse,
               "Exit 1 when B is significantly worse than A on the chosen metric");
  one_of(
      sub.add_option("--cache", o.cache,
                     "Response cache: off (default: every call is made, so latency is real), auto, "
                     "on, replay or refresh"),
      {"auto", "on", "off", "replay", "refresh"});
  sub.add_flag("--json", o.json, "Print the comparison as JSON");
  sub.add_option("--html", o.html, "Also write a self-contained HTML report with charts")
      ->type_name("FILE");
}

struct Variant {
  std::string label;
  ResolvedPrompt prompt;
  std::string model;  ///< empty: the prompt's own
};

// The cases both variants run: --input's rows, --cases's tests, or A's tests.
std::vector<TestCase> chosen_cases(Session& session, const Options& o, const Variant& a) {
  if (!o.input.empty() && !o.cases.empty()) {
    throw Error(ErrorKind::usage, "--cases and --input both choose the cases; use one");
  }
  std::vector<TestCase> cases;
  if (!o.input.empty()) {
    std::string text = o.input == "-" ? util::read_stdin() : util::read_file(o.input);
    for (VariableRow& row : read_variable_rows(text)) {
      if (!row.error.empty()) {
        throw Error(ErrorKind::invalid_input, row.error, {o.input, row.line, 1});
      }
      TestCase test;
      test.name = "row " + std::to_string(row.line);
      test.vars = std::move(row.values);
      test.location = {o.input, row.line, 1};
      cases.push_back(std::move(test));
    }
  } else if (!o.cases.empty()) {
    cases = resolve_prompt(session.workspace(), o.cases).prompt.tests;
  } else {
    cases = a.prompt.prompt.tests;
  }
  if (cases.empty()) {
    throw Error(ErrorKind::invalid_input, "there are no cases to compare on", {},
                o.input.empty() ? "give the prompt tests, or name cases with --cases or --input"
                                : "the input file has no rows");
  }
  return cases;
}

std::vector<Variant> variants_of(Session& session, const Options& o) {
  if (o.models.size() > 2) {
    throw Error(ErrorKind::usage, "--model is given once (for both) or twice (A's, then B's)");
  }
  if (o.versions.size() == 1 && o.models.size() != 2) {
    throw Error(ErrorKind::usage,
                "compare needs two versions, or one version and two --model options");
  }
  std::vector<Variant> out;
  for (size_t i = 0; i < 2; ++i) {
    Variant v;
    const std::string& address = o.versions[std::min(i, o.versions.size() - 1)];
    v.prompt = resolve_prompt(session.workspace(), address);
    v.model = o.models.empty() ? "" : o.models[std::min(i, o.models.size() - 1)];
    v.label = address + (o.models.size() == 2 ? " (" + v.model + ")" : "");
    out.push_back(std::move(v));
  }
  return out;
}

TestRunOptions run_options(const Variant& variant, const Options& o) {
  TestRunOptions run;
  run.jobs = o.jobs;
  run.repeat = o.repeat;
  if (!variant.model.empty()) {
    run.models = {variant.model};
  }
  run.cache = parse_cache_mode(o.cache).value_or(CacheMode::off);
  run.environment = "compare";
  return run;
}

// Both variants in one batch, each case's two calls side by side in a seeded order, so that
// neither variant gets the cold connections or the quieter minute.
PairedResults run_variants(Session& session, ExecutionState& state, std::vector<Variant>& variants,
                           const std::vector<TestCase>& cases, const Options& o,
                           std::uint64_t seed) {
  std::vector<TestSuite> suites(2);
  for (std::size_t i = 0; i < 2; ++i) {
    suites[i].settings = session.workspace().settings().tests;
    variants[i].prompt.prompt.tests = cases;
    suites[i].prompts.push_back(variants[i].prompt);
  }
  TestEvents events;
  events.on_progress = [&](std::size_t done, std::size_t total) {
    session.out().progress("calls: " + std::to_string(done) + "/" + std::to_string(total));
  };
  TestRunOptions a_options = run_options(variants[0], o);
  TestRunOptions b_options = run_options(variants[1], o);
  a_options.stop = b_options.stop = &util::GracefulStop::requested();
  a_options.tracer = b_options.tracer = state.tracer;
  TestRunner runner(state.providers, &state.cache, &state.ledger, state.spool);
  PairedResults paired = runner.run_interleaved(suites[0], a_options, suites[1], b_options,
                                                &session.repository(), seed, events);
  session.out().end_progress();
  // A pair that a stop cut short on either side says nothing about the difference.
  PairedResults whole;
  whole.only_a = std::move(paired.only_a);
  whole.only_b = std::move(paired.only_b);
  for (std::size_t i = 0; i < paired.a.size(); ++i) {
    if (!paired.a[i].stopped && !paired.b[i].stopped) {
      whole.a.push_back(std::move(paired.a[i]));
      whole.b.push_back(std::move(paired.b[i]));
    }
  }
  return whole;
}

// The cases left out, one line per side and reason, and the pairs the comparison rests on.
void print_unpaired(const Output& out, const Comparison& c, std::size_t pairs) {
  if (c.unpaired.empty()) {
    return;
  }
  std::vector<std::pair<std::string, std::size_t>> reasons;  // "A: why", count, in order
  for (const UnpairedCase& unpaired : c.unpaired) {
    std::string side = unpaired.variant == "a" ? "A" : "B";
    // A dataset's rows share their reason: one line for all of them.
    const std::string& name = unpaired.row > 0 ? unpaired.test : unpaired.label;
    std::string line = side + " " + name + ": " + unpaired.reason;
    if (!reasons.empty() && reasons.back().first == line) {
      ++reasons.back().second;
    } else {
      reasons.emplace_back(line, 1);
    }
  }
  out.line(out.paint(
      "left out, as only one variant has them: " + util::counted(c.unpaired.size(), "case") +
          "; the comparison rests on " + util::counted(pairs, "pair"),
      Style::yellow));
  for (const auto& [line, count] : reasons) {
    out.line("   " + util::visible(line) +
             (count > 1 ? " (" + util::counted(count, "case") + ")" : ""));
  }
  out.line();
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void print_figures(const Output& out, const std::string& name, const VariantFigures& f) {
  out.line(out.paint(name, Style::bold) + "  " + f.label);
  out.line("   cases " + std::to_string(f.cases) + " (" + util::counted(f.errors, "error") +
           ")  pass " + fixed(100 * f.pass_rate(), 1) + "% [" +
           fixed(100 * f.pass_interval.low, 1) + ", " + fixed(100 * f.pass_interval.high, 1) +
           "]  latency " + fixed(f.latency_mean_ms, 1) + " ms [" +
           fixed(f.latency_interval.low, 1) + ", " + fixed(f.latency_interval.high, 1) + "], p95 " +
           fixed(f.latency_p95_ms, 1) + " ms  tokens " + fixed(f.tokens_mean, 1) +
           (f.cost_mean ? "  cost $" + fixed(*f.cost_mean, 6) : ""));
}

void print_comparison(const Output& out, const Comparison& c) {
  print_figures(out, "A", c.a);
  print_figures(out, "B", c.b);
  out.line();
  for (const MetricComparison& m : c.metrics) {
    Style style = m.verdict == Difference::better  ? Style::green
                  : m.verdict == Difference::worse ? Style::red
                                                   : Style::none;
    out.line(pad(m.metric, 11) + " B-A " + fixed(m.difference, 4) + " [" +
             fixed(m.difference_interval.low, 4) + ", " + fixed(m.difference_interval.high, 4) +
             "]  p = " + fixed(m.test.p_value, 4) + "  " + m.test.effect_name + " " +
             fixed(m.test.effect, 3) + "  (" + m.test.method + ", " +
             util::counted(m.pairs, "pair") + ")  " + out.paint(to_string(m.verdict), style));
  }
  const MetricComparison& primary = c.primary_metric();
  out.line();
  std::string verdict = primary.verdict == Difference::none
                            ? "no significant difference between B and A"
                            : "B is " + std::string(to_string(primary.verdict)) + " than A";
  out.line("verdict: " + verdict + " on " + primary.metric +
           " (p = " + fixed(primary.test.p_value, 4) + ", alpha = " + fixed(c.alpha, 3) + ")");
  out.line(out.paint("calls of A and B interleaved case by case; --seed " + std::to_string(c.seed) +
                         " repeats the order",
                     Style::dim));
}

int run(Session& session, const Options& o) {
  std::vector<Variant> variants = variants_of(session, o);
  std::vector<TestCase> cases = chosen_cases(session, o, variants[0]);
  ExecutionState state = open_execution_state(session);
  std::uint64_t seed = o.seed ? *o.seed : std::random_device{}();
  util::GracefulStop graceful_stop;
  PairedResults paired = run_variants(session, state, variants, cases, o, seed);
  const std::vector<CaseResult>& a = paired.a;
  Comparison comparison =
      compare_variants(paired.a, paired.b, variants[0].label, variants[1].label, o.metric, o.alpha);
  comparison.seed = seed;
  comparison.unpaired = unpaired_cases(paired);
  if (a.empty() && !comparison.unpaired.empty()) {
    const UnpairedCase& first = comparison.unpaired.front();
    throw Error(ErrorKind::invalid_input, "A and B have no case in common: nothing to compare", {},
                (first.variant == "a" ? "A " : "B ") + first.label + ": " + first.reason);
  }
  if (!o.html.empty()) {
    util::write_file_atomic(o.html, comparison_html(comparison));
  }
  if (o.json) {
    session.out().document(comparison.to_json());
  } else {
    print_unpaired(session.out(), comparison, a.size());
    print_comparison(session.out(), comparison);
  }
  if (int code = report_stop(session.out(), "the comparison rests on the " +
                                                util::counted(a.size(), "pair") +
                                                " that finished on both sides")) {
    return code;
  }
  if (comparison.a.errors == comparison.a.cases || comparison.b.errors == comparison.b.cases) {
    throw Error(ErrorKind::provider,
                "every case of a variant ended in an error; nothing to compare");
  }
  bool worse = comparison.primary_metric().verdict == Difference::worse;
  return o.fail_if_worse && worse ? k_exit_check_failed : k_exit_ok;
}

}  // namespace

extern const CommandSpec k_cmd_compare{
    "compare", "Compare two prompt versions or models with statistics", Completes::prompt_names,
    Setup::ledger, declare<Options, add_options, run>};

}  // namespace promptctl::cli
