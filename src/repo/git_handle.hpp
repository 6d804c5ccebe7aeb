// RAII owners for libgit2 objects, and the translation of libgit2 failures into errors.
#pragma once

#include <git2.h>

#include <memory>
#include <string>

#include "promptctl/error.hpp"

namespace promptctl::repo {

template <auto Free>
struct GitFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <class T, auto Free>
using GitHandle = std::unique_ptr<T, GitFree<Free>>;

using GitRepository = GitHandle<git_repository, git_repository_free>;
using GitBuf = std::unique_ptr<git_buf, GitFree<git_buf_dispose>>;

/// Throws an `Error` describing the last libgit2 failure when `code` is negative.
void check(int code, const std::string& doing);

}  // namespace promptctl::repo
