#include "cli/editor.hpp"

#include <unistd.h>

#include <cstdlib>

#include "promptctl/error.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

std::string variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::string chosen_editor(const std::optional<std::string>& core_editor) {
  if (std::string editor = variable("GIT_EDITOR"); !editor.empty()) {
    return editor;
  }
  if (core_editor && !core_editor->empty()) {
    return *core_editor;
  }
  if (std::string editor = variable("VISUAL"); !editor.empty() && variable("TERM") != "dumb") {
    return editor;
  }
  if (std::string editor = variable("EDITOR"); !editor.empty()) {
    return editor;
  }
  return ::isatty(STDIN_FILENO) == 1 && variable("TERM") != "dumb" ? "vi" : "";
}

void run_editor(const std::string& editor, const std::filesystem::path& file) {
  pid_t pid = util::start_user_command(editor, {file.string()});
  if (util::wait_for_exit(pid) != 0) {
    throw Error(ErrorKind::refused,
                "the editor '" + util::printable(editor) + "' did not exit cleanly; nothing done");
  }
}

}  // namespace promptctl::cli
