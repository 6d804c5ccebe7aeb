// Deploys and rollbacks: each moves one pin in the pins file and commits that file alone.

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "governance/deploy_roles.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"
#include "promptctl/render.hpp"
#include "util/dates.hpp"
#include "util/file_lock.hpp"
#include "util/fs.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace fs = std::filesystem;
namespace {

constexpr const char* k_action_trailer = "Promptctl-Action: ";
constexpr const char* k_reason_trailer = "Promptctl-Reason: ";

bool is_rollback(DeployAction action) {
  return action == DeployAction::rollback || action == DeployAction::emergency_rollback ||
         action == DeployAction::auto_rollback;
}

std::string title_of(const DeployPlan& plan) {
  const std::string& name = plan.target.prompt;
  const std::string& env = plan.request.environment;
  std::string version = plan.target.revision.short_id();
  switch (plan.request.action) {
    case DeployAction::deploy:
    case DeployAction::edit:
      return "Deploy " + name + " to " + env + " (" + version + ")";
    case DeployAction::promote:
      return "Promote " + name + " to " + env + " (" + version + ")";
    case DeployAction::rollback:
      return "Roll back " + name + " in " + env + " to " + version;
    case DeployAction::emergency_rollback:
      return "Emergency rollback of " + name + " in " + env + " to " + version;
    case DeployAction::auto_rollback:
      return "Automatic rollback of " + name + " in " + env + " to " + version;
  }
  return "Deploy " + name;
}

std::string one_line(std::string_view text) {
  std::string out(util::trim(text));
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string commit_message(const DeployPlan& plan) {
  std::string message = title_of(plan) + "\n\n";
  if (!util::trim(plan.request.message).empty()) {
    message += std::string(util::trim(plan.request.message)) + "\n\n";
  }
  message += std::string(k_action_trailer) + to_string(plan.request.action) + "\n";
  message += "Promptctl-Environment: " + plan.request.environment + "\n";
  message += "Promptctl-Prompt: " + plan.target.prompt + "\n";
  message += "Promptctl-Commit: " + plan.target.revision.commit_id + "\n";
  message += "Promptctl-Content: " + plan.target.content + "\n";
  if (!plan.request.reason.empty()) {
    message += std::string(k_reason_trailer) + one_line(plan.request.reason) + "\n";
  }
  return message;
}

DeployAction action_named(const std::string& text) {
  for (DeployAction action : {DeployAction::deploy, DeployAction::promote, DeployAction::rollback,
                              DeployAction::emergency_rollback, DeployAction::auto_rollback}) {
    if (text == to_string(action)) {
      return action;
    }
  }
  return DeployAction::edit;
}

// The pins of a commit; a version of the file with errors reads as no pins, so that history
// stays readable past a broken hand edit.
PinFile pins_or_none(const repo::Repository& repository, const std::string& commit,
                     const std::string& prefix) {
  try {
    return pins_at(repository, repo::Revision{commit, commit}, prefix);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) {
      throw;  // a git failure is not a broken file
    }
    return {};
  }
}

std::string now_iso() {
  return util::format_date(util::now_ms() / 1000, 0);
}

}  // namespace

const char* to_string(DeployAction action) {
  switch (action) {
    case DeployAction::deploy:
      return "deploy";
    case DeployAction::promote:
      return "promote";
    case DeployAction::rollback:
      return "rollback";
    case DeployAction::emergency_rollback:
      return "emergency-rollback";
    case DeployAction::auto_rollback:
      return "auto-rollback";
    case DeployAction::edit:
      return "edit";
  }
  return "edit";
}

bool DeployPlan::skips_approvals() const {
  return bypasses_approvals && !policy->auto_approve &&
         std::any_of(stages.begin(), stages.end(),
                     [](const StageStatus& stage) { return stage.state != StageState::approved; });
}

std::vector<std::string> DeployPlan::missing() const {
  std::vector<std::string> out;
  if (bypasses_approvals) {
    return out;
  }
  for (const StageStatus& stage : stages) {
    if (stage.state != StageState::approved) {
      out.push_back(stage.describe());
    }
  }
  return out;
}

bool DeployPlan::needs_tests() const {
  return policy && policy->require_tests && request.action != DeployAction::auto_rollback;
}

