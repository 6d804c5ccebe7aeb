// promptctl release NAME --bump LEVEL: tag HEAD's version of a prompt as its next release.
#include "cli/command.hpp"
#include "promptctl/changes.hpp"
#include "promptctl/history.hpp"
#include "promptctl/release.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  Bump bump = Bump::patch;
  std::string message;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt to release")->required();
  const std::map<std::string, Bump> levels = {
      {"major", Bump::major}, {"minor", Bump::minor}, {"patch", Bump::patch}};
  sub.add_option("--bump", o.bump,
                 "Which part of the version to raise: major, minor or patch (the first release "
                 "is 1.0.0 whatever the level)")
      ->transform(CLI::CheckedTransformer(levels, CLI::ignore_case).description(""))
      ->type_name("major|minor|patch")
      ->required();
  sub.add_option("-m,--message", o.message, "The tag's message (default: 'Release NAME@X.Y.Z')");
  sub.add_flag("--json", o.json, "Print the release as JSON");
}

int run(Session& session, const Options& o) {
  std::string name = prompt_names({o.name}).front();
  Workspace& workspace = session.workspace();
  for (const PromptChange& change : prompt_changes(workspace, session.repository(), false)) {
    if (change.name == name) {
      session.out().warn("'" + name + "' has uncommitted changes; the release is HEAD's version");
    }
  }
  auto repository = session.shared_repository();
  Release release = create_release(workspace, repository, name, o.bump, o.message);
  Output& out = session.out();
  if (o.json) {
    out.document({{"prompt", release.name},
                  {"release", release.version.to_string()},
                  {"tag", release.tag.name},
                  {"commit", release.tag.commit_id},
                  {"content_hash", release.content_hash}});
    return 0;
  }
  out.line("Released " + out.paint(release.tag.name, Style::bold) + " at " +
           release.tag.commit_id.substr(0, 7) + " (content " + short_hash(release.content_hash) +
           ")");
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_release{"release", "Tag a prompt's committed version as a release",
                                       Completes::prompt_names, Setup::workspace,
                                       declare<Options, add_options, run>};

}  // namespace promptctl::cli
