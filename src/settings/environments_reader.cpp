#include "settings/environments_reader.hpp"

#include "util/strings.hpp"

namespace promptctl::settings_detail {
namespace {

using util::YamlReader;

std::string quoted_key(const std::string& path) {
  return "'" + path + "'";
}

void check_word(YamlReader& reader, const YAML::Node& node, const std::string& word,
                const std::string& what) {
  if (!util::is_plain_word(word)) {
    reader.error(node, what + " '" + word + "' may hold only letters, digits, '-', '_' and '.'",
                 "name");
  }
}

void read_guard(YamlReader& reader, const YAML::Node& node, const std::string& context,
                GuardThresholds& guard) {
  if (!reader.expect_map(node, quoted_key(context))) {
    return;
  }
  reader.check_keys(node, {"window", "min_runs", "min_success", "max_p95_ms", "max_cost_per_run"},
                    quoted_key(context));
  if (node["window"]) {
    auto text = reader.string(node["window"], quoted_key(context + ".window"));
    auto seconds = text ? parse_duration(*text) : std::nullopt;
    if (text && !seconds) {
      reader.error(node["window"], "'" + *text + "' " + not_a_duration("30m, 1h or 7d"), "value");
    }
    guard.window_seconds = seconds.value_or(guard.window_seconds);
  }
  if (node["min_runs"]) {
    auto runs = reader.integer(node["min_runs"], quoted_key(context + ".min_runs"));
    if (runs && *runs < 1) {
      reader.error(node["min_runs"], quoted_key(context + ".min_runs") + " must be at least 1",
                   "value");
    }
    guard.min_runs = runs.value_or(guard.min_runs);
  }
  auto read_bound = [&](const char* key, std::optional<double>& target, double low,
                        std::optional<double> high) {
    if (!node[key]) {
      return;
    }
    auto value = reader.number(node[key], quoted_key(context + "." + key));
    if (value && (*value < low || (high && *value > *high))) {
      reader.error(node[key],
                   quoted_key(context + "." + key) + " must be " +
                       (high ? "between 0 and 1" : std::string("zero or more")),
                   "value");
      return;
    }
    target = value;
  };
  read_bound("min_success", guard.min_success, 0, 1.0);
  read_bound("max_p95_ms", guard.max_p95_ms, 0, std::nullopt);
  read_bound("max_cost_per_run", guard.max_cost_per_run, 0, std::nullopt);
}

void read_approvers(YamlReader& reader, const YAML::Node& node, const std::string& context,
                    EnvironmentPolicy& policy) {
  if (!reader.expect_map(node, quoted_key(context))) {
    return;
  }
  for (const auto& entry : node) {
    std::string stage = entry.first.Scalar();
    if (!policy.has_stage(stage)) {
      reader.error(
          entry.first,
          quoted_key(context) + " names stage '" + stage + "', which 'requires' does not list",
          "unknown-stage");
      continue;
    }
    if (auto patterns = reader.strings(entry.second, quoted_key(context + "." + stage))) {
      if (patterns->empty()) {
        reader.error(entry.second,
                     quoted_key(context + "." + stage) + " lists nobody, so nobody could approve",
                     "value");
      }
      policy.approvers[stage] = *patterns;
    }
  }
}

// A list of e-mail addresses or patterns that must name somebody.
void read_people(YamlReader& reader, const YAML::Node& node, const std::string& context,
                 std::vector<std::string>& out) {
  if (!node) {
    return;
  }
  if (auto patterns = reader.strings(node, quoted_key(context))) {
    if (patterns->empty()) {
      reader.error(node, quoted_key(context) + " lists nobody", "value");
    }
    out = *patterns;
  }
}

EnvironmentPolicy read_environment(YamlReader& reader, const YAML::Node& key,
                                   const YAML::Node& node) {
  EnvironmentPolicy policy;
  policy.name = key.Scalar();
  check_word(reader, key, policy.name, "environment name");
  std::string context = "environments." + policy.name;
  if (node.IsNull()) {
    return policy;
  }
  if (!reader.expect_map(node, quoted_key(context))) {
    return policy;
  }
  reader.check_keys(node,
                    {"requires", "approvers", "auto_approve", "tests", "guard", "require_signed",
                     "emergency_grace", "deployers", "emergency_deployers"},
                    quoted_key(context));
  if (node["requires"]) {
    for (const std::string& stage :
         reader.strings(node["requires"], quoted_key(context + ".requires"))
             .value_or(std::vector<std::string>{})) {
      check_word(reader, node["requires"], stage, "stage name");
      if (!policy.has_stage(stage)) {
        policy.requires_stages.push_back(stage);
      }
    }
  }
  if (node["approvers"]) {
    read_approvers(reader, node["approvers"], context + ".approvers", policy);
  }
  read_people(reader, node["deployers"], context + ".deployers", policy.deployers);
  read_people(reader, node["emergency_deployers"], context + ".emergency_deployers",
              policy.emergency_deployers);
  if (node["auto_approve"]) {
    policy.auto_approve =
        reader.boolean(node["auto_approve"], quoted_key(context + ".auto_approve")).value_or(false);
    if (policy.auto_approve && !policy.requires_stages.empty()) {
      reader.error(
          node["auto_approve"],
          quoted_key(context) + " both requires approvals and approves automatically; keep one",
          "value");
    }
  }
  if (node["tests"]) {
    policy.require_tests =
        reader.boolean(node["tests"], quoted_key(context + ".tests")).value_or(false);
  }
  if (node["require_signed"]) {
    policy.require_signed =
        reader.boolean(node["require_signed"], quoted_key(context + ".require_signed"))
            .value_or(false);
  }
  if (node["emergency_grace"]) {
    std::string what = quoted_key(context + ".emergency_grace");
    if (auto text = reader.string(node["emergency_grace"], what)) {
      if (auto seconds = parse_duration(*text)) {
        policy.emergency_grace_seconds = *seconds;
      } else {
        reader.error(node["emergency_grace"], "'" + *text + "' " + not_a_duration("30m, 1h or 7d"),
                     "value");
      }
    }
  }
  if (node["guard"]) {
    read_guard(reader, node["guard"], context + ".guard", policy.guard);
  }
  return policy;
}

}  // namespace

Environments read_environments(YamlReader& reader, const YAML::Node& node) {
  Environments environments;
  if (!reader.expect_map(node, "'environments'")) {
    return environments;
  }
  for (const auto& entry : node) {
    environments.push_back(read_environment(reader, entry.first, entry.second));
  }
  return environments;
}

}  // namespace promptctl::settings_detail
