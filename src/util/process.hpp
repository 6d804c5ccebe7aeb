// Running a helper program (ssh-keygen) directly, never through a shell: the arguments reach it
// exactly as given, whatever characters data from a repository puts in them.
#pragma once

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

}  // namespace promptctl::util
