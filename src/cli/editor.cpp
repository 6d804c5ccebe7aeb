#include "cli/editor.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "promptctl/error.hpp"
#include "util/strings.hpp"

extern char** environ;

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
  std::string shell = "sh";
  std::string flag = "-c";
  std::string script = editor + " \"$@\"";
  std::string name = editor;
  std::string path = file.string();
  char* argv[] = {shell.data(), flag.data(), script.data(), name.data(), path.data(), nullptr};
  pid_t pid = 0;
  if (int failed = posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, environ); failed != 0) {
    throw Error(ErrorKind::io, "cannot start the editor: " + std::string(std::strerror(failed)));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throw Error(ErrorKind::io, "lost the editor: " + std::string(std::strerror(errno)));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(ErrorKind::refused,
                "the editor '" + util::printable(editor) + "' did not exit cleanly; nothing done");
  }
}

}  // namespace promptctl::cli
