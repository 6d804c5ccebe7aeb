// promptctl experiment list|start|stop|status|report|promote: online experiments declared in
// promptctl.yaml, their state in git, and their results from the ledger.
#include "cli/deploying.hpp"
#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "promptctl/experiments.hpp"
#include "promptctl/lint.hpp"
#include "util/dates.hpp"
#include "util/fs.hpp"
#include "util/html.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string action;
  std::string name;
  std::string variant;
  std::string environment;
  std::string message;
  std::string html;
  bool dry_run = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  one_of(sub.add_option("ACTION", o.action,
                        "list, start, stop, status, report, or promote (deploy a variant)")
             ->required(),
         {"list", "start", "stop", "status", "report", "promote"});
  sub.add_option("EXPERIMENT", o.name, "The experiment (all but list)");
  sub.add_option("VARIANT", o.variant, "With promote: the variant to deploy");
  sub.add_option("--env", o.environment, "With promote: the environment to deploy to")
      ->type_name("ENV");
  sub.add_option("-m,--message", o.message, "With promote: added to the deploy commit's message")
      ->type_name("TEXT");
  sub.add_flag("-n,--dry-run", o.dry_run, "With promote: check everything, commit nothing");
  sub.add_option("--html", o.html, "With report: also write a self-contained HTML report")
      ->type_name("FILE");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

std::int64_t now() {
  return util::now_ms() / 1000;
}

nlohmann::json experiment_json(const Experiment& e, const ExperimentState& state) {
  nlohmann::json variants = nlohmann::json::array();
  for (const ExperimentVariant& v : e.variants) {
    variants.push_back({{"name", v.name},
                        {"revision", util::text_or_null(v.version)},
                        {"model", util::text_or_null(v.model)},
                        {"weight", v.weight}});
  }
  return {{"name", e.name},       {"prompt", e.prompt},     {"variants", variants},
          {"metrics", e.metrics}, {"primary", e.primary()}, {"state", state.to_json(e, now())}};
}

int list(Session& session, const Options& o) {
  Output& out = session.out();
  nlohmann::json all = nlohmann::json::array();
  Table table;
  for (const Experiment& e : session.workspace().settings().experiments) {
    ExperimentState state = experiment_state(session.repository(), e.name);
    if (o.json) {
      all.push_back(experiment_json(e, state));
      continue;
    }
    std::string variants;
    for (const ExperimentVariant& v : e.variants) {
      variants += (variants.empty() ? "" : ", ") + v.name + " " + util::fixed(v.weight, 0) + "%";
    }
    table.row({{e.name, Style::bold},
               e.prompt,
               state.running(e, now()) ? Cell("running", Style::green) : Cell("stopped"),
               variants});
  }
  if (o.json) {
    out.document({{"experiments", all}});
  } else if (!session.workspace().settings().experiments.empty()) {
    table.print(out);
  } else {
    out.line("No experiments are declared; add an 'experiments:' section to promptctl.yaml.");
  }
  return 0;
}

std::string metric_text(const VariantMetric& m) {
  std::string text = m.metric + " " + util::fixed(m.mean, 4) + " [" +
                     util::fixed(m.interval.low, 4) + ", " + util::fixed(m.interval.high, 4) +
                     "] n=" + std::to_string(m.samples);
  if (m.sequential) {
    const VariantMetric::Sequential& s = *m.sequential;
    text += "  anytime-valid: diff " + util::fixed(s.difference, 4) + " [" +
            util::fixed(s.interval.low, 4) + ", " + util::fixed(s.interval.high, 4) +
            "] p=" + util::fixed(s.p_value, 4);
  }
  if (m.test) {
    text += "  fixed-horizon: p=" + util::fixed(m.test->p_value, 4) + " (" + m.test->method + ")";
  }
  if (m.rank_test) {
    text += ", rank p=" + util::fixed(m.rank_test->p_value, 4);
  }
  if (m.detectable) {
    text += ", detectable +/-" + util::fixed(*m.detectable, 4);
  }
  return text;
}

