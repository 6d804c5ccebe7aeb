// promptctl rollback NAME --env E [--to REV]: move a pin back, validating the target first.
#include "cli/deploying.hpp"
#include "cli/signing.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::string environment;
  std::string to;
  std::string reason;
  std::string message;
  SigningOptions signing;
  bool emergency = false;
  bool dry_run = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt to roll back")->required();
  sub.add_option("--env", o.environment, "The environment whose pin moves")
      ->required()
      ->type_name("ENV");
  sub.add_option("--to", o.to,
                 "The version to go back to (a revision, release or environment; default: the "
                 "pin before the current one)")
      ->type_name("REV");
  sub.add_flag("--emergency", o.emergency,
               "Skip the approvals the target lacks; recorded as an emergency (needs --reason)");
  sub.add_option("--reason", o.reason, "Why, recorded in the commit and the pin")
      ->type_name("TEXT");
  sub.add_option("-m,--message", o.message, "Added to the rollback commit's message")
      ->type_name("TEXT");
  sub.add_flag("-n,--dry-run", o.dry_run, "Validate the target and report; commit nothing");
  add_signing_options(sub, o.signing, "the rollback commit");
  sub.add_flag("--json", o.json, "Print the rollback as JSON");
}

int run(Session& session, const Options& o) {
  if (o.emergency && o.reason.empty()) {
    throw Error(ErrorKind::usage, "an emergency rollback needs --reason TEXT");
  }
  std::string name = prompt_names({o.name}).front();
  Workspace& workspace = session.workspace();
  (void)environment_named(workspace.settings().environments, o.environment);
  auto repository = session.shared_repository();
  std::string target_address = name + "@" + o.to;
  if (o.to.empty()) {
    std::vector<PinChange> history = pin_history(workspace, *repository, name, o.environment);
    if (history.empty() || !history.front().after) {
      throw Error(ErrorKind::not_found, name + " is not deployed to " + o.environment);
    }
    std::optional<Pin> previous = rollback_target(history);
    if (!previous) {
      throw Error(ErrorKind::not_found,
                  name + " has no earlier deploy in " + o.environment + " to roll back to", {},
                  "name a version with --to REV");
    }
    target_address = name + "@" + previous->commit;
  }
  DeployRequest request{o.environment,
                        o.emergency ? DeployAction::emergency_rollback : DeployAction::rollback,
                        o.message, o.reason, signing_key_for(o.signing, *repository)};
  DeployPlan plan = plan_address(session, target_address, request);
  if (!plan.current) {
    throw Error(ErrorKind::not_found, name + " is not deployed to " + o.environment, {},
                "'promptctl deploy' pins a first version");
  }
  DeployOutcome outcome = carry_out(session, plan, o.dry_run);
  report_deploy(session.out(), plan, outcome, o.dry_run, o.json);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_rollback{"rollback", "Move an environment's pin back",
                                        Completes::prompt_names, Setup::ledger,
                                        declare<Options, add_options, run>};

}  // namespace promptctl::cli
