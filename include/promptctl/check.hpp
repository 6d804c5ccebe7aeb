// PROMPTCTL_CHECK: an invariant the code relies on. When it does not hold, the program has a
// bug: the operation stops with an `Error` of kind internal naming the file, line and the
// condition (the CLI exits with its internal-error code), instead of reading past the end of
// a vector or printing a wrong answer. Checked in every build: the conditions are cheap.
#pragma once

#include "promptctl/error.hpp"

namespace promptctl::check_detail {

[[noreturn]] void invariant_failed(const char* condition, const char* file, int line);

}  // namespace promptctl::check_detail

#define PROMPTCTL_CHECK(condition)                                                 \
  do {                                                                             \
    if (!(condition)) {                                                            \
      ::promptctl::check_detail::invariant_failed(#condition, __FILE__, __LINE__); \
    }                                                                              \
  } while (false)

/// A place the code never reaches when every case above it is handled.
#define PROMPTCTL_UNREACHABLE(what) \
  ::promptctl::check_detail::invariant_failed(what, __FILE__, __LINE__)
