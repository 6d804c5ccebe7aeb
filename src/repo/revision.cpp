// Resolving revisions and reading files from the object database.
#include <algorithm>

#include "promptctl/repo.hpp"
#include "repo/commit_journal.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"
#include "util/strings.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

Repository::Repository(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

const fs::path& Repository::work_tree() const {
  return m_impl->work_tree;
}

Repository Repository::discover(const fs::path& path) {
  git_repository* raw = nullptr;
  int code = git().git_repository_open_ext(&raw, path.c_str(), 0, nullptr);
  if (code == GIT_EOWNER) {
    refuse_foreign_owner(path);  // with a safe.directory list that does not name it
  }
  if (code == GIT_ENOTFOUND) {
    refuse_foreign_owner(path);  // libgit2's answer when no safe.directory is set at all
    throw Error(ErrorKind::not_found,
                "'" + path.string() + "' is not in a git repository, so it has no revisions");
  }
  check(code, "open the git repository at '" + path.string() + "'");
  auto impl = std::make_unique<Impl>();
  impl->repository.reset(raw);
  const char* workdir = git().git_repository_workdir(raw);
  if (!workdir) {
    throw Error(ErrorKind::invalid_input,
                "the git repository at '" + path.string() + "' is bare: prompts need a work tree");
  }
  impl->work_tree = fs::path(workdir).lexically_normal();
  try {
    finish_interrupted_commit(raw);
  } catch (const Error&) {
    // Left for the next command that commits, which reports why it cannot finish it.
  }
  return Repository(std::move(impl));
}

namespace {

// Branch and tag names, for suggestions.
std::vector<std::string> short_ref_names(git_repository* repository) {
  git_strarray names{};
  std::vector<std::string> out;
  if (git().git_reference_list(&names, repository) != 0) {
    return out;
  }
  GitStrarray owner(&names);
  for (size_t i = 0; i < names.count; ++i) {
    std::string_view name = names.strings[i];
    for (std::string_view prefix : {"refs/heads/", "refs/tags/", "refs/remotes/"}) {
      if (name.starts_with(prefix)) {
        out.emplace_back(name.substr(prefix.size()));
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> Repository::ref_names() const {
  return short_ref_names(m_impl->repository.get());
}

Revision Repository::resolve(std::string_view expression) const {
  git_repository* repository = m_impl->repository.get();
  std::string text(expression);
  if (text.empty()) {
    throw Error(ErrorKind::usage, "empty revision");
  }
  git_object* raw = nullptr;
  int code = git().git_revparse_single(&raw, repository, text.c_str());
  if (code == GIT_ENOTFOUND || code == GIT_EINVALIDSPEC) {
    if (git().git_repository_is_empty(repository) == 1) {
      throw Error(ErrorKind::not_found,
                  "unknown revision '" + text + "': the repository has no commits yet");
    }
    std::string hint;
    std::string close = util::closest_match(text, short_ref_names(repository));
    if (!close.empty()) {
      hint = "did you mean '" + close + "'?";
    }
    throw Error(ErrorKind::not_found, "unknown revision '" + util::printable(text) + "'", {}, hint);
  }
  if (code == GIT_EAMBIGUOUS) {
    throw Error(ErrorKind::invalid_input, "short commit id '" + text + "' is ambiguous", {},
                "give more digits");
  }
  check(code, "resolve revision '" + text + "'");
  GitObject object(raw);
  git_object* peeled = nullptr;
  if (git().git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
    throw Error(ErrorKind::invalid_input, "revision '" + text + "' does not name a commit");
  }
  GitObject commit(peeled);
  return {text, git().git_oid_tostr_s(git().git_object_id(commit.get()))};
}

std::shared_ptr<git_tree> Repository::Impl::folder_tree(const Revision& revision,
                                                        const std::string& folder) {
  std::string key = revision.commit_id + ":" + folder;
  {
    std::lock_guard lock(m_trees_mutex);
    if (auto found = m_trees.find(key); found != m_trees.end()) {
      return found->second;
    }
  }
  GitTree root = tree_of(repository.get(), revision);
  std::shared_ptr<git_tree> tree;
  if (folder.empty()) {
    tree = std::shared_ptr<git_tree>(root.release(), GitFree<&GitApi::git_tree_free>());
  } else {
    git_tree_entry* entry_raw = nullptr;
    int code = git().git_tree_entry_bypath(&entry_raw, root.get(), folder.c_str());
    if (code == GIT_ENOTFOUND) {
      return nullptr;
    }
    check(code, "look up '" + folder + "' in commit " + revision.short_id());
    GitTreeEntry entry(entry_raw);
    if (git().git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
      return nullptr;
    }
    git_tree* raw = nullptr;
    check(git().git_tree_lookup(&raw, repository.get(), git().git_tree_entry_id(entry.get())),
          "read '" + folder + "' in commit " + revision.short_id());
    tree = std::shared_ptr<git_tree>(raw, GitFree<&GitApi::git_tree_free>());
  }
  std::lock_guard lock(m_trees_mutex);
  if (m_trees.size() >= 64) {
    m_trees.clear();
  }
  m_trees.emplace(key, tree);
  return tree;
}

std::optional<std::string> Repository::read_file(const Revision& revision,
                                                 const std::string& path) const {
  std::lock_guard<std::mutex> reading(m_impl->read_mutex);
  git_repository* repository = m_impl->repository.get();
  std::size_t slash = path.rfind('/');
  std::string folder = slash == std::string::npos ? "" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::shared_ptr<git_tree> tree = m_impl->folder_tree(revision, folder);
  const git_tree_entry* entry =
      tree ? git().git_tree_entry_byname(tree.get(), name.c_str()) : nullptr;
  if (!entry || git().git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
    return std::nullopt;
  }
  git_blob* blob_raw = nullptr;
  check(git().git_blob_lookup(&blob_raw, repository, git().git_tree_entry_id(entry)),
        "read '" + path + "' in commit " + revision.short_id());
  GitBlob blob(blob_raw);
  const char* data = static_cast<const char*>(git().git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<size_t>(git().git_blob_rawsize(blob.get())));
}

namespace {
void collect_files(git_repository* repository, const git_tree* tree, const std::string& prefix,
                   std::vector<std::string>& out) {
  for (size_t i = 0; i < git().git_tree_entrycount(tree); ++i) {
    const git_tree_entry* entry = git().git_tree_entry_byindex(tree, i);
    std::string path = prefix + git().git_tree_entry_name(entry);
    if (git().git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
      git_tree* raw = nullptr;
      check(git().git_tree_lookup(&raw, repository, git().git_tree_entry_id(entry)),
            "read folder '" + path + "'");
      GitTree subtree(raw);
      collect_files(repository, subtree.get(), path + "/", out);
    } else if (git().git_tree_entry_type(entry) == GIT_OBJECT_BLOB) {
      out.push_back(std::move(path));
    }
  }
}
}  // namespace

std::vector<std::string> Repository::list_files(const Revision& revision,
                                                const std::string& folder) const {
  std::string trimmed = folder;
  while (!trimmed.empty() && trimmed.back() == '/') {
    trimmed.pop_back();
  }
  std::vector<std::string> files;
  if (std::shared_ptr<git_tree> tree = m_impl->folder_tree(revision, trimmed)) {
    collect_files(m_impl->repository.get(), tree.get(), trimmed.empty() ? "" : trimmed + "/",
                  files);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace promptctl::repo
