// Event logs on refs: commits with an empty tree whose messages record what happened, so the
// history of a ref under refs/promptctl/ is the log, and push and fetch carry it.
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"

namespace promptctl::repo {
namespace {

// One attempt; `id_out` is the event's commit when done.
RefUpdate try_append_event(git_repository* repository, const std::string& ref,
                           const std::string& message, const Identity& who, std::string& id_out) {
  git_oid head{};
  bool exists = git().git_reference_name_to_id(&head, repository, ref.c_str()) == 0;
  GitCommit parent;
  if (exists) {
    git_commit* raw = nullptr;
    check(git().git_commit_lookup(&raw, repository, &head), "read " + ref);
    parent = GitCommit(raw);
  }
  git_treebuilder* builder_raw = nullptr;
  check(git().git_treebuilder_new(&builder_raw, repository, nullptr), "build an empty tree");
  GitTreebuilder builder(builder_raw);
  git_oid tree_id{};
  check(git().git_treebuilder_write(&tree_id, builder.get()), "write an empty tree");
  git_tree* tree_raw = nullptr;
  check(git().git_tree_lookup(&tree_raw, repository, &tree_id), "read an empty tree");
  GitTree tree(tree_raw);
  GitSignature author = signature(who);
  const git_commit* parents[] = {parent.get()};
  git_oid commit{};
  check(git().git_commit_create(&commit, repository, nullptr, author.get(), author.get(), nullptr,
                                message.c_str(), tree.get(), exists ? 1 : 0, parents),
        "write an event commit");
  git_reference* raw = nullptr;
  int status = exists ? git().git_reference_create_matching(&raw, repository, ref.c_str(), &commit,
                                                            1, &head, message.c_str())
                      : git().git_reference_create(&raw, repository, ref.c_str(), &commit, 0,
                                                   message.c_str());
  GitReference owned(raw);
  RefUpdate outcome = ref_update_outcome(status, ref);
  if (outcome != RefUpdate::done) {
    return outcome;
  }
  id_out = git().git_oid_tostr_s(&commit);
  return RefUpdate::done;
}

}  // namespace

std::string Repository::append_event(const std::string& ref, const std::string& message,
                                     const Identity& who) {
  std::string id;
  git_repository* repository = m_impl->repository.get();
  update_ref_until_done(repository, ref, "an event was recorded",
                        [&] { return try_append_event(repository, ref, message, who, id); });
  return id;
}

}  // namespace promptctl::repo
