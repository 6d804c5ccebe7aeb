// What differs between HEAD and the working tree.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <memory>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/repository_impl.hpp"
#include "util/fd.hpp"

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

// Adds every file under `folder` (relative to the work tree, ending in '/') as an added one.
// Called for the folders git reports as untracked or ignored as a whole when ignored files
// count: each file in them is then a change, so a plain walk finds what git's status would
// list file by file, without the status checks it makes of each. Like git, it does not enter
// a nested repository or follow a link to a folder.
void add_files_under(int parent, const std::string& folder, const std::string& name,
                     std::vector<FileChange>& out) {
  int fd = ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd), &::closedir);
  if (!dir) {
    ::close(fd);
    return;
  }
  std::vector<std::pair<std::string, bool>> entries;  // name, is a folder
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string entry_name = entry->d_name;
    if (entry_name == "." || entry_name == "..") {
      continue;
    }
    if (entry_name == ".git") {
      return;  // a repository of its own: git lists it as one folder and does not look in
    }
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      struct stat info {};
      if (::fstatat(::dirfd(dir.get()), entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
        continue;
      }
      type = S_ISDIR(info.st_mode) ? DT_DIR : S_ISREG(info.st_mode) ? DT_REG : DT_LNK;
    }
    if (type == DT_DIR || type == DT_REG || type == DT_LNK) {
      entries.emplace_back(std::move(entry_name), type == DT_DIR);
    }
  }
  for (const auto& [entry_name, is_folder] : entries) {
    if (is_folder) {
      add_files_under(::dirfd(dir.get()), folder + entry_name + "/", entry_name, out);
    } else {
      FileChange change;
      change.kind = ChangeKind::added;
      change.path = folder + entry_name;
      out.push_back(std::move(change));
    }
  }
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
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX |
                  GIT_STATUS_OPT_RENAMES_INDEX_TO_WORKDIR | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  if (ignored == IgnoredFiles::included) {
    // Untracked and ignored folders come whole, and are walked below.
    options.flags |= GIT_STATUS_OPT_INCLUDE_IGNORED;
  } else {
    options.flags |= GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  }
  options.pathspec = {specs.data(), specs.size()};
  git_status_list* raw = nullptr;
  check(git().git_status_list_new(&raw, m_impl->repository.get(), &options), "read the status");
  GitStatusList list(raw);
  util::Fd work_tree_fd(::open(work_tree().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::vector<FileChange> out;
  for (size_t i = 0; i < git().git_status_list_entrycount(list.get()); ++i) {
    if (auto change = combine(*git().git_status_byindex(list.get(), i))) {
      if (change->kind == ChangeKind::added && change->path.ends_with('/')) {
        std::string folder = change->path;
        folder.pop_back();
        std::vector<FileChange> walked;
        add_files_under(work_tree_fd.get(), change->path, folder, walked);
        // The folder may hold the paths asked for and others beside them.
        std::erase_if(walked, [&](const FileChange& file) {
          return !pathspecs.empty() &&
                 std::none_of(pathspecs.begin(), pathspecs.end(), [&](const std::string& spec) {
                   return file.path == spec ||
                          (file.path.starts_with(spec) &&
                           (spec.ends_with('/') || file.path[spec.size()] == '/'));
                 });
        });
        std::move(walked.begin(), walked.end(), std::back_inserter(out));
      } else {
        out.push_back(std::move(*change));
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
  return out;
}

}  // namespace promptctl::repo
