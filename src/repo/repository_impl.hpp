// The state behind promptctl::repo::Repository, shared by the files that implement it.
#pragma once

#include <filesystem>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"

namespace promptctl::repo {

struct Repository::Impl {
  GitRepository repository;
  std::filesystem::path work_tree;
};

}  // namespace promptctl::repo
