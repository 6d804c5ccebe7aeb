// Git repositories through libgit2. No libgit2 type appears here.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptctl::repo {

/// The work tree of the git repository containing `path`, or nothing when there is none.
std::optional<std::filesystem::path> find_work_tree(const std::filesystem::path& path);

/// Creates a git repository with a work tree at `dir` (creating the folder), as `git init`
/// does, honouring `init.defaultBranch`. Throws `Error` (git) on failure.
void init_repository(const std::filesystem::path& dir);

/// A commit named by a revision expression.
struct Revision {
  std::string expression;  ///< as the user wrote it: a sha, branch, tag, HEAD~2, …
  std::string commit_id;   ///< the full hexadecimal id
  [[nodiscard]] std::string short_id() const { return commit_id.substr(0, 7); }
};

/// An open git repository. Reads go straight to the object database: no checkout, and only
/// the objects asked for.
class Repository {
 public:
  /// The repository whose work tree contains `path`. Throws `Error` (not_found) when there is
  /// none, or (invalid_input) for a bare repository.
  static Repository discover(const std::filesystem::path& path);

  Repository(Repository&&) noexcept;
  Repository& operator=(Repository&&) noexcept;
  ~Repository();

  [[nodiscard]] const std::filesystem::path& work_tree() const;

  /// Branch, remote-tracking branch and tag names, short ("main", "origin/main", "v1").
  [[nodiscard]] std::vector<std::string> ref_names() const;

  /// Resolves `expression` to a commit. Throws `Error`: not_found for an unknown revision
  /// (naming close branch and tag names) or an empty repository, invalid_input for an
  /// ambiguous short id or a revision that names no commit.
  [[nodiscard]] Revision resolve(std::string_view expression) const;

  /// The content of the file at `path` (relative to the work tree's top, '/'-separated) in
  /// `revision`'s tree, or nothing when there is no such file there.
  [[nodiscard]] std::optional<std::string> read_file(const Revision& revision,
                                                     const std::string& path) const;

 private:
  struct Impl;
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace promptctl::repo
