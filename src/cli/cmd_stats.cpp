// promptctl stats [NAME]: counts, success rate, latency percentiles, tokens and cost from the
// ledger, as text, JSON or Prometheus exposition format.
#include <cstdio>

#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "promptctl/names.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::string by = "prompt";
  std::string since;
  std::string environment;
  std::string format = "text";
  bool all = false;
  bool json = false;
};

const std::map<std::string, StatsGrouping>& groupings() {
  static const std::map<std::string, StatsGrouping> map = {
      {"prompt", StatsGrouping::prompt}, {"version", StatsGrouping::version},
      {"model", StatsGrouping::model},   {"provider", StatsGrouping::provider},
      {"env", StatsGrouping::env},       {"day", StatsGrouping::day}};
  return map;
}

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "Only the runs of this prompt");
  one_of(sub.add_option("--by", o.by,
                        "Group by prompt (default), version, model, provider, env or day"),
         {"prompt", "version", "model", "provider", "env", "day"});
  sub.add_option("--since", o.since,
                 "Only runs started after DATE: 2026-01-31, an ISO 8601 time, or '1 day ago'")
      ->type_name("DATE");
  sub.add_option("--env", o.environment, "Only runs recorded for this environment")
      ->type_name("ENV");
  sub.add_flag("--all", o.all,
               "Include the runs of 'test' and 'compare', which are left out unless --env names "
               "them");
  one_of(sub.add_option("--format", o.format, "text (default), json or prometheus"),
         {"text", "json", "prometheus"});
  sub.add_flag("--json", o.json, "The same as --format json");
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void print_text(const Output& out, const std::vector<RunStats>& groups, const std::string& by) {
  Table table({48});
  table.header({by, "runs", "ok", "cached", "p50", "p95", "p99", "in tok", "out tok", "cost"});
  for (const RunStats& group : groups) {
    table.row({util::visible(group.group.empty() ? "-" : group.group), std::to_string(group.count),
               fixed(100 * group.success_rate(), 1) + "%", std::to_string(group.cached),
               fixed(group.latency_p50_ms, 0) + "ms", fixed(group.latency_p95_ms, 0) + "ms",
               fixed(group.latency_p99_ms, 0) + "ms", std::to_string(group.input_tokens),
               std::to_string(group.output_tokens),
               "$" + fixed(group.cost, 6) +
                   (group.runs_without_cost
                        ? " (+" + std::to_string(group.runs_without_cost) + " unpriced)"
                        : "")});
  }
  table.print(out);
}

int run(Session& session, const Options& o) {
  RunFilter filter;
  if (!o.name.empty()) {
    filter.prompt = normalize_name(o.name);
  }
  if (auto since = since_option(o.since)) {
    filter.since_ms = *since * 1000;
  }
  filter.environment = o.environment;
  if (!o.all && o.environment.empty()) {
    // Test suites and comparisons call with made-up cases, often with faults on purpose: they
    // say nothing about how a prompt does for its users.
    filter.other_than_environments = {"test", "compare"};
  }
  std::vector<RunStats> groups = open_ledger(session).stats(filter, groupings().at(o.by));
  std::string format = o.json ? "json" : o.format;
  if (format == "json") {
    nlohmann::json shown = {{"by", o.by}, {"groups", nlohmann::json::array()}};
    for (const RunStats& group : groups) {
      shown["groups"].push_back(group.to_json());
    }
    session.out().document(shown);
  } else if (format == "prometheus") {
    session.out().print(prometheus_exposition(groups, o.by, o.since));
  } else {
    print_text(session.out(), groups, o.by);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_stats{"stats", "Summarise recorded runs: success, latency, cost",
                                     Completes::prompt_names, Setup::ledger,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
