// promptctl restore NAME@REV: bring an earlier version back into the working tree.
#include "cli/command.hpp"
#include "promptctl/address.hpp"
#include "promptctl/changes.hpp"
#include "promptctl/history.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string address;
  bool force = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME@REV", o.address,
                 "The version to bring back: NAME@REV (a revision) or NAME@X.Y.Z (a release)")
      ->required();
  sub.add_flag("-f,--force", o.force, "Overwrite the prompt even when it has uncommitted changes");
  sub.add_flag("--json", o.json, "Print what was written as JSON");
}

int run(Session& session, const Options& o) {
  PromptAddress address = parse_address(o.address);
  if (address.revision.empty()) {
    throw Error(ErrorKind::usage, "restore needs a version: NAME@REV or NAME@X.Y.Z");
  }
  Workspace& workspace = session.workspace();
  auto repository = session.shared_repository();
  repo::Revision revision = resolve_revision(workspace, *repository, address);
  RevisionSource source(repository, revision, repository_prefix(workspace, *repository));
  if (!o.force) {
    for (const PromptChange& change : prompt_changes(workspace, session.repository(), false)) {
      if (change.name == address.name) {
        throw Error(ErrorKind::refused,
                    "'" + address.name + "' has uncommitted changes that restoring would lose", {},
                    "commit them first, or use --force to overwrite them");
      }
    }
  }
  RestoreResult result = restore_prompt(workspace, source, address.name);
  Output& out = session.out();
  if (o.json) {
    nlohmann::json shown = {
        {"prompt", address.name}, {"written", result.written}, {"removed", result.removed}};
    add_revision_fields(shown, revision);
    out.document(shown);
    return 0;
  }
  out.line("Restored " + address.name + " from " + revision.expression + " (" +
           revision.short_id() + "); commit it to make it the newest version");
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_restore{"restore", "Bring an earlier version of a prompt back",
                                       Completes::prompt_names, Setup::workspace,
                                       declare<Options, add_options, run>};

}  // namespace promptctl::cli
