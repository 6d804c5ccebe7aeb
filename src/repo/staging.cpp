#include "repo/staging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "promptctl/check.hpp"
#include "promptctl/error.hpp"
#include "repo/helpers.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

namespace {

StagedPath stage_file(git_repository* repository, const fs::path& on_disk,
                      const std::string& path) {
  StagedPath staged{path, std::nullopt, GIT_FILEMODE_BLOB, std::nullopt, std::nullopt};
  struct stat info {};
  if (::lstat(on_disk.c_str(), &info) != 0) {
    return staged;  // gone: a deletion
  }
  git_oid blob{};
  if (S_ISLNK(info.st_mode)) {
    // A link is committed as a link, as git does: its target's path, never its content.
    std::string target = fs::read_symlink(on_disk).string();
    check(git().git_blob_create_from_buffer(&blob, repository, target.data(), target.size()),
          "store '" + path + "'");
    staged.mode = GIT_FILEMODE_LINK;
  } else if (S_ISREG(info.st_mode)) {
    check(git().git_blob_create_from_disk(&blob, repository, on_disk.c_str()),
          "store '" + path + "'");
  } else {
    return staged;  // a folder or a device is not a file git tracks: a deletion
  }
  staged.blob = blob;
  staged.disk = info;
  return staged;
}

// Writes `content` to a new file in `folder`, to be renamed into place after the commit.
fs::path write_ready_file(const fs::path& folder, const std::string& content) {
  fs::create_directories(folder);
  std::string name = (folder / "file-XXXXXX").string();
  util::Fd fd(::mkstemp(name.data()));
  bool ok = fd && util::write_all(fd.get(), content);
  ok = ok && ::fchmod(fd.get(), 0644) == 0 && ::fsync(fd.get()) == 0;
  if (!ok) {
    ::unlink(name.c_str());
    throw Error(ErrorKind::io, "cannot write a file in '" + folder.string() + "'");
  }
  return name;
}

}  // namespace

std::vector<StagedPath> stage_work_tree(git_repository* repository, const fs::path& work_tree,
                                        const std::vector<std::string>& paths) {
  std::vector<StagedPath> staged;
  staged.reserve(paths.size());
  for (const std::string& path : paths) {
    staged.push_back(stage_file(repository, work_tree / path, path));
  }
  return staged;
}

std::vector<StagedPath> stage_contents(git_repository* repository, const fs::path& ready_folder,
                                       const std::vector<FileContent>& files) {
  std::vector<StagedPath> staged;
  try {
    for (const FileContent& file : files) {
      git_oid blob{};
      check(git().git_blob_create_from_buffer(&blob, repository, file.content.data(),
                                              file.content.size()),
            "store '" + file.path + "'");
      staged.push_back({file.path, blob, GIT_FILEMODE_BLOB, std::nullopt,
                        write_ready_file(ready_folder, file.content)});
    }
  } catch (...) {
    discard_ready_files(staged);
    throw;
  }
  return staged;
}

void discard_ready_files(const std::vector<StagedPath>& staged) {
  for (const StagedPath& one : staged) {
    if (one.ready) {
      ::unlink(one.ready->c_str());
    }
  }
}

git_oid write_staged_tree(git_repository* repository, const git_commit* parent,
                          const std::vector<StagedPath>& staged) {
  // An index of its own, so that the repository's index is not involved.
  git_index* raw = nullptr;
  check(git().git_index_new(&raw), "create an index");
  GitIndex index(raw);
  if (parent) {
    git_tree* tree = nullptr;
    check(git().git_commit_tree(&tree, parent), "read HEAD's tree");
    GitTree owner(tree);
    check(git().git_index_read_tree(index.get(), tree), "read HEAD's tree");
  }
  apply_staged(index.get(), staged);
  git_oid tree_id{};
  check(git().git_index_write_tree_to(&tree_id, index.get(), repository), "write the tree");
  return tree_id;
}

void apply_staged(git_index* index, const std::vector<StagedPath>& staged) {
  for (const StagedPath& one : staged) {
    if (one.blob) {
      git_index_entry entry = index_entry(one);
      check(git().git_index_add(index, &entry), "stage '" + one.path + "'");
    } else {
      (void)git().git_index_remove(index, one.path.c_str(), 0);
    }
  }
}

git_index_entry index_entry(const StagedPath& staged) {
  PROMPTCTL_CHECK(staged.blob.has_value());
  git_index_entry entry{};
  entry.id = *staged.blob;
  entry.mode = staged.mode;
  entry.path = staged.path.c_str();
  if (staged.disk) {
    // What git compares with the file to know it unchanged without reading it.
    const struct stat& disk = *staged.disk;
    entry.ctime = {static_cast<std::int32_t>(disk.st_ctim.tv_sec),
                   static_cast<std::uint32_t>(disk.st_ctim.tv_nsec)};
    entry.mtime = {static_cast<std::int32_t>(disk.st_mtim.tv_sec),
                   static_cast<std::uint32_t>(disk.st_mtim.tv_nsec)};
    entry.dev = static_cast<std::uint32_t>(disk.st_dev);
    entry.ino = static_cast<std::uint32_t>(disk.st_ino);
    entry.uid = disk.st_uid;
    entry.gid = disk.st_gid;
    entry.file_size = static_cast<std::uint32_t>(disk.st_size);
  }
  return entry;
}

}  // namespace promptctl::repo
