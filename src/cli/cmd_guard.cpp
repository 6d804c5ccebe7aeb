// promptctl guard --env E: judge each pin of an environment by its runs in the ledger and roll
// back the ones that cross a threshold. Meant for cron or a scheduled CI job.
#include "cli/deploying.hpp"
#include "cli/execution.hpp"
#include "cli/exit_codes.hpp"
#include "cli/validators.hpp"
#include "util/dates.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string environment;
  std::vector<std::string> names;
  std::string window;
  std::optional<std::int64_t> min_runs;
  std::optional<double> min_success;
  std::optional<double> max_p95_ms;
  std::optional<double> max_cost_per_run;
  bool dry_run = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.names, "Only these prompts (default: every pin of the environment)");
  sub.add_option("--env", o.environment, "The environment to guard")->required()->type_name("ENV");
  sub.add_option("--window", o.window, "How far back to read the ledger, e.g. 30m, 1h, 7d")
      ->type_name("DURATION");
  sub.add_option("--min-runs", o.min_runs, "Judge a pin only after this many runs (default 10)")
      ->type_name("N")
      ->check(at_least(1));
  sub.add_option("--min-success", o.min_success, "The lowest acceptable success rate, 0 to 1")
      ->type_name("RATE")
      ->check(CLI::Range(0.0, 1.0));
  sub.add_option("--max-p95-ms", o.max_p95_ms, "The highest acceptable p95 latency")
      ->type_name("MS")
      ->check(at_least(0));
  sub.add_option("--max-cost-per-run", o.max_cost_per_run,
                 "The highest acceptable mean cost of a run, in US dollars")
      ->type_name("USD")
      ->check(at_least(0));
  sub.add_flag("-n,--dry-run", o.dry_run, "Report what would be rolled back; commit nothing");
  sub.add_flag("--json", o.json, "Print each pin's figures and what was done as JSON");
}

// The policy's thresholds with the command line's on top.
GuardThresholds thresholds(const Options& o, const EnvironmentPolicy& policy) {
  GuardThresholds t = policy.guard;
  if (!o.window.empty()) {
    auto seconds = parse_duration(o.window);
    if (!seconds) {
      throw Error(ErrorKind::usage,
                  "--window '" + o.window + "' " + not_a_duration("30m, 1h or 7d"));
    }
    t.window_seconds = *seconds;
  }
  t.min_runs = o.min_runs.value_or(t.min_runs);
  t.min_success = o.min_success ? o.min_success : t.min_success;
  t.max_p95_ms = o.max_p95_ms ? o.max_p95_ms : t.max_p95_ms;
  t.max_cost_per_run = o.max_cost_per_run ? o.max_cost_per_run : t.max_cost_per_run;
  if (!t.min_success && !t.max_p95_ms && !t.max_cost_per_run) {
    throw Error(ErrorKind::usage, "no thresholds to guard " + policy.name + " with", {},
                "give --min-success, --max-p95-ms or --max-cost-per-run, or set them under "
                "environments." +
                    policy.name + ".guard in promptctl.yaml");
  }
  return t;
}

// Rolls a breached pin back to the one before it; the JSON of what happened.
nlohmann::json roll_back(Session& session, const Options& o, const GuardReport& report) {
  Workspace& workspace = session.workspace();
  auto repository = session.shared_repository();
  std::optional<Pin> previous =
      rollback_target(pin_history(workspace, *repository, report.prompt, o.environment));
  std::string reason = "guard: ";
  for (size_t i = 0; i < report.breaches.size(); ++i) {
    reason += (i ? "; " : "") + report.breaches[i];
  }
  if (!previous) {
    session.out().warn(report.prompt + " crossed a threshold but has no earlier deploy in " +
                       o.environment + " to roll back to");
    return {{"rolled_back", false}, {"reason", reason}, {"error", "no earlier deploy"}};
  }
  DeployPlan plan = plan_address(session, report.prompt + "@" + previous->commit,
                                 {o.environment, DeployAction::auto_rollback, "", reason,
                                  default_signing_key(session.repository())});
  DeployOutcome outcome = carry_out(session, plan, o.dry_run);
  if (!o.json) {
    print_deploy(session.out(), plan, outcome, o.dry_run);
  }
  return deploy_json(plan, outcome, o.dry_run);
}

std::string report_line(const GuardReport& r) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%zu runs, success %.3f, p95 %.0f ms",
                static_cast<size_t>(r.runs), r.success_rate, r.p95_ms);
  std::string text = buffer;
  if (r.cost_per_run) {
    std::snprintf(buffer, sizeof buffer, ", $%.6f/run", *r.cost_per_run);
    text += buffer;
  }
  return text;
}

int run(Session& session, const Options& o) {
  const EnvironmentPolicy& policy =
      environment_named(session.workspace().settings().environments, o.environment);
  GuardThresholds limits = thresholds(o, policy);
  auto repository = session.shared_repository();
  PinFile pins = pins_at_head(*repository, repository_prefix(session.workspace(), *repository));
  Ledger ledger = open_ledger(session);
  std::vector<GuardReport> reports =
      guard_environment(pins, o.environment, prompt_names(o.names), limits, ledger, util::now_ms());
  Output& out = session.out();
  nlohmann::json list = nlohmann::json::array();
  bool breached = false;
  for (const GuardReport& report : reports) {
    nlohmann::json entry = report.to_json();
    if (!o.json) {
      std::string state = !report.enough_runs       ? out.paint("too few runs", Style::dim)
                          : report.breaches.empty() ? out.paint("healthy", Style::green)
                                                    : out.paint("unhealthy", Style::red);
      out.line(pad(report.prompt, 24) + " " + state + "  " + report_line(report));
      for (const std::string& breach : report.breaches)
        out.line("  " + breach);
    }
    if (!report.breaches.empty()) {
      breached = true;
      entry["rollback"] = roll_back(session, o, report);
    }
    list.push_back(entry);
  }
  if (o.json) {
    out.document({{"environment", o.environment}, {"dry_run", o.dry_run}, {"pins", list}});
  } else if (reports.empty()) {
    out.line(o.environment + " pins nothing to guard.");
  }
  return breached ? k_exit_check_failed : k_exit_ok;
}

}  // namespace

extern const CommandSpec k_cmd_guard{
    "guard", "Roll back pins whose runs cross the environment's thresholds",
    Completes::prompt_names, Setup::ledger, declare<Options, add_options, run>};

}  // namespace promptctl::cli
