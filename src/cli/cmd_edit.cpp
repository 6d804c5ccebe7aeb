// promptctl edit NAME: the prompt file in the user's editor, saved only when it lints clean.
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "cli/command.hpp"
#include "cli/editor.hpp"
#include "cli/exit_codes.hpp"
#include "promptctl/lint.hpp"
#include "promptctl/names.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::string name;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt to edit")->required();
}

// Where the copy being edited lives: beside the repository's other local state, named after the
// prompt so that the editor knows it for YAML.
fs::path draft_file(Workspace& workspace, const std::string& name) {
  std::string file_name = name;
  std::replace(file_name.begin(), file_name.end(), '/', '-');
  fs::path folder = workspace.state_dir().value_or(fs::temp_directory_path()) / "edit";
  util::make_private_directory(folder);
  return folder / (file_name + ".yaml");
}

// At a terminal, whether to open the editor again; anywhere else, no.
bool wants_another_go(const Output& out) {
  if (::isatty(STDIN_FILENO) != 1) {
    return false;
  }
  out.line("Edit again? [Y/n] ");
  (void)out.flush();
  std::string answer;
  if (!std::getline(std::cin, answer)) {
    return false;
  }
  return answer.empty() || answer == "y" || answer == "Y" || answer == "yes";
}

int run(Session& session, const Options& o) {
  Workspace& workspace = session.workspace();
  std::string name = prompt_names({o.name}).front();
  if (!workspace.exists(name)) {
    throw Error(workspace.not_found(name).kind(), workspace.not_found(name).message(), {},
                "'promptctl new " + name + "' creates it");
  }
  std::optional<std::string> core_editor;
  try {
    core_editor = session.repository().config_value("core.editor");
  } catch (const Error&) {
    // A prompt repository outside git: no git configuration to read.
  }
  std::string editor = chosen_editor(core_editor);
  if (editor.empty()) {
    throw Error(ErrorKind::usage, "no editor to edit with", {},
                "set EDITOR (or VISUAL, GIT_EDITOR, git's core.editor)");
  }
  fs::path file = workspace.file_for(name);
  workspace.check_inside(file, Workspace::display_path(name));
  std::string original = util::read_file(file);
  fs::path draft = draft_file(workspace, name);
  util::write_file_atomic(draft, original);
  Output& out = session.out();
  while (true) {
    run_editor(editor, draft);
    std::string edited = util::read_file(draft);
    if (edited == original) {
      fs::remove(draft);
      out.line("no changes made to " + Workspace::display_path(name));
      return k_exit_ok;
    }
    LintReport report =
        lint_text(workspace, name, SourceFile{Workspace::display_path(name), edited});
    for (const Diagnostic& diagnostic : report.diagnostics) {
      out.diagnostic(diagnostic, false);
    }
    if (report.errors() == 0) {
      util::write_file_atomic(file, edited);
      fs::remove(draft);
      out.line(
          "saved " + Workspace::display_path(name) +
          (report.warnings() > 0 ? " with " + util::counted(report.warnings(), "warning") : ""));
      return k_exit_ok;
    }
    if (!wants_another_go(out)) {
      out.line(Workspace::display_path(name) + " is unchanged; the edit is kept in " +
               draft.string());
      return k_exit_check_failed;
    }
  }
}

}  // namespace

extern const CommandSpec k_cmd_edit{
    "edit", "Edit a prompt in your editor, saved when it lints clean", Completes::prompt_names,
    Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
