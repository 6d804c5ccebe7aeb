// RAII owners for libgit2 objects, and the translation of libgit2 failures into errors.
#pragma once

#include <memory>
#include <string>

#include "promptctl/error.hpp"
#include "repo/git_api.hpp"

namespace promptctl::repo {

// Frees a libgit2 object through the loaded library's function for its type.
template <auto GitApi::*Free>
struct GitFree {
  template <class T>
  void operator()(T* p) const {
    (git().*Free)(p);
  }
};
template <class T, auto GitApi::*Free>
using GitHandle = std::unique_ptr<T, GitFree<Free>>;

using GitRepository = GitHandle<git_repository, &GitApi::git_repository_free>;
using GitBuf = GitHandle<git_buf, &GitApi::git_buf_dispose>;

/// Throws an `Error` describing the last libgit2 failure when `code` is negative.
void check(int code, const std::string& doing);

}  // namespace promptctl::repo
