// promptctl commit -m MSG [NAME…]: commit changed prompts.
#include <cctype>
#include <sstream>

#include "cli/command.hpp"
#include "cli/editor.hpp"
#include "promptctl/changes.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string message;
  std::string message_file;
  std::vector<std::string> names;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  CLI::Option* message = sub.add_option(
      "-m,--message", o.message,
      "The commit message (without -m or -F, it is written in your editor, as git asks)");
  sub.add_option("-F,--file", o.message_file,
                 "Take the commit message from FILE; '-' reads standard input")
      ->type_name("FILE")
      ->excludes(message);
  sub.add_option(
      "NAME", o.names,
      "Prompts to commit (default: every changed file under prompts/ and promptctl.yaml)");
  sub.add_flag("--json", o.json, "Print the new commit as JSON");
}

// The message without git's comment lines and the blank lines at its end.
std::string without_comments(const std::string& text) {
  std::string message;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#")) {
      message += line + "\n";
    }
  }
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  return message.empty() ? message : message + "\n";
}

// The message written in the user's editor, as `git commit` asks for it.
std::string message_from_editor(Session& session, const std::vector<std::string>& paths) {
  std::string editor = chosen_editor(session.repository().config_value("core.editor"));
  if (editor.empty()) {
    throw Error(ErrorKind::usage, "a commit needs a message", {},
                "give it with -m TEXT or -F FILE, or set EDITOR to write it there");
  }
  if (paths.empty()) {
    throw Error(ErrorKind::refused, "nothing to commit: no prompt changed since HEAD");
  }
  std::string text =
      "\n# Write the message of this commit. Lines starting with '#' are left out, and an\n"
      "# empty message stops the commit.\n#\n# To be committed:\n";
  for (const std::string& path : paths) {
    text += "#\t" + util::visible(path) + "\n";
  }
  std::filesystem::path file =
      session.workspace().state_dir().value_or(std::filesystem::temp_directory_path()) /
      "COMMIT_EDITMSG";
  util::make_private_directory(file.parent_path());
  util::write_file_atomic(file, text);
  run_editor(editor, file);
  std::string message = without_comments(util::read_file(file));
  if (message.empty()) {
    throw Error(ErrorKind::refused, "the commit message is empty: nothing committed");
  }
  return message;
}

int run(Session& session, const Options& given) {
  Options o = given;
  if (!o.message_file.empty()) {
    o.message = o.message_file == "-" ? util::read_stdin() : util::read_file(o.message_file);
  }
  bool message_given = !o.message_file.empty() || !o.message.empty();
  if (message_given && o.message.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(ErrorKind::usage, "the commit message is empty");
  }
  std::vector<std::string> paths =
      commit_paths(session.workspace(), session.repository(), prompt_names(o.names));
  if (!message_given) {
    o.message = message_from_editor(session, paths);
  }
  repo::CommitResult result = commit_prompts(session.repository(), paths, o.message);
  Output& out = session.out();
  if (o.json) {
    out.document({{"commit", result.commit_id}, {"branch", result.branch}, {"paths", paths}});
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
