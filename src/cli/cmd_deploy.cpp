// promptctl deploy NAME[@REV] --env E and promote NAME --from E1 --to E2: move a pin, as a
// commit of the pins file, once the environment's policy is satisfied.
#include "cli/deploying.hpp"
#include "cli/signing.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string address;
  std::string environment;
  std::string from;
  std::string message;
  SigningOptions signing;
  bool dry_run = false;
  bool json = false;
};

void add_common(CLI::App& sub, Options& o) {
  sub.add_option("-m,--message", o.message, "Added to the deploy commit's message")
      ->type_name("TEXT");
  sub.add_flag("-n,--dry-run", o.dry_run,
               "Check everything (approvals, rendering, tests) but commit nothing");
  add_signing_options(sub, o.signing, "the deploy commit");
  sub.add_flag("--json", o.json, "Print the deploy as JSON");
}

void add_deploy_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.address,
                 "The version to deploy: NAME (HEAD's, which must be committed), NAME@REV, "
                 "NAME@X.Y.Z or NAME@ENV")
      ->required();
  sub.add_option("--env", o.environment, "The environment to deploy to")
      ->required()
      ->type_name("ENV");
  add_common(sub, o);
}

void add_promote_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.address, "The prompt to promote")->required();
  sub.add_option("--from", o.from, "The environment whose pinned version is promoted")
      ->required()
      ->type_name("ENV");
  sub.add_option("--to", o.environment, "The environment to deploy it to")
      ->required()
      ->type_name("ENV");
  add_common(sub, o);
}

int deploy_version(Session& session, const Options& o, const std::string& address,
                   DeployAction action) {
  DeployPlan plan = plan_address(
      session, address,
      {o.environment, action, o.message, "", signing_key_for(o.signing, session.repository())});
  DeployOutcome outcome = carry_out(session, plan, o.dry_run);
  report_deploy(session.out(), plan, outcome, o.dry_run, o.json);
  return 0;
}

int run_deploy(Session& session, const Options& o) {
  return deploy_version(session, o, o.address, DeployAction::deploy);
}

int run_promote(Session& session, const Options& o) {
  PromptAddress address = parse_address(o.address);
  if (!address.revision.empty()) {
    throw Error(ErrorKind::usage, "promote takes a prompt name; --from says which version");
  }
  if (o.from == o.environment) {
    throw Error(ErrorKind::usage, "--from and --to name the same environment");
  }
  (void)environment_named(session.workspace().settings().environments, o.from);
  return deploy_version(session, o, address.name + "@" + o.from, DeployAction::promote);
}

}  // namespace

extern const CommandSpec k_cmd_deploy{"deploy", "Pin a prompt version in an environment",
                                      Completes::prompt_names, Setup::ledger,
                                      declare<Options, add_deploy_options, run_deploy>};
extern const CommandSpec k_cmd_promote{"promote", "Deploy what one environment pins to another",
                                       Completes::prompt_names, Setup::ledger,
                                       declare<Options, add_promote_options, run_promote>};

}  // namespace promptctl::cli
