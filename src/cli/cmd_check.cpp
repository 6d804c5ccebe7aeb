// promptctl check [--rev REV]: every pin in the pins file against its environment's policy,
// so that a hand-edited pin cannot slip through review.
#include <algorithm>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "promptctl/governance.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string revision;
  bool strict = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("--rev", o.revision,
                 "Check the pins file committed at this revision (default: the working tree's)")
      ->type_name("REV");
  sub.add_flag("--strict", o.strict,
               "Fail on emergency pins that still lack approvals too, not only warn");
  sub.add_flag("--json", o.json, "Print each pin's findings as JSON");
}

PinFile read_pins(Session& session, const std::string& revision) {
  Workspace& workspace = session.workspace();
  if (!revision.empty()) {
    repo::Repository& repository = session.repository();
    return pins_at(repository, repository.resolve(revision),
                   repository_prefix(workspace, repository));
  }
  auto text = util::read_file_if_exists(workspace.root() / k_pins_file);
  if (!text) {
    return {};
  }
  std::vector<Diagnostic> diagnostics;
  PinFile pins = parse_pins(*text, k_pins_file, diagnostics);
  throw_if_errors(diagnostics);
  return pins;
}

int run(Session& session, const Options& o) {
  PinFile pins = read_pins(session, o.revision);
  auto repository = session.shared_repository();
  std::vector<PinCheck> checks = check_pins(session.workspace(), repository, pins,
                                            ApprovalBook(session.workspace(), *repository));
  std::vector<NotesTampering> tampering = check_notes_history(*repository);
  bool failed = !tampering.empty();
  for (const PinCheck& check : checks) {
    failed = failed || !check.problems.empty() || (o.strict && check.emergency);
  }
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PinCheck& check : checks)
      list.push_back(check.to_json());
    nlohmann::json removed = nlohmann::json::array();
    for (const NotesTampering& t : tampering)
      removed.push_back(t.to_json());
    out.document({{"ok", !failed}, {"pins", list}, {"approvals_removed", removed}});
    return failed ? k_exit_check_failed : k_exit_ok;
  }
  for (const NotesTampering& t : tampering) {
    out.line(out.paint("fail ", Style::red) + "approval history: " + t.describe());
  }
  for (const PinCheck& check : checks) {
    std::string where =
        check.environment + " " + check.prompt + " " + check.pin.commit.substr(0, 7);
    if (!check.problems.empty()) {
      out.line(out.paint("fail ", Style::red) + where);
      for (const std::string& problem : check.problems)
        out.line("  " + problem);
    } else if (check.emergency) {
      out.line(out.paint("emergency ", Style::yellow) + where + ": deployed without its approvals" +
               (check.pin.reason.empty() ? "" : " (" + check.pin.reason + ")"));
    } else {
      out.line(out.paint("ok   ", Style::green) + where);
    }
  }
  size_t emergencies = static_cast<size_t>(
      std::count_if(checks.begin(), checks.end(), [](const PinCheck& c) { return c.emergency; }));
  out.line(util::counted(checks.size(), "pin") + " checked" +
           (failed ? ", " + out.paint("some fail their policy", Style::red) : ", all sound") +
           (emergencies ? ", " + std::to_string(emergencies) + " deployed in an emergency" : ""));
  return failed ? k_exit_check_failed : k_exit_ok;
}

}  // namespace

extern const CommandSpec k_cmd_check{"check", "Verify every pin against its environment's policy",
                                     Completes::nothing, Setup::workspace,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