int report(Session& session, const Options& o, const Experiment& e, bool status_only) {
  Ledger ledger = open_ledger(session);
  ExperimentReport result = experiment_report(e, ledger);
  ExperimentState state = experiment_state(session.repository(), e.name);
  if (!o.html.empty()) {
    util::write_file_atomic(o.html, experiment_html(result));
  }
  Output& out = session.out();
  if (o.json) {
    nlohmann::json shown = status_only ? experiment_json(e, state) : result.to_json();
    if (status_only) {
      nlohmann::json runs = nlohmann::json::object();
      for (const VariantReport& v : result.variants)
        runs[v.name] = v.runs;
      shown["runs"] = runs;
      shown["sample_ratio"] = result.to_json()["sample_ratio"];
    } else {
      shown["state"] = state.to_json(e, now());
    }
    out.document(shown);
    return 0;
  }
  out.line(out.paint(e.name, Style::bold) + " on " + e.prompt + ": " +
           (state.running(e, now()) ? "running" : "not running") + "; primary metric " +
           e.primary());
  for (const VariantReport& v : result.variants) {
    bool control = &v == &result.variants.front();
    out.line("  " + pad(v.name, 16) + " weight " + util::fixed(v.weight, 1) + "%  runs " +
             std::to_string(v.runs) +
             (control ? "  (control)" : "  " + std::string(to_string(v.decision))));
    if (status_only)
      continue;
    for (const VariantMetric& m : v.metrics)
      out.line("    " + metric_text(m));
  }
  out.line(std::string("  sample ratio: chi-square ") +
           util::fixed(result.sample_ratio.statistic, 2) +
           ", p = " + util::fixed(result.sample_ratio.p_value, 4) +
           (result.sample_ratio_mismatch
                ? out.paint("  mismatch: the split does not follow the weights", Style::red)
                : ""));
  if (status_only) {
    return 0;
  }
  out.line("  anytime-valid results hold however often the report is read (alpha " +
           util::fixed(result.sequential_alpha, 4) + " per variant);");
  out.line(result.sample_size
               ? "  fixed-horizon results hold read once, at " +
                     std::to_string(*result.sample_size) + " runs per variant (" +
                     (result.sample_size_reached ? "reached" : "not reached yet") + ")"
               : "  fixed-horizon results hold only at a sample size fixed in advance "
                 "(none declared: go by the anytime-valid ones)");
  out.line(out.paint("recommendation: " + result.recommendation, Style::bold));
  return 0;
}

int promote(Session& session, const Options& o, const Experiment& e) {
  if (o.variant.empty() || o.environment.empty()) {
    throw Error(ErrorKind::usage, "promote needs a VARIANT and --env ENV");
  }
  const ExperimentVariant* variant = e.find_variant(o.variant);
  if (!variant) {
    throw Error(ErrorKind::not_found,
                "experiment '" + e.name + "' has no variant '" + o.variant + "'");
  }
  if (!variant->model.empty()) {
    throw Error(ErrorKind::usage,
                "variant '" + variant->name + "' changes the model (" + variant->model +
                    "), which is not part of a prompt version",
                {}, "set that model in the prompt, commit it, and deploy that version");
  }
  std::string address = e.prompt + (variant->version.empty() ? "" : "@" + variant->version);
  DeployRequest request{o.environment, DeployAction::promote,
                        "Experiment " + e.name + ": variant " + variant->name +
                            (o.message.empty() ? "" : "\n\n" + o.message),
                        "", default_signing_key(session.repository())};
  DeployPlan plan = plan_address(session, address, request);
  DeployOutcome outcome = carry_out(session, plan, o.dry_run);
  report_deploy(session.out(), plan, outcome, o.dry_run, o.json);
  return 0;
}

// Every run of a variant whose version does not load would fail: refuse to start instead.
void refuse_unresolved_variants(Session& session, const Experiment& e) {
  throw_if_errors(unresolved_variants(session.workspace(), e));
}

int run(Session& session, const Options& o) {
  if (o.action == "list") {
    return list(session, o);
  }
  if (o.name.empty()) {
    throw Error(ErrorKind::usage, "experiment " + o.action + " needs an EXPERIMENT");
  }
  const Experiment& e = experiment_named(session.workspace().settings().experiments, o.name);
  if (o.action == "start") {
    refuse_unresolved_variants(session, e);
  }
  if (o.action == "start" || o.action == "stop") {
    record_experiment_event(session.repository(), e, o.action == "start", now());
    ExperimentState state = experiment_state(session.repository(), e.name);
    if (o.json) {
      session.out().document(experiment_json(e, state));
    } else {
      session.out().line(std::string(o.action == "start" ? "Started" : "Stopped") + " experiment " +
                         e.name);
    }
    return 0;
  }
  if (o.action == "promote") {
    return promote(session, o, e);
  }
  return report(session, o, e, o.action == "status");
}

}  // namespace

extern const CommandSpec k_cmd_experiment{
    "experiment", "List, start, stop, report and promote experiments", Completes::nothing,
    Setup::ledger, declare<Options, add_options, run>};

}  // namespace promptctl::cli
