// promptctl approvals NAME[@REV]: where a version stands in each environment's approvals.
#include "cli/deploying.hpp"
#include "promptctl/history.hpp"
#include "util/dates.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string address;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.address, "The version: NAME (HEAD's), NAME@REV or NAME@ENV")->required();
  sub.add_flag("--json", o.json, "Print the decisions and stage states as JSON");
}

int run(Session& session, const Options& o) {
  Workspace& workspace = session.workspace();
  PromptVersionRef version = committed_version(workspace, o.address);
  ApprovalBook book(workspace, session.repository());
  std::vector<Decision> decisions = book.for_version(version.prompt, version.content);
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Decision& d : decisions)
      list.push_back(d.to_json());
    nlohmann::json environments = nlohmann::json::array();
    for (const EnvironmentPolicy& policy : workspace.settings().environments) {
      std::vector<StageStatus> stages = evaluate_stages(policy, decisions);
      nlohmann::json states = nlohmann::json::array();
      for (const StageStatus& s : stages)
        states.push_back(s.to_json());
      environments.push_back({{"environment", policy.name},
                              {"approved", policy.auto_approve || all_approved(stages)},
                              {"stages", states}});
    }
    out.document({{"prompt", version.prompt},
                  {"commit", version.revision.commit_id},
                  {"content_hash", version.content},
                  {"decisions", list},
                  {"environments", environments}});
    return 0;
  }
  out.line(out.paint(version.prompt, Style::bold) + " at " + version.revision.short_id() +
           " (content " + short_hash(version.content) + ")");
  for (const EnvironmentPolicy& policy : workspace.settings().environments) {
    std::vector<StageStatus> stages = evaluate_stages(policy, decisions);
    bool ready = policy.auto_approve || all_approved(stages);
    out.line(policy.name + ": " +
             (ready ? out.paint("ready to deploy", Style::green)
                    : out.paint("not approved", Style::yellow)) +
             (policy.auto_approve ? " (approves automatically)" : ""));
    print_stages(out, stages, "  ");
  }
  if (!decisions.empty()) {
    out.line("decisions:");
  }
  for (const Decision& d : decisions) {
    out.line("  " + util::format_date(d.time_ms / 1000, 0) + "  " +
             (d.verdict == Verdict::approve ? "approve " : "reject  ") + pad(d.stage, 10) + " " +
             d.approver() + (d.comment.empty() ? "" : ": " + d.comment) +
             (d.describe_signature().empty() ? "" : "  [" + d.describe_signature() + "]"));
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_approvals{
    "approvals", "Show a version's approvals in each environment", Completes::prompt_names,
    Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
