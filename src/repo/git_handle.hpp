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
using GitObject = GitHandle<git_object, &GitApi::git_object_free>;
using GitTree = GitHandle<git_tree, &GitApi::git_tree_free>;
using GitTreeEntry = GitHandle<git_tree_entry, &GitApi::git_tree_entry_free>;
using GitBlob = GitHandle<git_blob, &GitApi::git_blob_free>;
using GitStrarray = GitHandle<git_strarray, &GitApi::git_strarray_dispose>;
using GitStatusList = GitHandle<git_status_list, &GitApi::git_status_list_free>;
using GitIndex = GitHandle<git_index, &GitApi::git_index_free>;
using GitCommit = GitHandle<git_commit, &GitApi::git_commit_free>;
using GitSignature = GitHandle<git_signature, &GitApi::git_signature_free>;
using GitReference = GitHandle<git_reference, &GitApi::git_reference_free>;
using GitTreebuilder = GitHandle<git_treebuilder, &GitApi::git_treebuilder_free>;
using GitConfig = GitHandle<git_config, &GitApi::git_config_free>;

/// Throws an `Error` describing the last libgit2 failure when `code` is negative.
void check(int code, const std::string& doing);

}  // namespace promptctl::repo
