// promptctl approve|reject NAME[@REV] --stage S: record a decision on a committed version in
// git notes, under the committer's git identity.
#include <cstdlib>

#include "cli/command.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string address;
  std::string stage;
  std::string message;
  std::string signing_key;
  bool sign = false;
  bool no_sign = false;
  bool json = false;
};
Options& approve_options() {
  static Options instance;
  return instance;
}
Options& reject_options() {
  static Options instance;
  return instance;
}

void add_common(CLI::App& sub, Options& o, const char* what) {
  sub.add_option("NAME", o.address,
                 std::string("The version to ") + what +
                     ": NAME (HEAD's, which must be committed), NAME@REV or NAME@ENV")
      ->required();
  sub.add_option("--stage", o.stage, "The approval stage, as promptctl.yaml's 'requires' names it")
      ->required()
      ->type_name("STAGE");
  auto* sign = sub.add_flag("--sign", o.sign,
                            "Sign the decision with SSH (git's user.signingkey, or --signing-key)");
  sub.add_flag("--no-sign", o.no_sign,
               "Do not sign, even when git signs with SSH (gpg.format=ssh, user.signingkey)")
      ->excludes(sign);
  sub.add_option("--signing-key", o.signing_key,
                 "The SSH key to sign with: a private key file, or a public one whose private "
                 "key ssh-agent holds")
      ->type_name("FILE");
  sub.add_flag("--json", o.json, "Print the recorded decision as JSON");
}

// The key to sign with, or "" for an unsigned decision: --signing-key, else git's own SSH
// signing key unless --no-sign.
std::string signing_key_for(const Options& o, const repo::Repository& repository) {
  if (o.no_sign && !o.signing_key.empty()) {
    throw Error(ErrorKind::usage, "--no-sign and --signing-key contradict each other");
  }
  std::string key = o.no_sign ? "" : o.signing_key;
  if (key.empty() && !o.no_sign) {
    key = default_signing_key(repository);
  }
  if (o.sign && key.empty()) {
    throw Error(ErrorKind::usage, "--sign needs an SSH key", {},
                "name one with --signing-key FILE, or set git's user.signingkey with "
                "gpg.format=ssh");
  }
  if (key.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    key = std::string(home ? home : "") + key.substr(1);
  }
  return key;
}

void add_approve_options(CLI::App& sub) {
  Options& o = approve_options();
  add_common(sub, o, "approve");
  sub.add_option("-m,--message", o.message, "A comment kept with the approval")->type_name("TEXT");
}

void add_reject_options(CLI::App& sub) {
  Options& o = reject_options();
  add_common(sub, o, "reject");
  sub.add_option("-m,--message", o.message, "Why (required)")->type_name("REASON")->required();
}

int decide(Session& session, const Options& o, Verdict verdict) {
  Workspace& workspace = session.workspace();
  PromptVersionRef version = committed_version(workspace, o.address);
  auto repository = session.shared_repository();
  ApprovalBook book(workspace, *repository);
  Decision decision = record_decision(workspace, *repository, book, version, verdict, o.stage,
                                      o.message, signing_key_for(o, *repository));
  Output& out = session.out();
  if (o.json) {
    out.json(decision.to_json());
    return 0;
  }
  out.line(
      std::string(verdict == Verdict::approve ? "Approved" : "Rejected") + " stage " +
      out.paint(o.stage, Style::bold) + " of " + version.prompt + " at " +
      version.revision.short_id() + " (content " + short_hash(version.content) + ") as " +
      decision.approver() +
      (decision.describe_signature().empty() ? "" : " (" + decision.describe_signature() + ")"));
  std::vector<Decision> decisions = book.for_version(version.prompt, version.content);
  decisions.push_back(decision);
  for (const EnvironmentPolicy& policy : workspace.settings().environments) {
    if (!policy.has_stage(o.stage)) {
      continue;
    }
    std::vector<StageStatus> stages = evaluate_stages(policy, decisions);
    size_t approved =
        static_cast<size_t>(std::count_if(stages.begin(), stages.end(), [](const StageStatus& s) {
          return s.state == StageState::approved;
        }));
    out.line("  " + policy.name + ": " + std::to_string(approved) + " of " +
             std::to_string(stages.size()) + " stages approved");
  }
  return 0;
}

int run_approve(Session& session) {
  return decide(session, approve_options(), Verdict::approve);
}

int run_reject(Session& session) {
  return decide(session, reject_options(), Verdict::reject);
}

}  // namespace

extern const CommandSpec k_cmd_approve{"approve", "Approve a prompt version for a stage",
                                       Completes::prompt_names, add_approve_options, run_approve};
extern const CommandSpec k_cmd_reject{"reject", "Reject a prompt version at a stage, with a reason",
                                      Completes::prompt_names, add_reject_options, run_reject};

}  // namespace promptctl::cli
