// Creating commits of chosen paths, with git's identity rules.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int local_offset_minutes(std::time_t when) {
  std::tm local{};
  localtime_r(&when, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

Identity identity_from(const char* role, const std::optional<Identity>& configured) {
  std::string upper = role;
  Identity who;
  who.name = env(("GIT_" + upper + "_NAME").c_str());
  who.email = env(("GIT_" + upper + "_EMAIL").c_str());
  if (who.name.empty() && configured) {
    who.name = configured->name;
  }
  if (who.email.empty() && configured) {
    who.email = configured->email;
  }
  if (who.name.empty() || who.email.empty()) {
    throw Error(ErrorKind::invalid_input, "no git identity for the " + util::to_lower(upper), {},
                "set one with 'git config --global user.name \"Your Name\"' and 'git config "
                "--global user.email you@example.com', or GIT_" +
                    upper + "_NAME and GIT_" + upper + "_EMAIL");
  }
  std::string date = env(("GIT_" + upper + "_DATE").c_str());
  who.time = static_cast<std::int64_t>(std::time(nullptr));
  who.offset_minutes = local_offset_minutes(static_cast<std::time_t>(who.time));
  if (!date.empty()) {
    auto parsed = util::parse_date(date);
    if (!parsed) {
      throw Error(ErrorKind::invalid_input, "cannot read GIT_" + upper + "_DATE '" + date + "'", {},
                  "use '2026-01-31T12:00:00+01:00' or '@1769857200 +0100'");
    }
    std::tie(who.time, who.offset_minutes) = *parsed;
  }
  return who;
}

}  // namespace

Identity identity_of(const git_signature* signature) {
  if (!signature) {
    return {};
  }
  return {signature->name ? signature->name : "", signature->email ? signature->email : "",
          static_cast<std::int64_t>(signature->when.time), signature->when.offset};
}

GitSignature signature(const Identity& who) {
  git_signature* raw = nullptr;
  check(git().git_signature_new(&raw, who.name.c_str(), who.email.c_str(), who.time,
                                who.offset_minutes),
        "use the identity '" + who.name + " <" + who.email + ">'");
  return GitSignature(raw);
}

std::pair<Identity, Identity> Repository::identities() const {
  std::optional<Identity> configured;
  git_signature* raw = nullptr;
  if (git().git_signature_default(&raw, m_impl->repository.get()) == 0) {
    GitSignature owner(raw);
    configured = Identity{raw->name, raw->email, 0, 0};
  }
  return {identity_from("AUTHOR", configured), identity_from("COMMITTER", configured)};
}

std::optional<std::string> Repository::config_value(const std::string& name) const {
  git_config* raw = nullptr;
  check(git().git_repository_config_snapshot(&raw, m_impl->repository.get()),
        "read the git configuration");
  GitConfig config(raw);
  const char* value = nullptr;
  if (git().git_config_get_string(&value, config.get(), name.c_str()) != 0 || !value) {
    return std::nullopt;
  }
  return std::string(value);
}

std::vector<Diagnostic> file_details(const std::vector<std::string>& paths,
                                     const std::string& message) {
  std::vector<Diagnostic> out;
  for (const std::string& path : paths) {
    out.push_back({Severity::error, {path, 0, 0}, message, ""});
  }
  return out;
}

void refuse_unless_ready(git_repository* repository) {
  if (git().git_repository_state(repository) == GIT_REPOSITORY_STATE_MERGE) {
    throw Error(ErrorKind::invalid_input, "a merge is in progress", {},
                "finish it with 'promptctl merge --continue', or give it up with 'promptctl "
                "merge --abort'");
  }
  if (git().git_repository_state(repository) != GIT_REPOSITORY_STATE_NONE) {
    throw Error(ErrorKind::invalid_input,
                "a merge, rebase or cherry-pick is in progress; finish or abort it first");
  }
  fs::path git_dir = git().git_repository_path(repository);
  if (fs::exists(git_dir / "index.lock")) {
    throw Error(ErrorKind::git, "the repository is locked by another git process",
                {(git_dir / "index.lock").string(), 0, 0},
                "if no other git process is running, remove that file");
  }
}

// HEAD's commit, or nothing on an unborn branch.
GitTree tree_of(git_repository* repository, const Revision& revision) {
  git_object* raw = nullptr;
  std::string spec = revision.commit_id + "^{tree}";
  check(git().git_revparse_single(&raw, repository, spec.c_str()),
        "read the tree of " + revision.short_id());
  return GitTree(reinterpret_cast<git_tree*>(raw));
}