DeployPlan plan_deploy(Workspace& workspace, const std::shared_ptr<repo::Repository>& repository,
                       PromptVersionRef target, const DeployRequest& request,
                       const ApprovalBook& book) {
  DeployPlan plan;
  plan.request = request;
  plan.policy = &environment_named(workspace.settings().environments, request.environment);
  plan.target = std::move(target);
  PinFile pins = pins_at_head(*repository, repository_prefix(workspace, *repository));
  if (const Pin* pin = pins.find(request.environment, plan.target.prompt)) {
    plan.current = *pin;
    plan.unchanged =
        pin->commit == plan.target.revision.commit_id && pin->content == plan.target.content;
  }
  plan.bypasses_approvals = plan.policy->auto_approve ||
                            request.action == DeployAction::emergency_rollback ||
                            request.action == DeployAction::auto_rollback;
  plan.stages =
      evaluate_stages(*plan.policy, book.for_version(plan.target.prompt, plan.target.content));
  return plan;
}

void require_approvals(const DeployPlan& plan) {
  std::vector<std::string> missing = plan.missing();
  if (missing.empty()) {
    return;
  }
  std::vector<Diagnostic> details;
  for (const std::string& line : missing) {
    details.push_back({Severity::error, {}, line, "approval"});
  }
  throw Error(ErrorKind::refused,
              plan.target.prompt + " (content " + short_hash(plan.target.content) +
                  ") lacks the approvals " + plan.request.environment + " requires",
              {},
              "promptctl approve " + plan.target.prompt + "@" + plan.target.revision.short_id() +
                  " --stage STAGE")
      .with_details(details);
}

void check_renders(PromptVersionRef& target) {
  const Prompt& prompt = target.resolved.prompt;
  std::string label = target.prompt + "@" + target.revision.short_id();
  try {
    RenderSettings lenient = target.resolved.render_settings;
    lenient.lenient = true;
    (void)render_prompt(prompt, Inputs{}, target.resolved.source(), target.resolved.default_model,
                        lenient);
  } catch (const Error& e) {
    throw Error(ErrorKind::invalid_input, label + " does not render: " + e.message(), e.location());
  }
  for (const TestCase& test : prompt.tests) {
    if (!test.vars_file.empty() || !test.dataset.empty()) {
      continue;  // their variables come from files; the tests themselves read those
    }
    Inputs inputs;
    inputs.add_values(test.vars);
    try {
      (void)render_prompt(prompt, inputs, target.resolved.source(), target.resolved.default_model,
                          target.resolved.render_settings);
    } catch (const Error& e) {
      throw Error(
          ErrorKind::invalid_input,
          label + " does not render with the variables of test '" + test.name + "': " + e.message(),
          e.location());
    }
  }
}

std::optional<repo::CommitResult> apply_deploy(Workspace& workspace, repo::Repository& repository,
                                               const DeployPlan& plan) {
  auto state = workspace.state_dir();
  if (!state) {
    throw Error(ErrorKind::usage, "deploying needs the prompt repository to be in git");
  }
  // One deploy at a time per repository: the pins file is read, changed and committed under
  // this lock, so a second deploy waits and then sees the first. The kernel drops it when its
  // holder dies, so an interrupted deploy never blocks the next one (an emergency rollback).
  util::FileLock lock(*state / "deploy.lock", std::chrono::seconds(30), "deploy");
  require_deploy_branch(workspace, repository);
  std::string prefix = repository_prefix(workspace, repository);
  repo::Revision head = repository.resolve("HEAD");
  std::optional<std::string> committed = repository.read_file(head, prefix + k_pins_file);
  fs::path file = workspace.root() / k_pins_file;
  std::optional<std::string> on_disk = util::read_file_if_exists(file);
  if (on_disk != committed) {
    throw Error(ErrorKind::refused, std::string(k_pins_file) + " has uncommitted changes", {},
                "commit them (and let 'promptctl check' verify them) or restore the file first");
  }
  PinFile pins = pins_at(repository, head, prefix);
  const Pin* now = pins.find(plan.request.environment, plan.target.prompt);
  if (now && now->content == plan.target.content && !now->emergency) {
    return std::nullopt;  // a concurrent deploy pinned this very version meanwhile
  }
  bool moved = now ? !plan.current || !now->same_version(*plan.current) : plan.current.has_value();
  if (moved) {
    throw Error(ErrorKind::refused,
                plan.request.environment + "'s pin of " + plan.target.prompt +
                    " changed while this deploy was being prepared",
                {}, "run the command again to deploy over the new pin");
  }
  auto [author, committer] = repository.identities();
  Pin pin;
  pin.commit = plan.target.revision.commit_id;
  pin.content = plan.target.content;
  pin.deployed_by = author.name + " <" + author.email + ">";
  pin.deployed_at = now_iso();
  pin.emergency = plan.skips_approvals();
  pin.reason = one_line(plan.request.reason);
  pins.environments[plan.request.environment][plan.target.prompt] = pin;
  // Committed from the object database: the file in the working tree changes only once HEAD
  // has, so an interrupted deploy leaves the old pins, committed, or the new ones.
  return repository.commit_contents(
      {{prefix + k_pins_file, pins.to_yaml()}}, commit_message(plan), author, committer,
      governance_detail::deploy_signer(plan.request.signing_key, committer, plan.policy,
                                       workspace.root() / workspace.settings().allowed_signers));
}

