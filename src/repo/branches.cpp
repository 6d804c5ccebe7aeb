// Branches: listing, creating, deleting and switching, with git's safety rules.
#include <algorithm>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"
#include "util/strings.hpp"

namespace promptctl::repo {

namespace {

using GitBranchIterator = GitHandle<git_branch_iterator, &GitApi::git_branch_iterator_free>;

GitReference lookup_branch(git_repository* repository, const std::string& name) {
  git_reference* raw = nullptr;
  int code = git().git_branch_lookup(&raw, repository, name.c_str(), GIT_BRANCH_LOCAL);
  if (code == GIT_ENOTFOUND || code == GIT_EINVALIDSPEC) {
    throw Error(ErrorKind::not_found, "no branch named '" + util::printable(name) + "'");
  }
  check(code, "look up branch '" + name + "'");
  return GitReference(raw);
}

bool has_local_branch(git_repository* repository, const std::string& name) {
  git_reference* raw = nullptr;
  if (git().git_branch_lookup(&raw, repository, name.c_str(), GIT_BRANCH_LOCAL) != 0) {
    return false;
  }
  GitReference found(raw);
  return true;
}

void validate_branch_name(const std::string& name) {
  int valid = 0;
  check(git().git_branch_name_is_valid(&valid, name.c_str()), "check a branch name");
  if (!valid || name == "HEAD" || name.starts_with("-")) {
    throw Error(ErrorKind::usage, "'" + util::printable(name) + "' is not a valid branch name");
  }
}

// Collects the files a checkout would overwrite.
int note_conflict(git_checkout_notify_t, const char* path, const git_diff_file*,
                  const git_diff_file*, const git_diff_file*, void* payload) {
  static_cast<std::vector<std::string>*>(payload)->emplace_back(path);
  return 0;
}

}  // namespace

std::vector<BranchInfo> Repository::branches() const {
  git_repository* repository = m_impl->repository.get();
  git_branch_iterator* raw = nullptr;
  check(git().git_branch_iterator_new(&raw, repository, GIT_BRANCH_LOCAL), "list branches");
  GitBranchIterator iterator(raw);
  std::vector<BranchInfo> out;
  git_reference* reference = nullptr;
  git_branch_t type{};
  while (git().git_branch_next(&reference, &type, iterator.get()) == 0) {
    GitReference owned(reference);
    BranchInfo branch;
    const char* name = nullptr;
    check(git().git_branch_name(&name, owned.get()), "read a branch name");
    branch.name = name;
    if (const git_oid* target = git().git_reference_target(owned.get())) {
      branch.commit_id = git().git_oid_tostr_s(target);
    }
    branch.current = git().git_branch_is_head(owned.get()) == 1;
    out.push_back(std::move(branch));
  }
  std::sort(out.begin(), out.end(),
            [](const BranchInfo& a, const BranchInfo& b) { return a.name < b.name; });
  return out;
}

std::string Repository::current_branch() const {
  git_repository* repository = m_impl->repository.get();
  if (git().git_repository_head_detached(repository) == 1) {
    return {};
  }
  git_reference* raw = nullptr;
  check(git().git_reference_lookup(&raw, repository, "HEAD"), "read HEAD");
  GitReference head(raw);
  const char* target = git().git_reference_symbolic_target(head.get());
  std::string name = target ? target : "";
  return name.starts_with("refs/heads/") ? name.substr(11) : name;
}

std::string Repository::default_branch() const {
  std::vector<std::string> candidates;
  try {
    std::string remote = default_remote();
    git_reference* raw = nullptr;
    std::string remote_head = "refs/remotes/" + remote + "/HEAD";
    if (git().git_reference_lookup(&raw, m_impl->repository.get(), remote_head.c_str()) == 0) {
      GitReference head(raw);
      const char* target = git().git_reference_symbolic_target(head.get());
      std::string prefix = "refs/remotes/" + remote + "/";
      if (target && std::string_view(target).starts_with(prefix)) {
        candidates.push_back(std::string(target).substr(prefix.size()));
      }
    }
  } catch (const Error&) {
    // No remote: the local names decide.
  }
  if (auto configured = config_value("init.defaultBranch")) {
    candidates.push_back(*configured);
  }
  candidates.insert(candidates.end(), {"main", "master"});
  for (const std::string& candidate : candidates) {
    if (has_local_branch(m_impl->repository.get(), candidate)) {
      return candidate;
    }
  }
  return {};
}

void Repository::create_branch(const std::string& name, const Revision& start) {
  validate_branch_name(name);
  git_repository* repository = m_impl->repository.get();
  git_oid id{};
  check(git().git_oid_fromstr(&id, start.commit_id.c_str()), "read a commit id");
  git_commit* commit_raw = nullptr;
  check(git().git_commit_lookup(&commit_raw, repository, &id), "read " + start.short_id());
  GitCommit commit(commit_raw);
  git_reference* raw = nullptr;
  int code = git().git_branch_create(&raw, repository, name.c_str(), commit.get(), 0);
  if (code == GIT_EEXISTS) {
    throw Error(ErrorKind::already_exists, "a branch named '" + name + "' already exists");
  }
  check(code, "create branch '" + name + "'");
  GitReference created(raw);
}

void Repository::delete_branch(const std::string& name, bool force) {
  git_repository* repository = m_impl->repository.get();
  GitReference branch = lookup_branch(repository, name);
  if (git().git_branch_is_head(branch.get()) == 1) {
    throw Error(ErrorKind::refused, "cannot delete '" + name + "': it is the current branch", {},
                "switch to another branch first");
  }
  const git_oid* tip = git().git_reference_target(branch.get());
  git_oid head{};
  if (!force && tip && git().git_reference_name_to_id(&head, repository, "HEAD") == 0 &&
      !git().git_oid_equal(tip, &head) &&
      git().git_graph_descendant_of(repository, &head, tip) != 1) {
    throw Error(ErrorKind::refused,
                "branch '" + name + "' has commits that the current branch does not contain", {},
                "merge it first, or delete it anyway with -D");
  }
  check(git().git_branch_delete(branch.get()), "delete branch '" + name + "'");
}

void Repository::switch_branch(const std::string& name) {
  git_repository* repository = m_impl->repository.get();
  refuse_unless_ready(repository);
  GitReference branch = lookup_branch(repository, name);
  git_object* raw = nullptr;
  check(git().git_reference_peel(&raw, branch.get(), GIT_OBJECT_COMMIT),
        "read branch '" + name + "'");
  GitObject target(raw);
  git_checkout_options options{};
  check(git().git_checkout_options_init(&options, GIT_CHECKOUT_OPTIONS_VERSION),
        "set up a checkout");
  // Safe: a file with uncommitted changes or an untracked file in the way stops the checkout
  // before anything is written.
  options.checkout_strategy = GIT_CHECKOUT_SAFE;
  std::vector<std::string> conflicts;
  options.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
  options.notify_cb = note_conflict;
  options.notify_payload = &conflicts;
  int code = git().git_checkout_tree(repository, target.get(), &options);
  if (code == GIT_ECONFLICT || (code < 0 && !conflicts.empty())) {
    std::sort(conflicts.begin(), conflicts.end());
    throw Error(ErrorKind::refused,
                "switching to '" + name + "' would overwrite changes that are not committed", {},
                "commit them, or move them aside, then switch")
        .with_details(file_details(conflicts, "would be overwritten"));
  }
  check(code, "check out branch '" + name + "'");
  std::string ref = "refs/heads/" + name;
  check(git().git_repository_set_head(repository, ref.c_str()), "point HEAD at '" + name + "'");
}

std::vector<std::string> Repository::dirty_files() const {
  git_status_options options{};
  check(git().git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION), "read the status");
  options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
  options.flags = GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
  git_status_list* raw = nullptr;
  check(git().git_status_list_new(&raw, m_impl->repository.get(), &options), "read the status");
  GitStatusList list(raw);
  std::vector<std::string> out;
  for (size_t i = 0; i < git().git_status_list_entrycount(list.get()); ++i) {
    const git_status_entry* entry = git().git_status_byindex(list.get(), i);
    const git_diff_delta* delta =
        entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
    if (entry->status != GIT_STATUS_CURRENT && delta && delta->new_file.path) {
      out.emplace_back(delta->new_file.path);
    }
  }
  return out;
}

}  // namespace promptctl::repo
