// Long output through the user's pager at a terminal, as git does.
#pragma once

#include <sys/types.h>

#include <memory>

namespace promptctl::cli {

/// While it lives, standard output goes to a pager; when it ends, the pager has shown
/// everything and has quit. The pager is PROMPTCTL_PAGER, else PAGER, else `less` (with
/// LESS=FRX unless LESS is set: it quits when the text fits one screen and keeps colours).
/// An empty value or `cat` means no pager. Run by /bin/sh, as git runs it: the command comes
/// from the user's environment, never from a repository.
class Pager {
 public:
  /// The pager, started; nothing when none is chosen or it cannot start (output then goes
  /// straight to the terminal).
  static std::unique_ptr<Pager> start();
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

 private:
  explicit Pager(pid_t pid) : m_pid(pid) {}
  pid_t m_pid;
};

}  // namespace promptctl::cli