nlohmann::json PinChange::to_json() const {
  return {{"commit", commit.id},
          {"changed_at", util::format_utc(commit.author.time)},
          {"author", util::identity_json(commit.author.name, commit.author.email)},
          {"environment", environment},
          {"prompt", prompt},
          {"action", to_string(action)},
          {"reason", util::text_or_null(reason)},
          {"before", before ? before->to_json() : nlohmann::json(nullptr)},
          {"after", after ? after->to_json() : nlohmann::json(nullptr)}};
}

std::vector<PinChange> pin_history(const Workspace& workspace, const repo::Repository& repository,
                                   const std::string& prompt, const std::string& environment) {
  std::vector<PinChange> out;
  std::string prefix = repository_prefix(workspace, repository);
  std::optional<repo::Revision> head = head_if_any(repository);
  if (!head) {
    return out;  // no commits yet
  }
  // A version's parent is usually the next older version: each file is parsed once.
  std::map<std::string, PinFile> parsed;
  auto pins_of = [&](const std::string& commit) -> const PinFile& {
    auto it = parsed.find(commit);
    if (it == parsed.end()) {
      it = parsed.emplace(commit, pins_or_none(repository, commit, prefix)).first;
    }
    return it->second;
  };
  const PinFile none;
  for (const repo::FileVersion& version :
       repository.file_history(*head, prefix + k_pins_file, "")) {
    const PinFile& after = version.blob_id.empty() ? none : pins_of(version.commit.id);
    const PinFile& before =
        version.commit.parents.empty() ? none : pins_of(version.commit.parents.front());
    std::set<std::pair<std::string, std::string>> keys;
    for (const PinFile* side : {&before, &after}) {
      for (const auto& [env, entries] : side->environments) {
        for (const auto& entry : entries) {
          keys.insert({env, entry.first});
        }
      }
    }
    DeployAction action =
        action_named(util::trailer_value(version.commit.message, k_action_trailer));
    std::string reason = util::trailer_value(version.commit.message, k_reason_trailer);
    for (const auto& [env, name] : keys) {
      if ((!environment.empty() && env != environment) || (!prompt.empty() && name != prompt)) {
        continue;
      }
      const Pin* old_pin = before.find(env, name);
      const Pin* new_pin = after.find(env, name);
      if (old_pin && new_pin && old_pin->to_json() == new_pin->to_json()) {
        continue;
      }
      PinChange change;
      change.commit = version.commit;
      change.environment = env;
      change.prompt = name;
      change.before = old_pin ? std::optional<Pin>(*old_pin) : std::nullopt;
      change.after = new_pin ? std::optional<Pin>(*new_pin) : std::nullopt;
      change.action = action;
      change.reason = reason;
      out.push_back(std::move(change));
    }
  }
  return out;
}

std::optional<Pin> rollback_target(const std::vector<PinChange>& history_newest_first) {
  std::vector<Pin> stack;
  for (auto it = history_newest_first.rbegin(); it != history_newest_first.rend(); ++it) {
    if (!it->after) {
      stack.clear();
      continue;
    }
    const Pin& after = *it->after;
    auto found = std::find_if(stack.begin(), stack.end(),
                              [&](const Pin& p) { return p.same_version(after); });
    if (is_rollback(it->action) && found != stack.end()) {
      stack.erase(found + 1, stack.end());
    } else if (stack.empty() || !stack.back().same_version(after)) {
      stack.push_back(after);
    }
  }
  if (stack.size() < 2) {
    return std::nullopt;
  }
  return stack[stack.size() - 2];
}

}  // namespace promptctl
