// What a commit of chosen paths changes: each path's new blob (or its deletion), the index
// entry that will describe it, and, for content given in memory, the file that will carry it
// into the working tree once the commit is made.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"

namespace promptctl::repo {

struct StagedPath {
  std::string path;                            ///< relative to the work tree, with '/'
  std::optional<git_oid> blob;                 ///< nothing: the path is deleted
  std::uint32_t mode = GIT_FILEMODE_BLOB;      ///< GIT_FILEMODE_BLOB or GIT_FILEMODE_LINK
  std::optional<struct stat> disk;             ///< the file as it was when read, for the index
  std::optional<std::filesystem::path> ready;  ///< a written file to move into place
};

/// The working-tree state of `paths` (a missing file is a deletion), each file's status read
/// before its content so that a change made meanwhile shows as a change to git.
std::vector<StagedPath> stage_work_tree(git_repository* repository,
                                        const std::filesystem::path& work_tree,
                                        const std::vector<std::string>& paths);

/// Blobs for `files`; each new content is also written to a file in `ready_folder` (on the
/// work tree's file system), to be renamed into place once committed (`StagedPath::ready`).
std::vector<StagedPath> stage_contents(git_repository* repository,
                                       const std::filesystem::path& ready_folder,
                                       const std::vector<FileContent>& files);

/// Removes the files `stage_contents` wrote and nobody moved into place.
void discard_ready_files(const std::vector<StagedPath>& staged);

/// `parent`'s tree (or an empty one) with `staged` applied, written to the object database.
git_oid write_staged_tree(git_repository* repository, const git_commit* parent,
                          const std::vector<StagedPath>& staged);

/// Sets (or, for a deletion, removes) each staged path's entry in `index`.
void apply_staged(git_index* index, const std::vector<StagedPath>& staged);

/// The index entry for a staged path that is not deleted.
git_index_entry index_entry(const StagedPath& staged);

}  // namespace promptctl::repo
