// Running other programs. A helper (ssh-keygen) runs directly, never through a shell: the
// arguments reach it exactly as given, whatever characters data from a repository puts in them.
// Only a command the user configured (a pager, an editor) runs through /bin/sh, as git runs it.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace promptctl::util {

struct ProgramResult {
  int exit_code = -1;  ///< -1 when it was ended by a signal
  std::string out;
  std::string err;
};

/// Runs `argv[0]` (looked up in PATH) with the rest of `argv`, feeding it `input` on standard
/// input and collecting both outputs. The environment is this process's. Throws `Error`
/// (not_found) when the program cannot be started.
ProgramResult run_program(const std::vector<std::string>& argv, std::string_view input);

/// Starts the user's own command `command` (from the environment or git's configuration, never
/// from a repository) through /bin/sh. `arguments` reach it as "$@", never as command text.
/// When `standard_input` is not -1 it becomes the command's standard input. Returns the child's
/// pid for `wait_for_exit`. Throws `Error` (io) when the shell cannot start.
pid_t start_user_command(const std::string& command, const std::vector<std::string>& arguments,
                         int standard_input = -1);

/// Waits for the child `pid` to end, through interruptions: its exit code, or -1 when a signal
/// ended it or it was lost.
int wait_for_exit(pid_t pid);

}  // namespace promptctl::util
