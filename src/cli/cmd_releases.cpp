// promptctl releases NAME: a prompt's releases, newest first.
#include "cli/command.hpp"
#include "promptctl/history.hpp"
#include "promptctl/release.hpp"
#include "util/dates.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt whose releases to list")->required();
  sub.add_flag("--json", o.json, "Print the releases as JSON");
}

int run(Session& session, const Options& o) {
  std::string name = prompt_names({o.name}).front();
  Workspace& workspace = session.workspace();
  auto repository = session.shared_repository();
  std::vector<Release> found = releases(workspace, repository, name);
  std::reverse(found.begin(), found.end());
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Release& release : found) {
      const std::optional<repo::Identity>& tagger = release.tag.tagger;
      list.push_back(
          {{"release", release.version.to_string()},
           {"tag", release.tag.name},
           {"commit", release.tag.commit_id},
           {"content_hash", release.content_hash},
           {"message", release.tag.message},
           {"tagger", tagger ? util::identity_json(tagger->name, tagger->email) : nullptr},
           {"tagged_at", tagger ? nlohmann::json(util::format_utc(tagger->time)) : nullptr}});
    }
    out.document({{"prompt", name}, {"releases", list}});
    return 0;
  }
  if (found.empty()) {
    out.line("'" + name + "' has no releases yet");
    return 0;
  }
  for (const Release& release : found) {
    std::string date = release.tag.tagger ? util::format_date(release.tag.tagger->time,
                                                              release.tag.tagger->offset_minutes)
                                                .substr(0, 10)
                                          : std::string(10, ' ');
    std::string summary = release.tag.message.substr(0, release.tag.message.find('\n'));
    out.line(out.paint(pad(release.version.to_string(), 10), Style::bold) + " " +
             out.paint(release.tag.commit_id.substr(0, 7), Style::yellow) + "  " + date + "  " +
             out.paint(short_hash(release.content_hash), Style::dim) + "  " + summary);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_releases{"releases", "List a prompt's releases",
                                        Completes::prompt_names, Setup::workspace,
                                        declare<Options, add_options, run>};

}  // namespace promptctl::cli
