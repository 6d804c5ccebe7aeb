// promptctl approve|reject NAME[@REV] --stage S: record a decision on a committed version in
// git notes, under the committer's git identity.
#include "cli/signing.hpp"
#include "promptctl/governance.hpp"
#include "promptctl/history.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string address;
  std::string stage;
  std::string message;
  SigningOptions signing;
  bool json = false;
};

void add_common(CLI::App& sub, Options& o, const char* what) {
  sub.add_option("NAME", o.address,
                 std::string("The version to ") + what +
                     ": NAME (HEAD's, which must be committed), NAME@REV or NAME@ENV")
      ->required();
  sub.add_option("--stage", o.stage, "The approval stage, as promptctl.yaml's 'requires' names it")
      ->required()
      ->type_name("STAGE");
  add_signing_options(sub, o.signing, "the decision");
  sub.add_flag("--json", o.json, "Print the recorded decision as JSON");
}

void add_approve_options(CLI::App& sub, Options& o) {
  add_common(sub, o, "approve");
  sub.add_option("-m,--message", o.message, "A comment kept with the approval")->type_name("TEXT");
}

void add_reject_options(CLI::App& sub, Options& o) {
  add_common(sub, o, "reject");
  sub.add_option("-m,--message", o.message, "Why (required)")->type_name("REASON")->required();
}

int decide(Session& session, const Options& o, Verdict verdict) {
  Workspace& workspace = session.workspace();
  PromptVersionRef version = committed_version(workspace, o.address);
  auto repository = session.shared_repository();
  ApprovalBook book(workspace, *repository);
  Decision decision = record_decision(workspace, *repository, book, version, verdict, o.stage,
                                      o.message, signing_key_for(o.signing, *repository));
  Output& out = session.out();
  if (o.json) {
    out.document(decision.to_json());
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

int run_approve(Session& session, const Options& o) {
  return decide(session, o, Verdict::approve);
}

int run_reject(Session& session, const Options& o) {
  return decide(session, o, Verdict::reject);
}

}  // namespace

extern const CommandSpec k_cmd_approve{"approve", "Approve a prompt version for a stage",
                                       Completes::prompt_names, Setup::workspace,
                                       declare<Options, add_approve_options, run_approve>};
extern const CommandSpec k_cmd_reject{"reject", "Reject a prompt version at a stage, with a reason",
                                      Completes::prompt_names, Setup::workspace,
                                      declare<Options, add_reject_options, run_reject>};

}  // namespace promptctl::cli
