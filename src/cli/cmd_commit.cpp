// promptctl commit -m MSG [NAME…]: commit changed prompts.
#include "cli/command.hpp"
#include "promptctl/changes.hpp"
#include "util/fs.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string message;
  std::string message_file;
  std::vector<std::string> names;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  CLI::Option* message = sub.add_option("-m,--message", o.message, "The commit message");
  sub.add_option("-F,--file", o.message_file,
                 "Take the commit message from FILE; '-' reads standard input")
      ->type_name("FILE")
      ->excludes(message);
  sub.add_option(
      "NAME", o.names,
      "Prompts to commit (default: every changed file under prompts/ and promptctl.yaml)");
  sub.add_flag("--json", o.json, "Print the new commit as JSON");
}

int run(Session& session, const Options& given) {
  Options o = given;
  if (!o.message_file.empty()) {
    o.message = o.message_file == "-" ? util::read_stdin() : util::read_file(o.message_file);
  } else if (o.message.empty()) {
    throw Error(ErrorKind::usage, "a commit needs a message", {},
                "give it with -m TEXT or -F FILE");
  }
  if (o.message.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorKind::usage, "the commit message is empty");
  }
  PromptCommit commit =
      commit_prompts(session.workspace(), session.repository(), prompt_names(o.names), o.message);
  const repo::CommitResult& result = commit.result;
  Output& out = session.out();
  if (o.json) {
    out.document(
        {{"commit", result.commit_id}, {"branch", result.branch}, {"paths", commit.paths}});
    return 0;
  }
  std::string subject = o.message.substr(0, o.message.find('\n'));
  out.line("[" + (result.branch.empty() ? std::string("detached HEAD") : result.branch) + " " +
           result.commit_id.substr(0, 7) + "] " + subject);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_commit{"commit", "Commit changed prompts", Completes::prompt_names,
                                      Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
