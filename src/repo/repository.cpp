#include "promptctl/repo.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "util/url.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

std::string redact_credentials(std::string_view text) {
  return util::redact_url_credentials(text);
}

void check(int code, const std::string& doing) {
  if (code >= 0) {
    return;
  }
  const git_error* last = git().git_error_last();
  std::string detail =
      redact_credentials(last && last->message ? last->message : "unknown libgit2 error");
  ErrorKind kind = code == GIT_ENOTFOUND ? ErrorKind::not_found
                   : code == GIT_EEXISTS ? ErrorKind::already_exists
                                         : ErrorKind::git;
  throw Error(kind, "cannot " + redact_credentials(doing) + ": " + detail);
}

void refuse_foreign_owner(const fs::path& path) {
  git_buf found = GIT_BUF_INIT;
  GitBuf owner(&found);
  if (git().git_repository_discover(&found, path.c_str(), 0, nullptr) != 0) {
    return;
  }
  fs::path git_dir = fs::path(found.ptr).lexically_normal();
  struct stat info {};
  if (::stat(git_dir.c_str(), &info) != 0 || info.st_uid == ::geteuid()) {
    return;
  }
  fs::path top =
      git_dir.filename().empty() ? git_dir.parent_path().parent_path() : git_dir.parent_path();
  throw Error(ErrorKind::invalid_input,
              "the git repository at '" + top.string() + "' belongs to another user (uid " +
                  std::to_string(info.st_uid) + "), so git and promptctl will not use it",
              {},
              "if you trust it: git config --global --add safe.directory '" + top.string() + "'");
}

std::optional<fs::path> find_work_tree(const fs::path& path) {
  // A folder that does not exist yet belongs to the repository of its nearest existing parent.
  fs::path existing = path;
  while (!existing.empty() && !fs::exists(existing) && existing.has_parent_path() &&
         existing.parent_path() != existing) {
    existing = existing.parent_path();
  }
  git_buf found = GIT_BUF_INIT;
  GitBuf owner(&found);
  if (git().git_repository_discover(&found, existing.c_str(), 0, nullptr) != 0) {
    return std::nullopt;
  }
  git_repository* raw = nullptr;
  if (git().git_repository_open(&raw, found.ptr) != 0) {
    refuse_foreign_owner(existing);
    return std::nullopt;
  }
  GitRepository repository(raw);
  const char* workdir = git().git_repository_workdir(repository.get());
  if (!workdir) {
    return std::nullopt;  // a bare repository has no work tree
  }
  return fs::path(workdir).lexically_normal();
}

void init_repository(const fs::path& dir) {
  git_repository_init_options options{};  // what GIT_REPOSITORY_INIT_OPTIONS_INIT sets
  options.version = GIT_REPOSITORY_INIT_OPTIONS_VERSION;
  options.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_EXTERNAL_TEMPLATE;
  git_repository* raw = nullptr;
  check(git().git_repository_init_ext(&raw, dir.c_str(), &options),
        "create a git repository in '" + dir.string() + "'");
  GitRepository repository(raw);
}

}  // namespace promptctl::repo
