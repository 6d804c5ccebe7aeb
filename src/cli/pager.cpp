#include "cli/pager.hpp"

#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

extern char** environ;

namespace promptctl::cli {
namespace {

std::string chosen_pager() {
  for (const char* variable : {"PROMPTCTL_PAGER", "PAGER"}) {
    if (const char* value = std::getenv(variable)) {
      return value;
    }
  }
  return "less";
}

// What the pager needs to know before standard output stops being the terminal: its width,
// and for less, to quit at once on short text and pass colours through.
void prepare_environment() {
  struct winsize size {};
  if (std::getenv("COLUMNS") == nullptr && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0) {
    ::setenv("COLUMNS", std::to_string(size.ws_col).c_str(), 0);
  }
  ::setenv("LESS", "FRX", 0);
  ::setenv("LV", "-c", 0);
}

}  // namespace

std::unique_ptr<Pager> Pager::start() {
  std::string command = chosen_pager();
  if (command.empty() || command == "cat") {
    return nullptr;
  }
  int ends[2];
  if (::pipe(ends) != 0) {
    return nullptr;
  }
  prepare_environment();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ends[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, ends[0]);
  posix_spawn_file_actions_addclose(&actions, ends[1]);
  std::string shell = "sh";
  std::string flag = "-c";
  char* argv[] = {shell.data(), flag.data(), command.data(), nullptr};
  pid_t pid = 0;
  int failed = posix_spawn(&pid, "/bin/sh", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(ends[0]);
  if (failed != 0) {
    ::close(ends[1]);
    return nullptr;
  }
  std::fflush(stdout);
  ::dup2(ends[1], STDOUT_FILENO);
  ::close(ends[1]);
  // Quitting the pager early is not an error: writes then fail quietly instead of killing us.
  std::signal(SIGPIPE, SIG_IGN);
  return std::unique_ptr<Pager>(new Pager(pid));
}

Pager::~Pager() {
  std::fflush(stdout);
  ::close(STDOUT_FILENO);  // the pager sees the end of the text
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace promptctl::cli
