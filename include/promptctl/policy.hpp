// Environments and their deploy policy, as promptctl.yaml declares them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptctl {

/// When `guard` rolls an environment's pin back. Unset thresholds are not checked.
struct GuardThresholds {
  std::int64_t window_seconds = 3600;  ///< how far back the ledger is read
  std::int64_t min_runs = 10;          ///< fewer runs than this: too few to judge
  std::optional<double> min_success;   ///< the share of runs that succeeded, 0–1
  std::optional<double> max_p95_ms;
  std::optional<double> max_cost_per_run;  ///< US dollars, over the runs with a known cost
};

/// What a deploy to one environment needs.
struct EnvironmentPolicy {
  std::string name;
  /// The approval stages a prompt version needs, in order ("technical", "qa", …).
  std::vector<std::string> requires_stages;
  /// Who may approve each stage: e-mail addresses or glob patterns ("*@example.com"), matched
  /// against the approver's git e-mail. A stage without an entry may be approved by anyone.
  std::map<std::string, std::vector<std::string>> approvers;
  /// Who may deploy, promote and roll back here, matched as approvers are against the
  /// committer's e-mail (verified from the deploy commit's signature where signatures are
  /// required). Empty: anyone.
  std::vector<std::string> deployers;
  /// Who may move a pin to a version that lacks the approvals (an emergency rollback). Empty:
  /// whoever may deploy.
  std::vector<std::string> emergency_deployers;
  /// Deploys need no approvals at all (a development environment).
  bool auto_approve = false;
  /// Deploys need the prompt's tests to pass.
  bool require_tests = false;
  /// Only approvals signed with a key that the allowed signers file gives the approver count.
  bool require_signed = false;
  /// How long a pin deployed in an emergency (without the approvals required) stays sound;
  /// after that `check` fails it until its content is approved.
  std::int64_t emergency_grace_seconds = 24 * 3600;
  GuardThresholds guard;

  /// Whether `email` may approve `stage` here; false for a stage this environment does not
  /// require.
  [[nodiscard]] bool may_approve(std::string_view stage, std::string_view email) const;
  /// Whether any environment's policy names this stage.
  [[nodiscard]] bool has_stage(std::string_view stage) const;
  /// Whether `email` may move a pin here, in an emergency (bypassing approvals) or not.
  [[nodiscard]] bool may_deploy(std::string_view email, bool emergency) const;
  /// Whether the policy says who may deploy at all.
  [[nodiscard]] bool has_deployers() const {
    return !deployers.empty() || !emergency_deployers.empty();
  }
};

/// Environments in the order promptctl.yaml declares them.
using Environments = std::vector<EnvironmentPolicy>;

/// The environment called `name`, or null.
const EnvironmentPolicy* find_environment(const Environments& environments, std::string_view name);

/// The environment called `name`; throws `Error` (not_found) naming the declared ones.
const EnvironmentPolicy& environment_named(const Environments& environments, std::string_view name);

/// Every stage any environment requires, each once, in the order first seen.
std::vector<std::string> all_stages(const Environments& environments);

/// A year of 365.25 days, in seconds.
inline constexpr std::int64_t k_seconds_a_year = 36525LL * 864;
/// The longest duration read: 100 years, in seconds.
inline constexpr std::int64_t k_max_duration_seconds = 100 * k_seconds_a_year;

/// A length of time, "90s", "15m", "1h", "7d" or a number of seconds; nothing when it cannot
/// be read, is not positive or is longer than `k_max_duration_seconds`.
std::optional<std::int64_t> parse_duration(std::string_view text);
/// What a message says of a text `parse_duration` refused, after quoting it: "is not a duration
/// such as EXAMPLES (at most 100 years)".
std::string not_a_duration(std::string_view examples);

}  // namespace promptctl
