// promptctl remote [list] | remote add NAME URL: the repositories this one syncs with.
#include "cli/command.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> words;
  bool json = false;
};
Options& options() {
  static Options instance;
  return instance;
}

void add_options(CLI::App& sub) {
  sub.add_option("ACTION", options().words,
                 "'list' (the default) or 'add NAME URL' (a path, file://, https:// or ssh://)")
      ->expected(0, 3);
  sub.add_flag("--json", options().json, "Print the remotes as JSON");
}

int list(Session& session) {
  std::vector<repo::RemoteInfo> remotes = session.repository().remotes();
  Output& out = session.out();
  if (options().json) {
    nlohmann::json list = nlohmann::json::array();
    for (const repo::RemoteInfo& remote : remotes) {
      list.push_back({{"name", remote.name}, {"url", remote.url}});
    }
    out.json({{"remotes", list}});
    return 0;
  }
  for (const repo::RemoteInfo& remote : remotes) {
    out.line(pad(remote.name, 16) + " " + remote.url);
  }
  return 0;
}

int run(Session& session) {
  const std::vector<std::string>& words = options().words;
  if (words.empty() || (words.size() == 1 && words[0] == "list")) {
    return list(session);
  }
  if (words[0] != "add") {
    throw Error(ErrorKind::usage, "unknown remote action '" + words[0] + "'", {},
                "use 'promptctl remote list' or 'promptctl remote add NAME URL'");
  }
  if (words.size() != 3) {
    throw Error(ErrorKind::usage, "'remote add' takes a NAME and a URL");
  }
  session.repository().add_remote(words[1], words[2]);
  if (options().json) {
    session.out().json({{"added", words[1]}});
  } else {
    session.out().line("Added remote " + words[1]);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_remote{"remote", "List or add remotes", Completes::nothing,
                                      add_options, run};

}  // namespace promptctl::cli
