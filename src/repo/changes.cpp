// What differs between HEAD and the working tree.
#include <algorithm>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/repository_impl.hpp"

namespace promptctl::repo {

namespace {

const char* path_of(const git_diff_delta* delta, bool old_side) {
  if (!delta) {
    return nullptr;
  }
  return old_side ? delta->old_file.path : delta->new_file.path;
}

// HEAD against the working tree, from the two halves git keeps: HEAD to index, index to tree.
std::optional<FileChange> combine(const git_status_entry& entry) {
  unsigned int s = entry.status;
  const git_diff_delta* staged = entry.head_to_index;
  const git_diff_delta* unstaged = entry.index_to_workdir;
  FileChange change;
  const char* path = path_of(unstaged, false) ? path_of(unstaged, false) : path_of(staged, false);
  change.path = path ? path : "";
  if (s & GIT_STATUS_CONFLICTED) {
    change.kind = ChangeKind::conflicted;
  } else if (s & (GIT_STATUS_INDEX_RENAMED | GIT_STATUS_WT_RENAMED)) {
    change.kind = ChangeKind::renamed;
    const char* old_path =
        (s & GIT_STATUS_INDEX_RENAMED) ? path_of(staged, true) : path_of(unstaged, true);
    change.old_path = old_path ? old_path : "";
  } else if (s & (GIT_STATUS_INDEX_NEW | GIT_STATUS_WT_NEW | GIT_STATUS_IGNORED)) {
    if (s & GIT_STATUS_WT_DELETED) {
      return std::nullopt;  // staged, then deleted: nothing against HEAD
    }
    change.kind = ChangeKind::added;
  } else if (s & (GIT_STATUS_INDEX_DELETED | GIT_STATUS_WT_DELETED)) {
    change.kind = ChangeKind::deleted;
  } else if (s & (GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_WT_MODIFIED | GIT_STATUS_INDEX_TYPECHANGE |
                  GIT_STATUS_WT_TYPECHANGE)) {
    change.kind = ChangeKind::modified;
  } else {
    return std::nullopt;
  }
  return change;
}

}  // namespace

std::vector<FileChange> Repository::changes(const std::vector<std::string>& pathspecs,
                                            IgnoredFiles ignored) const {
  std::vector<char*> specs;
  std::vector<std::string> storage = pathspecs;
  for (std::string& spec : storage) {
    specs.push_back(spec.data());
  }
  git_status_options options = {};  // what GIT_STATUS_OPTIONS_INIT sets
  options.version = GIT_STATUS_OPTIONS_VERSION;
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                  GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX | GIT_STATUS_OPT_RENAMES_INDEX_TO_WORKDIR |
                  GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  if (ignored == IgnoredFiles::included) {
    options.flags |= GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS;
  }
  options.pathspec = {specs.data(), specs.size()};
  git_status_list* raw = nullptr;
  check(git().git_status_list_new(&raw, m_impl->repository.get(), &options), "read the status");
  GitStatusList list(raw);
  std::vector<FileChange> out;
  for (size_t i = 0; i < git().git_status_list_entrycount(list.get()); ++i) {
    if (auto change = combine(*git().git_status_byindex(list.get(), i))) {
      out.push_back(std::move(*change));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  return out;
}

}  // namespace promptctl::repo
