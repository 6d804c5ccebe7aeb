// promptctl remote [list] | remote add NAME URL: the repositories this one syncs with.
#include "cli/command.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> words;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("ACTION", o.words,
                 "'list' (the default) or 'add NAME URL' (a path, file://, https:// or ssh://)")
      ->type_name("list|add")  // the actions completion offers
      ->expected(0, 3);
  sub.add_flag("--json", o.json, "Print the remotes as JSON");
}

int list(Session& session, const Options& o) {
  std::vector<repo::RemoteInfo> remotes = session.repository().remotes();
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const repo::RemoteInfo& remote : remotes) {
      list.push_back({{"name", remote.name}, {"url", remote.url}});
    }
    out.document({{"remotes", list}});
    return 0;
  }
  for (const repo::RemoteInfo& remote : remotes) {
    out.line(pad(remote.name, 16) + " " + remote.url);
  }
  return 0;
}

int run(Session& session, const Options& o) {
  const std::vector<std::string>& words = o.words;
  if (words.empty() || (words.size() == 1 && words[0] == "list")) {
    return list(session, o);
  }
  if (words[0] != "add") {
    throw Error(ErrorKind::usage, "unknown remote action '" + words[0] + "'", {},
                "use 'promptctl remote list' or 'promptctl remote add NAME URL'");
  }
  if (words.size() != 3) {
    throw Error(ErrorKind::usage, "'remote add' takes a NAME and a URL");
  }
  session.repository().add_remote(words[1], words[2]);
  if (o.json) {
    session.out().document({{"added", words[1]}});
  } else {
    session.out().line("Added remote " + words[1]);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_remote{"remote", "List or add remotes", Completes::nothing,
                                      Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
