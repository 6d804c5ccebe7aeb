// The state behind promptctl::repo::Repository, shared by the files that implement it.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"

namespace promptctl::repo {

struct Repository::Impl {
  GitRepository repository;
  std::filesystem::path work_tree;

  /// The tree of `folder` ("" for the top) in a commit, looked up once and kept while the
  /// repository is open, or nothing when the commit has no such folder. Reading many files of
  /// one folder (every prompt an environment pins) would otherwise parse the folder's tree
  /// each time: libgit2 keeps only small trees in its own cache. Safe from several threads.
  std::shared_ptr<git_tree> folder_tree(const Revision& revision, const std::string& folder);

  /// Held while a file is read (`read_file`), so that several threads may read files: libgit2's
  /// objects and repository are used by one thread at a time.
  std::mutex read_mutex;

 private:
  std::mutex m_trees_mutex;
  // By "COMMIT:FOLDER"; emptied when it grows past a few dozen, so that a long-lived process
  // walking many commits keeps little. Declared after `repository`, so freed before it.
  std::unordered_map<std::string, std::shared_ptr<git_tree>> m_trees;
};

}  // namespace promptctl::repo
