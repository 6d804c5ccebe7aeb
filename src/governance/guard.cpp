// Guards: an environment's pins judged by what the ledger saw them do.
#include <algorithm>
#include <cstdio>

#include "promptctl/governance.hpp"

namespace promptctl {
namespace {

std::string figure(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

void judge(GuardReport& report, const GuardThresholds& thresholds) {
  if (thresholds.min_success && report.success_rate < *thresholds.min_success) {
    report.breaches.push_back("success rate " + figure(report.success_rate, 3) + " below " +
                              figure(*thresholds.min_success, 3));
  }
  if (thresholds.max_p95_ms && report.p95_ms > *thresholds.max_p95_ms) {
    report.breaches.push_back("p95 latency " + figure(report.p95_ms, 0) + " ms above " +
                              figure(*thresholds.max_p95_ms, 0) + " ms");
  }
  if (thresholds.max_cost_per_run && report.cost_per_run &&
      *report.cost_per_run > *thresholds.max_cost_per_run) {
    report.breaches.push_back("cost per run $" + figure(*report.cost_per_run, 6) + " above $" +
                              figure(*thresholds.max_cost_per_run, 6));
  }
}

}  // namespace

nlohmann::json GuardReport::to_json() const {
  return {{"prompt", prompt},
          {"pin", pin.to_json()},
          {"runs", runs},
          {"cached", cached},
          {"success_rate", success_rate},
          {"p95_ms", p95_ms},
          {"cost_per_run", cost_per_run ? nlohmann::json(*cost_per_run) : nlohmann::json(nullptr)},
          {"enough_runs", enough_runs},
          {"breaches", breaches}};
}

std::vector<GuardReport> guard_environment(const PinFile& pins, const std::string& environment,
                                           const std::vector<std::string>& prompts,
                                           const GuardThresholds& thresholds, const Ledger& ledger,
                                           std::int64_t now_ms) {
  std::vector<GuardReport> out;
  auto env = pins.environments.find(environment);
  if (env == pins.environments.end()) {
    return out;
  }
  for (const auto& [name, pin] : env->second) {
    if (!prompts.empty() && std::find(prompts.begin(), prompts.end(), name) == prompts.end()) {
      continue;
    }
    RunFilter filter;
    filter.prompt = name;
    filter.environment = environment;
    filter.since_ms = now_ms - thresholds.window_seconds * 1000;
    GuardReport report;
    report.prompt = name;
    report.pin = pin;
    std::vector<double> latencies;
    double cost = 0;
    std::int64_t costed = 0;
    std::int64_t succeeded = 0;
    for (const RunRecord& run : ledger.runs(filter)) {
      if (run.content_hash != pin.content) {
        continue;  // an earlier version's runs say nothing about this one
      }
      // The offline echo provider answers without an attempt; a failed run without one
      // (no key, a replay miss) never reached the provider.
      if (run.cached || (run.attempts == 0 && run.status != "ok")) {
        report.cached += run.cached ? 1 : 0;
        continue;
      }
      ++report.runs;
      succeeded += run.status == "ok" ? 1 : 0;
      latencies.push_back(run.latency_ms);
      if (run.cost) {
        cost += *run.cost;
        ++costed;
      }
    }
    report.enough_runs = report.runs >= thresholds.min_runs;
    if (report.runs > 0) {
      report.success_rate = static_cast<double>(succeeded) / static_cast<double>(report.runs);
      report.p95_ms = percentile(latencies, 95);
    }
    if (costed > 0) {
      report.cost_per_run = cost / static_cast<double>(costed);
    }
    if (report.enough_runs) {
      judge(report, thresholds);
    }
    out.push_back(std::move(report));
  }
  return out;
}

}  // namespace promptctl
