// promptctl env list [ENV…]: each environment's policy and what it pins.
#include <cstdio>

#include "cli/command.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> environments;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("ENV", o.environments,
                 "Only these environments; a leading 'list' (the only action) is optional");
  sub.add_flag("--json", o.json, "Print the environments as JSON");
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

nlohmann::json guard_json(const GuardThresholds& guard) {
  auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"window_ms", guard.window_seconds * 1000},
          {"min_runs", guard.min_runs},
          {"min_success", optional(guard.min_success)},
          {"max_p95_ms", optional(guard.max_p95_ms)},
          {"max_cost_per_run", optional(guard.max_cost_per_run)}};
}

nlohmann::json environment_json(const EnvironmentPolicy& policy, const PinFile& pins) {
  nlohmann::json pinned = nlohmann::json::object();
  if (auto it = pins.environments.find(policy.name); it != pins.environments.end()) {
    for (const auto& [name, pin] : it->second) {
      pinned[name] = pin.to_json();
    }
  }
  return {{"name", policy.name},
          {"requires", policy.requires_stages},
          {"approvers", policy.approvers},
          {"auto_approve", policy.auto_approve},
          {"tests", policy.require_tests},
          {"require_signed", policy.require_signed},
          {"emergency_grace_ms", policy.emergency_grace_seconds * 1000},
          {"deployers", policy.deployers},
          {"emergency_deployers", policy.emergency_deployers},
          {"guard", guard_json(policy.guard)},
          {"pins", pinned}};
}

std::string joined(const std::vector<std::string>& patterns) {
  std::string text;
  for (const std::string& pattern : patterns) {
    text += (text.empty() ? "" : ", ") + pattern;
  }
  return text;
}

std::string policy_summary(const EnvironmentPolicy& policy) {
  std::string text;
  if (policy.auto_approve) {
    text = "approves automatically";
  } else if (policy.requires_stages.empty()) {
    text = "no approvals required";
  } else {
    text = "requires";
    for (const std::string& stage : policy.requires_stages) {
      auto it = policy.approvers.find(stage);
      std::string who = it == policy.approvers.end() ? "" : joined(it->second);
      text += " " + stage + (who.empty() ? "" : " (" + who + ")") + ";";
    }
    text.pop_back();
  }
  if (policy.require_signed) {
    text += policy.has_deployers() ? "; signed approvals and deploys" : "; signed approvals";
  }
  if (!policy.deployers.empty()) {
    text += "; deployed by " + joined(policy.deployers);
  }
  if (!policy.emergency_deployers.empty()) {
    text += "; emergencies by " + joined(policy.emergency_deployers);
  }
  if (policy.require_tests) {
    text += "; passing tests";
  }
  const GuardThresholds& g = policy.guard;
  std::string guard;
  if (g.min_success)
    guard += " success>=" + number(*g.min_success);
  if (g.max_p95_ms)
    guard += " p95<=" + number(*g.max_p95_ms) + "ms";
  if (g.max_cost_per_run)
    guard += " cost/run<=$" + number(*g.max_cost_per_run);
  if (!guard.empty()) {
    text += "; guard" + guard + " over " + number(static_cast<double>(g.window_seconds)) + "s";
  }
  return text;
}

int run(Session& session, const Options& o) {
  std::vector<std::string> names = o.environments;
  if (!names.empty() && names.front() == "list") {
    names.erase(names.begin());
  }
  Workspace& workspace = session.workspace();
  const Environments& all = workspace.settings().environments;
  for (const std::string& name : names) {
    (void)environment_named(all, name);
  }
  auto repository = session.shared_repository();
  PinFile pins = pins_at_head(*repository, repository_prefix(workspace, *repository));
  auto wanted = [&](const EnvironmentPolicy& policy) {
    return names.empty() || std::find(names.begin(), names.end(), policy.name) != names.end();
  };
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const EnvironmentPolicy& policy : all) {
      if (wanted(policy))
        list.push_back(environment_json(policy, pins));
    }
    out.document({{"environments", list}});
    return 0;
  }
  if (all.empty()) {
    out.line("No environments are declared; add an 'environments:' section to promptctl.yaml.");
  }
  for (const EnvironmentPolicy& policy : all) {
    if (!wanted(policy))
      continue;
    out.line(out.paint(policy.name, Style::bold) + "  " + policy_summary(policy));
    auto it = pins.environments.find(policy.name);
    if (it == pins.environments.end() || it->second.empty()) {
      out.line("  (nothing deployed)");
      continue;
    }
    for (const auto& [name, pin] : it->second) {
      out.line("  " + pad(name, 24) + " " + pin.commit.substr(0, 7) + "  content " +
               short_hash(pin.content) + "  " + pin.deployed_at + "  " + pin.deployed_by +
               (pin.emergency ? "  " + out.paint("emergency", Style::red) : ""));
    }
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_env{"env", "List environments, their policy and their pins",
                                   Completes::nothing, Setup::workspace,
                                   declare<Options, add_options, run>};

}  // namespace promptctl::cli