GitCommit head_commit(git_repository* repository) {
  git_oid id{};
  int code = git().git_reference_name_to_id(&id, repository, "HEAD");
  if (code == GIT_ENOTFOUND) {
    return GitCommit();
  }
  check(code, "read HEAD");
  git_commit* raw = nullptr;
  check(git().git_commit_lookup(&raw, repository, &id), "read the HEAD commit");
  return GitCommit(raw);
}

namespace {

// HEAD's tree with only `paths` taken from the working tree (a missing file is a deletion),
// built in an index of its own so that the repository's index is not involved.
git_oid build_tree(git_repository* repository, const git_commit* parent, const fs::path& work_tree,
                   const std::vector<std::string>& paths) {
  git_index* raw = nullptr;
  check(git().git_index_new(&raw), "create an index");
  GitIndex staged(raw);
  if (parent) {
    git_object* tree_object = nullptr;
    check(git().git_revparse_single(&tree_object, repository, "HEAD^{tree}"), "read HEAD's tree");
    GitObject tree(tree_object);
    check(git().git_index_read_tree(staged.get(), reinterpret_cast<git_tree*>(tree.get())),
          "read HEAD's tree");
  }
  for (const std::string& path : paths) {
    fs::path on_disk = work_tree / path;
    std::error_code ec;
    fs::file_status status = fs::symlink_status(on_disk, ec);
    if (fs::is_symlink(status)) {
      // A link is committed as a link, as git does: its target's path, never its content.
      std::string target = fs::read_symlink(on_disk).string();
      git_index_entry entry{};
      check(git().git_blob_create_from_buffer(&entry.id, repository, target.data(), target.size()),
            "store '" + path + "'");
      entry.mode = GIT_FILEMODE_LINK;
      entry.path = path.c_str();
      check(git().git_index_add(staged.get(), &entry), "stage '" + path + "'");
    } else if (fs::is_regular_file(status)) {
      git_index_entry entry{};
      check(git().git_blob_create_from_disk(&entry.id, repository, on_disk.c_str()),
            "store '" + path + "'");
      entry.mode = GIT_FILEMODE_BLOB;
      entry.path = path.c_str();
      check(git().git_index_add(staged.get(), &entry), "stage '" + path + "'");
    } else {
      (void)git().git_index_remove(staged.get(), path.c_str(), 0);
    }
  }
  git_oid tree_id{};
  check(git().git_index_write_tree_to(&tree_id, staged.get(), repository), "write the tree");
  return tree_id;
}

// The repository's index follows the commit for these paths only, so git sees them committed.
void update_index(git_repository* repository, const fs::path& work_tree,
                  const std::vector<std::string>& paths) {
  git_index* raw = nullptr;
  check(git().git_repository_index(&raw, repository), "open the index");
  GitIndex index(raw);
  for (const std::string& path : paths) {
    std::error_code ec;
    fs::file_status status = fs::symlink_status(work_tree / path, ec);
    if (fs::is_regular_file(status) || fs::is_symlink(status)) {
      check(git().git_index_add_bypath(index.get(), path.c_str()),
            "update the index for '" + path + "'");
    } else {
      (void)git().git_index_remove_bypath(index.get(), path.c_str());
    }
  }
  check(git().git_index_write(index.get()), "write the index");
}

}  // namespace

CommitResult Repository::commit(const std::vector<std::string>& paths, const std::string& message,
                                const Identity& author, const Identity& committer) {
  git_repository* repository = m_impl->repository.get();
  refuse_unless_ready(repository);
  GitCommit parent = head_commit(repository);
  git_oid tree_id = build_tree(repository, parent.get(), m_impl->work_tree, paths);
  if (parent && git().git_oid_equal(&tree_id, git().git_commit_tree_id(parent.get()))) {
    throw Error(ErrorKind::refused, "nothing to commit: no change to the chosen files since HEAD");
  }
  git_object* tree_object = nullptr;
  check(git().git_revparse_single(&tree_object, repository, git().git_oid_tostr_s(&tree_id)),
        "read the new tree");
  GitObject tree(tree_object);
  GitSignature author_sig = signature(author);
  GitSignature committer_sig = signature(committer);
  const git_commit* parents[] = {parent.get()};
  git_oid commit_id{};
  // Updating "HEAD" with the parent read above fails if another process moved it meanwhile.
  int created =
      git().git_commit_create(&commit_id, repository, "HEAD", author_sig.get(), committer_sig.get(),
                              nullptr, message.c_str(), reinterpret_cast<git_tree*>(tree.get()),
                              parent ? 1 : 0, parent ? parents : nullptr);
  if (created == GIT_EMODIFIED) {
    throw Error(ErrorKind::git, "HEAD moved while committing (another commit was made); try again");
  }
  check(created, "create the commit");
  update_index(repository, m_impl->work_tree, paths);
  return {git().git_oid_tostr_s(&commit_id), current_branch()};
}

}  // namespace promptctl::repo
