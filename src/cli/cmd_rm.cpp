// promptctl rm NAME…: delete prompts.
#include "cli/command.hpp"
#include "promptctl/scaffold.hpp"

namespace promptctl::cli {
namespace {

struct RmOptions {
  std::vector<std::string> names;
  bool force = false;
  bool json = false;
};

void add_rm_options(CLI::App& sub, RmOptions& o) {
  sub.add_option("NAME", o.names, "Prompts to delete")->required();
  sub.add_flag("-f,--force", o.force, "Delete even when other prompts use it as a partial");
  sub.add_flag("--json", o.json, "Print the files removed as JSON");
}

int run_rm(Session& session, const RmOptions& o) {
  Workspace& workspace = session.workspace();
  std::vector<std::string> names = prompt_names(o.names);
  for (const std::string& name : names) {  // check them all before deleting any
    if (!workspace.exists(name)) {
      throw workspace.not_found(name);
    }
  }
  nlohmann::json removed = nlohmann::json::array();
  for (const std::string& name : names) {
    for (const std::string& file : remove_prompt(workspace, name, o.force)) {
      removed.push_back(file);
      if (!o.json) {
        session.out().line("Removed " + file);
      }
    }
  }
  if (o.json) {
    session.out().document({{"removed", removed}});
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_rm{"rm", "Delete prompts", Completes::prompt_names, Setup::workspace,
                                  declare<RmOptions, add_rm_options, run_rm>};

}  // namespace promptctl::cli
