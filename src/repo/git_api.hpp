// libgit2's functions, resolved from the library on first use. Everything in src/repo calls
// libgit2 through `git()`, never directly, so that commands that do not touch git do not pay
// for loading libgit2 and its dependencies (several milliseconds at every start-up).
#pragma once

#include <git2.h>

namespace promptctl::repo {

// Every libgit2 function promptctl uses. To use another, add it here.
#define PROMPTCTL_GIT_FUNCTIONS(X) \
  X(git_libgit2_init)              \
  X(git_libgit2_shutdown)          \
  X(git_error_last)                \
  X(git_buf_dispose)               \
  X(git_repository_discover)       \
  X(git_repository_open)           \
  X(git_repository_free)           \
  X(git_repository_workdir)        \
  X(git_repository_init_ext)

struct GitApi {
#define PROMPTCTL_GIT_POINTER(name) decltype(&::name) name = nullptr;
  PROMPTCTL_GIT_FUNCTIONS(PROMPTCTL_GIT_POINTER)
#undef PROMPTCTL_GIT_POINTER
};

/// libgit2, loaded and initialised on first call and shut down at exit. Throws `Error` (io)
/// when the library cannot be loaded.
const GitApi& git();

}  // namespace promptctl::repo
