#include "cli/pager.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "promptctl/error.hpp"
#include "util/process.hpp"

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
  // Both ends close on exec: the pager gets the read end as its standard input only, so it
  // sees the end of the text when this process closes its standard output.
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) {
    return nullptr;
  }
  prepare_environment();
  pid_t pid = -1;
  try {
    pid = util::start_user_command(command, {}, ends[0]);
  } catch (const Error&) {
  }
  ::close(ends[0]);
  if (pid < 0) {
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
  util::wait_for_exit(m_pid);
}

}  // namespace promptctl::cli
