// Exit codes, documented in promptctl(1). Add a code there before using it here.
#pragma once

#include "promptctl/error.hpp"

namespace promptctl::cli {

enum ExitCode : int {
  k_exit_ok = 0,
  k_exit_check_failed = 1,  ///< the command ran and the answer is "no" (lint found problems)
  k_exit_usage = 2,         ///< bad arguments or invalid input (files, names, values)
  k_exit_system = 3,        ///< the system or git failed (I/O, permissions, libgit2)
  k_exit_internal = 4,      ///< a bug in promptctl
  k_exit_provider = 5,      ///< a model provider failed (HTTP error, unreachable, bad answer)
};

inline int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::invalid_input:
    case ErrorKind::not_found:
    case ErrorKind::already_exists:
      return k_exit_usage;
    case ErrorKind::io:
    case ErrorKind::git:
      return k_exit_system;
    case ErrorKind::refused:
      return k_exit_check_failed;
    case ErrorKind::internal:
      return k_exit_internal;
    case ErrorKind::provider:
      return k_exit_provider;
  }
  return k_exit_internal;
}

}  // namespace promptctl::cli
