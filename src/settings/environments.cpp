#include "promptctl/policy.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>

#include "promptctl/error.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

bool matches_any(const std::vector<std::string>& patterns, std::string_view email) {
  std::string address = util::to_lower(email);
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    // E-mail addresses compare without regard to case, as git hosts treat them.
    return fnmatch(util::to_lower(pattern).c_str(), address.c_str(), 0) == 0;
  });
}

}  // namespace

bool EnvironmentPolicy::may_approve(std::string_view stage, std::string_view email) const {
  if (!has_stage(stage)) {
    return false;
  }
  auto it = approvers.find(std::string(stage));
  return it == approvers.end() || matches_any(it->second, email);
}

bool EnvironmentPolicy::may_deploy(std::string_view email, bool emergency) const {
  if (emergency && !emergency_deployers.empty()) {
    return matches_any(emergency_deployers, email);
  }
  return deployers.empty() || matches_any(deployers, email);
}

bool EnvironmentPolicy::has_stage(std::string_view stage) const {
  return std::find(requires_stages.begin(), requires_stages.end(), stage) != requires_stages.end();
}

const EnvironmentPolicy* find_environment(const Environments& environments, std::string_view name) {
  auto it = std::find_if(environments.begin(), environments.end(),
                         [&](const EnvironmentPolicy& e) { return e.name == name; });
  return it == environments.end() ? nullptr : &*it;
}

const EnvironmentPolicy& environment_named(const Environments& environments,
                                           std::string_view name) {
  if (const EnvironmentPolicy* found = find_environment(environments, name)) {
    return *found;
  }
  std::vector<std::string> names;
  for (const EnvironmentPolicy& e : environments) {
    names.push_back(e.name);
  }
  std::string known = util::join(names, ", ");
  throw Error(ErrorKind::not_found,
              "no environment named '" + std::string(name) + "'" + util::did_you_mean(name, names),
              {},
              names.empty() ? "promptctl.yaml declares no environments; add an 'environments:' "
                              "section"
                            : "promptctl.yaml declares: " + known);
}

std::vector<std::string> all_stages(const Environments& environments) {
  std::vector<std::string> stages;
  for (const EnvironmentPolicy& e : environments) {
    for (const std::string& stage : e.requires_stages) {
      if (std::find(stages.begin(), stages.end(), stage) == stages.end()) {
        stages.push_back(stage);
      }
    }
  }
  return stages;
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
  text = util::trim(text);
  std::int64_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || count <= 0) {
    return std::nullopt;
  }
  std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  static const std::pair<std::string_view, std::int64_t> units[] = {
      {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}};
  for (const auto& [name, seconds] : units) {
    if (unit == name) {
      // Longer than any window or retention means anything, and a product past 64 bits would
      // wrap: both are refused.
      if (count > k_max_duration_seconds / seconds) {
        return std::nullopt;
      }
      return count * seconds;
    }
  }
  return std::nullopt;
}

std::string not_a_duration(std::string_view examples) {
  return "is not a duration such as " + std::string(examples) + " (at most " +
         std::to_string(k_max_duration_seconds / k_seconds_a_year) + " years)";
}

}  // namespace promptctl
