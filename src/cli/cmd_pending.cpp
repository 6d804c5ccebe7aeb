// promptctl pending [--approver EMAIL | --mine]: committed versions waiting for approvals.
#include <algorithm>

#include "cli/deploying.hpp"
#include "promptctl/history.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> names;
  std::string approver;
  bool mine = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.names, "Only these prompts");
  sub.add_option("--approver", o.approver,
                 "Only stages this e-mail address may approve and has not decided yet")
      ->type_name("EMAIL");
  sub.add_flag("--mine", o.mine, "--approver with your git identity's e-mail address");
  sub.add_flag("--json", o.json, "Print the waiting versions as JSON");
}

int run(Session& session, const Options& o) {
  if (o.mine && !o.approver.empty()) {
    throw Error(ErrorKind::usage, "--mine and --approver both name the approver; use one");
  }
  std::string approver = o.mine ? session.repository().identities().first.email : o.approver;
  auto repository = session.shared_repository();
  ApprovalBook book(session.workspace(), *repository);
  std::vector<PendingApproval> pending =
      pending_approvals(session.workspace(), repository, book, approver);
  if (!o.names.empty()) {
    std::vector<std::string> names = prompt_names(o.names);
    std::erase_if(pending, [&](const PendingApproval& p) {
      return std::find(names.begin(), names.end(), p.prompt) == names.end();
    });
  }
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PendingApproval& p : pending) {
      nlohmann::json stages = nlohmann::json::array();
      for (const StageStatus& s : p.stages)
        stages.push_back(s.to_json());
      list.push_back({{"prompt", p.prompt},
                      {"commit", p.commit},
                      {"content_hash", p.content},
                      {"environment", p.environment},
                      {"emergency", p.emergency},
                      {"stages", stages}});
    }
    out.document({{"approver", util::identity_json("", approver)}, {"pending", list}});
    return 0;
  }
  if (pending.empty()) {
    out.line(approver.empty() ? "Nothing is waiting for approval."
                              : "Nothing is waiting for " + approver + ".");
  }
  for (const PendingApproval& p : pending) {
    out.line(out.paint(p.prompt, Style::bold) + " " + p.commit.substr(0, 7) + " (content " +
             short_hash(p.content) + ") for " + p.environment +
             (p.emergency ? " " + out.paint("deployed in an emergency", Style::red) : ""));
    print_stages(out, p.stages, "  ");
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_pending{"pending", "List versions waiting for approvals",
                                       Completes::prompt_names, Setup::workspace,
                                       declare<Options, add_options, run>};

}  // namespace promptctl::cli
