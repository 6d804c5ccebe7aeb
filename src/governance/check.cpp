// Checking committed pins against their environments' policy, for CI on the server side: a
// pin edited by hand must hold up exactly as one written by `deploy`.
#include "governance/deploy_roles.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"
#include "util/dates.hpp"

namespace promptctl {
namespace {

// The content hash the pinned commit really has for the prompt, or a problem saying why not.
std::optional<std::string> pinned_content(Workspace& workspace,
                                          const std::shared_ptr<repo::Repository>& repository,
                                          const std::string& prompt, const Pin& pin,
                                          std::vector<std::string>& problems) {
  repo::Revision revision;
  try {
    revision = repository->resolve(pin.commit);
  } catch (const Error&) {
    problems.push_back("commit " + pin.commit.substr(0, 12) +
                       " does not exist here (was it pushed?)");
    return std::nullopt;
  }
  RevisionSource source(repository, revision, repository_prefix(workspace, *repository));
  if (!source.read(prompt)) {
    problems.push_back("commit " + revision.short_id() + " has no prompt named '" + prompt + "'");
    return std::nullopt;
  }
  LoadResult loaded = load_from_source(source, prompt);
  if (loaded.has_errors()) {
    problems.push_back(prompt + " at " + revision.short_id() + " has errors ('promptctl lint')");
    return std::nullopt;
  }
  return content_identity(source, *loaded.prompt).hash;
}

// Whether an emergency pin is still inside its environment's grace period. A date that cannot
// be read gets no grace: an emergency must not last for ever because its date was mangled.
bool within_grace(const Pin& pin, const EnvironmentPolicy& policy) {
  auto deployed = util::parse_date(pin.deployed_at);
  return deployed && util::now_ms() / 1000 - deployed->first <= policy.emergency_grace_seconds;
}

std::string describe_duration(const EnvironmentPolicy& policy) {
  std::int64_t seconds = policy.emergency_grace_seconds;
  for (auto [unit, size] : {std::pair{"d", 86400}, {"h", 3600}, {"m", 60}}) {
    if (seconds % size == 0) {
      return std::to_string(seconds / size) + unit;
    }
  }
  return std::to_string(seconds) + "s";
}

}  // namespace

nlohmann::json PinCheck::to_json() const {
  return {{"environment", environment}, {"prompt", prompt},       {"pin", pin.to_json()},
          {"ok", problems.empty()},     {"emergency", emergency}, {"problems", problems}};
}

std::vector<PinCheck> check_pins(Workspace& workspace,
                                 const std::shared_ptr<repo::Repository>& repository,
                                 const PinFile& pins, const ApprovalBook& book) {
  std::vector<PinCheck> out;
  for (const auto& [environment, entries] : pins.environments) {
    const EnvironmentPolicy* policy =
        find_environment(workspace.settings().environments, environment);
    for (const auto& [prompt, pin] : entries) {
      PinCheck check{environment, prompt, pin, {}, false};
      if (!policy) {
        check.problems.push_back("environment '" + environment +
                                 "' is not declared in promptctl.yaml");
        out.push_back(std::move(check));
        continue;
      }
      auto content = pinned_content(workspace, repository, prompt, pin, check.problems);
      if (content && *content != pin.content) {
        check.problems.push_back("the pin says content " + short_hash(pin.content) +
                                 " but commit " + pin.commit.substr(0, 7) + " has " +
                                 short_hash(*content));
      }
      if (policy->has_deployers()) {
        for (std::string& problem : governance_detail::deploy_commit_problems(
                 workspace, *repository, *policy, prompt, pin)) {
          check.problems.push_back(std::move(problem));
        }
      }
      if (!policy->auto_approve) {
        for (const StageStatus& stage :
             evaluate_stages(*policy, book.for_version(prompt, pin.content))) {
          if (stage.state == StageState::approved) {
            continue;
          }
          if (pin.emergency && within_grace(pin, *policy)) {
            check.emergency = true;  // deployed without approvals, and says so
          } else {
            check.problems.push_back(stage.describe() +
                                     (pin.emergency ? " (deployed in an emergency at " +
                                                          pin.deployed_at + "; the grace of " +
                                                          describe_duration(*policy) + " is over)"
                                                    : ""));
          }
        }
      }
      out.push_back(std::move(check));
    }
  }
  return out;
}

}  // namespace promptctl
