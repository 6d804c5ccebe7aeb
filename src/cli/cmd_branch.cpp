// promptctl branch [NAME [START]] [-d NAME]: list, create and delete branches.
#include "cli/command.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> words;
  std::string delete_name;
  std::string force_delete_name;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.words,
                 "Create branch NAME at START (default: HEAD); with no NAME, list branches")
      ->expected(0, 2);
  sub.add_option("-d,--delete", o.delete_name,
                 "Delete branch NAME, refusing when it has unmerged commits")
      ->type_name("NAME");
  sub.add_option("-D", o.force_delete_name, "Delete branch NAME even when unmerged")
      ->type_name("NAME");
  sub.add_flag("--json", o.json, "Print the branches as JSON");
}

int list(Session& session, const Options& o) {
  repo::Repository& repository = session.repository();
  std::vector<repo::BranchInfo> branches = repository.branches();
  Output& out = session.out();
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const repo::BranchInfo& branch : branches) {
      list.push_back(
          {{"name", branch.name}, {"commit", branch.commit_id}, {"current", branch.current}});
    }
    std::string current = repository.current_branch();
    out.document({{"current", util::text_or_null(current)}, {"branches", list}});
    return 0;
  }
  for (const repo::BranchInfo& branch : branches) {
    std::string marker = branch.current ? "* " : "  ";
    out.line(marker + out.paint(pad(branch.name, 24), branch.current ? Style::green : Style::none) +
             " " + out.paint(branch.commit_id.substr(0, 7), Style::yellow));
  }
  return 0;
}

int run(Session& session, const Options& o) {
  int actions = (o.words.empty() ? 0 : 1) + (o.delete_name.empty() ? 0 : 1) +
                (o.force_delete_name.empty() ? 0 : 1);
  if (actions > 1) {
    throw Error(ErrorKind::usage, "give one of NAME, -d NAME or -D NAME");
  }
  repo::Repository& repository = session.repository();
  Output& out = session.out();
  if (!o.delete_name.empty() || !o.force_delete_name.empty()) {
    bool force = !o.force_delete_name.empty();
    const std::string& name = force ? o.force_delete_name : o.delete_name;
    repository.delete_branch(name, force);
    if (o.json) {
      out.document({{"deleted", name}});
    } else {
      out.line("Deleted branch " + name);
    }
    return 0;
  }
  if (o.words.empty()) {
    return list(session, o);
  }
  repo::Revision start = repository.resolve(o.words.size() == 2 ? o.words[1] : "HEAD");
  repository.create_branch(o.words[0], start);
  if (o.json) {
    out.document({{"created", o.words[0]}, {"commit", start.commit_id}});
  } else {
    out.line("Created branch " + o.words[0] + " at " + start.short_id());
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_branch{"branch", "List, create or delete branches",
                                      Completes::branches, Setup::workspace,
                                      declare<Options, add_options, run>};

}  // namespace promptctl::cli
