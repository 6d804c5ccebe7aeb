// promptctl mv OLD NEW: rename a prompt and rewrite references to it.
#include "cli/command.hpp"
#include "promptctl/scaffold.hpp"

namespace promptctl::cli {
namespace {

struct MvOptions {
  std::string from;
  std::string to;
  bool no_rewrite = false;
  bool json = false;
};

void add_mv_options(CLI::App& sub, MvOptions& o) {
  sub.add_option("OLD", o.from, "The prompt to rename")->required();
  sub.add_option("NEW", o.to, "Its new name")->required();
  sub.add_flag("--no-rewrite", o.no_rewrite,
               "Only report partial references to OLD instead of rewriting them");
  sub.add_flag("--json", o.json, "Print what was moved and rewritten as JSON");
}

int run_mv(Session& session, const MvOptions& o) {
  std::vector<std::string> names = prompt_names({o.from, o.to});
  MoveReport report = move_prompt(session.workspace(), names[0], names[1], !o.no_rewrite);
  Output& out = session.out();
  if (o.json) {
    nlohmann::json left = nlohmann::json::array();
    for (const PartialReference& reference : report.left) {
      left.push_back({{"prompt", reference.prompt},
                      {"file", reference.location.file},
                      {"line", reference.location.line},
                      {"column", reference.location.column}});
    }
    nlohmann::json moved = nlohmann::json::array();
    for (const FileMove& move : report.files_moved) {
      moved.push_back({{"from", move.from}, {"to", move.to}});
    }
    out.document(
        {{"moved", moved}, {"rewritten", report.prompts_updated}, {"references_left", left}});
    return 0;
  }
  for (const FileMove& move : report.files_moved) {
    out.line("Renamed " + move.from + " -> " + move.to);
  }
  for (const std::string& prompt : report.prompts_updated) {
    out.line("Updated partial references in " + prompt);
  }
  for (const PartialReference& reference : report.left) {
    out.warn(reference.location.to_string() + ": '" + reference.prompt + "' still refers to '" +
             names[0] + "'; edit it by hand");
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_mv{"mv", "Rename a prompt and update references to it",
                                  Completes::prompt_names, Setup::workspace,
                                  declare<MvOptions, add_mv_options, run_mv>};

}  // namespace promptctl::cli
