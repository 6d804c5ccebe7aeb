// Merging: fast-forward, three-way with conflicts left for the user, continue and abort.
#include <algorithm>
#include <filesystem>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

namespace {

using GitAnnotatedCommit = GitHandle<git_annotated_commit, &GitApi::git_annotated_commit_free>;
using GitConflictIterator =
    GitHandle<git_index_conflict_iterator, &GitApi::git_index_conflict_iterator_free>;

git_oid oid_of(const std::string& hex) {
  git_oid id{};
  check(git().git_oid_fromstr(&id, hex.c_str()), "read the commit id '" + hex + "'");
  return id;
}

GitIndex open_index(git_repository* repository) {
  git_index* raw = nullptr;
  check(git().git_repository_index(&raw, repository), "open the index");
  return GitIndex(raw);
}

git_checkout_options safe_checkout() {
  git_checkout_options options{};
  check(git().git_checkout_options_init(&options, GIT_CHECKOUT_OPTIONS_VERSION),
        "set up a checkout");
  options.checkout_strategy = GIT_CHECKOUT_SAFE;
  return options;
}

std::vector<std::string> conflicted_paths(git_index* index) {
  std::vector<std::string> out;
  git_index_conflict_iterator* raw = nullptr;
  check(git().git_index_conflict_iterator_new(&raw, index), "read the conflicts");
  GitConflictIterator iterator(raw);
  const git_index_entry* ancestor = nullptr;
  const git_index_entry* ours = nullptr;
  const git_index_entry* theirs = nullptr;
  while (git().git_index_conflict_next(&ancestor, &ours, &theirs, iterator.get()) == 0) {
    const git_index_entry* any = ours ? ours : theirs ? theirs : ancestor;
    if (any && any->path) {
      out.emplace_back(any->path);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Writes a commit of `index`'s tree with `parents`, moving HEAD (and its branch).
git_oid commit_index(git_repository* repository, git_index* index,
                     const std::vector<const git_commit*>& parents, const std::string& message,
                     const Identity& author, const Identity& committer) {
  git_oid tree_id{};
  check(git().git_index_write_tree(&tree_id, index), "write the merged tree");
  git_tree* tree_raw = nullptr;
  check(git().git_tree_lookup(&tree_raw, repository, &tree_id), "read the merged tree");
  GitTree tree(tree_raw);
  GitSignature author_sig = signature(author);
  GitSignature committer_sig = signature(committer);
  std::vector<const git_commit*> list = parents;
  git_oid id{};
  int code =
      git().git_commit_create(&id, repository, "HEAD", author_sig.get(), committer_sig.get(),
                              nullptr, message.c_str(), tree.get(), list.size(), list.data());
  if (code == GIT_EMODIFIED) {
    throw Error(ErrorKind::git, "HEAD moved while merging (another commit was made); try again");
  }
  check(code, "create the merge commit");
  return id;
}

GitCommit lookup(git_repository* repository, const git_oid& id) {
  git_commit* raw = nullptr;
  check(git().git_commit_lookup(&raw, repository, &id), "read a commit");
  return GitCommit(raw);
}

void refuse_dirty(const Repository& repository) {
  std::vector<std::string> dirty = repository.dirty_files();
  if (!dirty.empty()) {
    throw Error(ErrorKind::refused, "cannot merge: tracked files have uncommitted changes", {},
                "commit them first ('promptctl commit -m ...')")
        .with_details(file_details(dirty, "has uncommitted changes"));
  }
}

// The first line of `path` that is a conflict marker, or 0.
int conflict_marker_line(const fs::path& path) {
  std::vector<int> lines =
      util::conflict_marker_lines(util::read_file_if_exists(path).value_or(""));
  return lines.empty() ? 0 : lines.front();
}

}  // namespace

MergeResult Repository::merge(const Revision& revision, const std::string& label,
                              const std::string& message) {
  git_repository* repository = m_impl->repository.get();
  if (git().git_repository_state(repository) == GIT_REPOSITORY_STATE_MERGE) {
    throw Error(ErrorKind::refused, "a merge is already in progress", {},
                "finish it with 'promptctl merge --continue' or 'promptctl merge --abort'");
  }
  refuse_unless_ready(repository);
  refuse_dirty(*this);
  git_oid their_id = oid_of(revision.commit_id);
  git_annotated_commit* annotated_raw = nullptr;
  check(git().git_annotated_commit_lookup(&annotated_raw, repository, &their_id),
        "read " + revision.short_id());
  GitAnnotatedCommit theirs(annotated_raw);
  git_merge_analysis_t analysis{};
  git_merge_preference_t preference{};
  const git_annotated_commit* heads[] = {theirs.get()};
  check(git().git_merge_analysis(&analysis, &preference, repository, heads, 1),
        "analyse the merge");
  MergeResult result;
  if (analysis & GIT_MERGE_ANALYSIS_UP_TO_DATE) {
    git_oid head{};
    check(git().git_reference_name_to_id(&head, repository, "HEAD"), "read HEAD");
    result.commit_id = git().git_oid_tostr_s(&head);
    return result;
  }
  if (analysis & (GIT_MERGE_ANALYSIS_FASTFORWARD | GIT_MERGE_ANALYSIS_UNBORN)) {
    GitCommit target = lookup(repository, their_id);
    git_checkout_options options = safe_checkout();
    check(git().git_checkout_tree(repository, reinterpret_cast<const git_object*>(target.get()),
                                  &options),
          "check out " + revision.short_id());
    std::string branch = current_branch();
    if (branch.empty()) {
      check(git().git_repository_set_head_detached(repository, &their_id), "move HEAD");
    } else {
      git_reference* raw = nullptr;
      std::string ref = "refs/heads/" + branch;
      std::string log = "merge " + label + ": Fast-forward";
      check(git().git_reference_create(&raw, repository, ref.c_str(), &their_id, 1, log.c_str()),
            "move branch '" + branch + "'");
      GitReference moved(raw);
    }
    result.outcome = MergeOutcome::fast_forward;
    result.commit_id = revision.commit_id;
    return result;
  }
  // Asked before the merge starts, so that a missing identity changes nothing.
  auto [author, committer] = identities();
  git_merge_options merge_options{};
  check(git().git_merge_options_init(&merge_options, GIT_MERGE_OPTIONS_VERSION),
        "set up the merge");
  git_checkout_options checkout = safe_checkout();
  checkout.checkout_strategy |= GIT_CHECKOUT_ALLOW_CONFLICTS;
  checkout.our_label = "HEAD";
  checkout.their_label = label.c_str();
  check(git().git_merge(repository, heads, 1, &merge_options, &checkout), "merge " + label);
  // libgit2 words the message after the commit id; `merge --continue` commits this one.
  util::write_file_atomic(fs::path(git().git_repository_path(repository)) / "MERGE_MSG", message);
  GitIndex index = open_index(repository);
  if (git().git_index_has_conflicts(index.get()) == 1) {
    result.outcome = MergeOutcome::conflicts;
    result.conflicts = conflicted_paths(index.get());
    git_oid head{};
    check(git().git_reference_name_to_id(&head, repository, "HEAD"), "read HEAD");
    result.commit_id = git().git_oid_tostr_s(&head);
    return result;
  }
  check(git().git_index_write(index.get()), "write the index");
  GitCommit ours = head_commit(repository);
  GitCommit their_commit = lookup(repository, their_id);
  git_oid id = commit_index(repository, index.get(), {ours.get(), their_commit.get()}, message,
                            author, committer);
  check(git().git_repository_state_cleanup(repository), "finish the merge");
  result.outcome = MergeOutcome::merged;
  result.commit_id = git().git_oid_tostr_s(&id);
  return result;
}

CommitResult Repository::merge_continue(const Identity& author, const Identity& committer) {
  git_repository* repository = m_impl->repository.get();
  if (git().git_repository_state(repository) != GIT_REPOSITORY_STATE_MERGE) {
    throw Error(ErrorKind::refused, "no merge is in progress");
  }
  GitIndex index = open_index(repository);
  std::vector<std::string> conflicts = conflicted_paths(index.get());
  for (const std::string& path : conflicts) {
    fs::path on_disk = m_impl->work_tree / path;
    if (int line = conflict_marker_line(on_disk)) {
      throw Error(ErrorKind::refused, "'" + path + "' still has conflict markers", {path, line, 1},
                  "edit the file to resolve them, then run this again");
    }
  }
  for (const std::string& path : conflicts) {
    if (fs::is_regular_file(m_impl->work_tree / path)) {
      check(git().git_index_add_bypath(index.get(), path.c_str()), "stage '" + path + "'");
    } else {
      check(git().git_index_remove_bypath(index.get(), path.c_str()), "stage '" + path + "'");
    }
  }
  check(git().git_index_write(index.get()), "write the index");
  std::vector<git_oid> their_ids;
  check(git().git_repository_mergehead_foreach(
            repository,
            [](const git_oid* id, void* payload) {
              static_cast<std::vector<git_oid>*>(payload)->push_back(*id);
              return 0;
            },
            &their_ids),
        "read MERGE_HEAD");
  GitCommit ours = head_commit(repository);
  std::vector<GitCommit> theirs;
  std::vector<const git_commit*> parents = {ours.get()};
  for (const git_oid& id : their_ids) {
    theirs.push_back(lookup(repository, id));
    parents.push_back(theirs.back().get());
  }
  git_buf buffer = GIT_BUF_INIT;
  std::string message = "Merge\n";
  if (git().git_repository_message(&buffer, repository) == 0) {
    GitBuf owned(&buffer);
    message.assign(buffer.ptr, buffer.size);
  }
  git_oid id = commit_index(repository, index.get(), parents, message, author, committer);
  check(git().git_repository_state_cleanup(repository), "finish the merge");
  return {git().git_oid_tostr_s(&id), current_branch()};
}

void Repository::merge_abort() {
  git_repository* repository = m_impl->repository.get();
  if (git().git_repository_state(repository) != GIT_REPOSITORY_STATE_MERGE) {
    throw Error(ErrorKind::refused, "no merge is in progress");
  }
  GitCommit head = head_commit(repository);
  git_checkout_options options{};
  check(git().git_checkout_options_init(&options, GIT_CHECKOUT_OPTIONS_VERSION),
        "set up a checkout");
  options.checkout_strategy = GIT_CHECKOUT_FORCE;
  // The merge started from a clean tree, so forcing HEAD back only drops the merge's changes.
  check(git().git_reset(repository, reinterpret_cast<const git_object*>(head.get()), GIT_RESET_HARD,
                        &options),
        "put HEAD back");
  check(git().git_repository_state_cleanup(repository), "end the merge");
}

}  // namespace promptctl::repo
