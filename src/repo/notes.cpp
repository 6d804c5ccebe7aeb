// Bringing fetched notes into the local notes refs. Notes are fetched beside the local refs,
// then fast-forwarded, or merged when both sides added notes: git's "cat_sort_uniq" strategy,
// the union of the notes with the lines of a note both sides changed sorted and deduplicated.
#include <algorithm>
#include <map>
#include <set>

#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/notes.hpp"
#include "repo/repository_impl.hpp"

namespace promptctl::repo {

namespace {

// A notes tree as annotated object id -> note blob id. Git spreads many notes over fan-out
// folders ("ab/cdef…"); the folders are joined back into the id.
void flatten(git_repository* repository, const git_tree* tree, const std::string& prefix,
             std::map<std::string, git_oid>& out) {
  for (size_t i = 0; i < git().git_tree_entrycount(tree); ++i) {
    const git_tree_entry* entry = git().git_tree_entry_byindex(tree, i);
    std::string name = prefix + git().git_tree_entry_name(entry);
    if (git().git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
      git_tree* raw = nullptr;
      check(git().git_tree_lookup(&raw, repository, git().git_tree_entry_id(entry)),
            "read a notes folder");
      GitTree subtree(raw);
      flatten(repository, subtree.get(), name, out);
    } else {
      out[name] = *git().git_tree_entry_id(entry);
    }
  }
}

std::map<std::string, git_oid> notes_of(git_repository* repository, const git_commit* commit) {
  git_tree* raw = nullptr;
  check(git().git_commit_tree(&raw, commit), "read a notes tree");
  GitTree tree(raw);
  std::map<std::string, git_oid> out;
  flatten(repository, tree.get(), "", out);
  return out;
}

std::string blob_text(git_repository* repository, const git_oid& id) {
  git_blob* raw = nullptr;
  check(git().git_blob_lookup(&raw, repository, &id), "read a note");
  GitBlob blob(raw);
  return {static_cast<const char*>(git().git_blob_rawcontent(blob.get())),
          static_cast<size_t>(git().git_blob_rawsize(blob.get()))};
}

// The lines of both notes, sorted, each once.
git_oid union_note(git_repository* repository, const git_oid& ours, const git_oid& theirs) {
  std::set<std::string> lines;
  for (const git_oid* id : {&ours, &theirs}) {
    std::string text = blob_text(repository, *id);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      lines.insert(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
      start = end == std::string::npos ? text.size() : end + 1;
    }
  }
  std::string merged;
  for (const std::string& line : lines) {
    merged += line + "\n";
  }
  git_oid id{};
  check(git().git_blob_create_from_buffer(&id, repository, merged.data(), merged.size()),
        "write a merged note");
  return id;
}

// A flat notes tree (no fan-out folders, which git reads as well) holding `notes`.
GitTree write_notes_tree(git_repository* repository, const std::map<std::string, git_oid>& notes) {
  git_treebuilder* builder_raw = nullptr;
  check(git().git_treebuilder_new(&builder_raw, repository, nullptr), "build a notes tree");
  GitTreebuilder builder(builder_raw);
  for (const auto& [object, note] : notes) {
    check(git().git_treebuilder_insert(nullptr, builder.get(), object.c_str(), &note,
                                       GIT_FILEMODE_BLOB),
          "build a notes tree");
  }
  git_oid tree_id{};
  check(git().git_treebuilder_write(&tree_id, builder.get()), "write a notes tree");
  git_tree* tree_raw = nullptr;
  check(git().git_tree_lookup(&tree_raw, repository, &tree_id), "read a notes tree");
  return GitTree(tree_raw);
}

GitCommit lookup(git_repository* repository, const git_oid& id) {
  git_commit* raw = nullptr;
  check(git().git_commit_lookup(&raw, repository, &id), "read a notes commit");
  return GitCommit(raw);
}

git_oid merge_notes(git_repository* repository, const git_oid& local, const git_oid& remote,
                    const std::string& message, const Identity& who) {
  GitCommit ours = lookup(repository, local);
  GitCommit theirs = lookup(repository, remote);
  std::map<std::string, git_oid> merged = notes_of(repository, ours.get());
  for (const auto& [object, note] : notes_of(repository, theirs.get())) {
    auto [it, fresh] = merged.emplace(object, note);
    if (!fresh && !git().git_oid_equal(&it->second, &note)) {
      it->second = union_note(repository, it->second, note);
    }
  }
  GitTree tree = write_notes_tree(repository, merged);
  GitSignature author = signature(who);
  const git_commit* parents[] = {ours.get(), theirs.get()};
  git_oid id{};
  check(git().git_commit_create(&id, repository, nullptr, author.get(), author.get(), nullptr,
                                message.c_str(), tree.get(), 2, parents),
        "write the merged notes");
  return id;
}

void set_ref(git_repository* repository, const std::string& name, const git_oid& id,
             const std::string& log) {
  git_reference* raw = nullptr;
  check(git().git_reference_create(&raw, repository, name.c_str(), &id, 1, log.c_str()),
        "update " + name);
  GitReference owned(raw);
}

// The notes commit `ref` points to, or nothing when there is no such ref.
std::optional<git_oid> notes_head(git_repository* repository, const std::string& ref) {
  git_oid id{};
  if (git().git_reference_name_to_id(&id, repository, ref.c_str()) != 0) {
    return std::nullopt;
  }
  return id;
}

// One attempt at adding `line` to a note.
RefUpdate try_append_note(git_repository* repository, const std::string& ref,
                          const std::string& object, const std::string& line, const Identity& who,
                          const std::string& message) {
  std::optional<git_oid> head = notes_head(repository, ref);
  std::map<std::string, git_oid> notes;
  GitCommit parent;
  if (head) {
    parent = lookup(repository, *head);
    notes = notes_of(repository, parent.get());
  }
  std::string text;
  if (auto it = notes.find(object); it != notes.end()) {
    text = blob_text(repository, it->second);
    if (!text.empty() && text.back() != '\n') {
      text += '\n';
    }
  }
  text += line + "\n";
  git_oid blob{};
  check(git().git_blob_create_from_buffer(&blob, repository, text.data(), text.size()),
        "write a note");
  notes[object] = blob;
  GitTree tree = write_notes_tree(repository, notes);
  GitSignature author = signature(who);
  const git_commit* parents[] = {parent.get()};
  git_oid commit{};
  check(git().git_commit_create(&commit, repository, nullptr, author.get(), author.get(), nullptr,
                                message.c_str(), tree.get(), head ? 1 : 0, parents),
        "write a notes commit");
  git_reference* raw = nullptr;
  int status =
      head ? git().git_reference_create_matching(&raw, repository, ref.c_str(), &commit, 1, &*head,
                                                 message.c_str())
           : git().git_reference_create(&raw, repository, ref.c_str(), &commit, 0, message.c_str());
  GitReference owned(raw);
  RefUpdate outcome = ref_update_outcome(status, ref);
  if (outcome != RefUpdate::done) {
    return outcome;
  }
  return RefUpdate::done;
}

}  // namespace

std::map<std::string, std::string> Repository::notes(const std::string& ref) const {
  git_repository* repository = m_impl->repository.get();
  std::map<std::string, std::string> out;
  std::optional<git_oid> head = notes_head(repository, ref);
  if (!head) {
    return out;
  }
  GitCommit commit = lookup(repository, *head);
  for (const auto& [object, note] : notes_of(repository, commit.get())) {
    out[object] = blob_text(repository, note);
  }
  return out;
}

void Repository::append_note(const std::string& ref, const std::string& object,
                             const std::string& line, const Identity& who,
                             const std::string& message) {
  // Another process adding a note at the same moment moves the ref between our read and our
  // update; the compare-and-swap update notices, and the note is added again on top of theirs.
  git_repository* repository = m_impl->repository.get();
  update_ref_until_done(repository, ref, "a note was added", [&] {
    return try_append_note(repository, ref, object, line, who, message);
  });
}

std::string fetched_notes_prefix(const std::string& remote) {
  return "refs/remote-notes/" + remote + "/";
}

std::vector<std::string> integrate_fetched_notes(git_repository* repository,
                                                 const std::string& remote,
                                                 const std::optional<Identity>& who) {
  std::vector<std::string> notices;
  std::string prefix = fetched_notes_prefix(remote);
  git_strarray names{};
  check(git().git_reference_list(&names, repository), "list references");
  GitStrarray owner(&names);
  for (size_t i = 0; i < names.count; ++i) {
    std::string fetched = names.strings[i];
    if (!fetched.starts_with(prefix)) {
      continue;
    }
    std::string local = "refs/notes/" + fetched.substr(prefix.size());
    git_oid remote_id{};
    check(git().git_reference_name_to_id(&remote_id, repository, fetched.c_str()),
          "read " + fetched);
    git_oid local_id{};
    if (git().git_reference_name_to_id(&local_id, repository, local.c_str()) != 0) {
      set_ref(repository, local, remote_id, "notes: from " + remote);
      continue;
    }
    if (git().git_oid_equal(&local_id, &remote_id) ||
        git().git_graph_descendant_of(repository, &local_id, &remote_id) == 1) {
      continue;  // nothing new on the remote
    }
    if (git().git_graph_descendant_of(repository, &remote_id, &local_id) == 1) {
      set_ref(repository, local, remote_id, "notes: fast-forward from " + remote);
      continue;
    }
    if (!who) {
      notices.push_back(local + " and " + remote +
                        "'s differ and no git identity is set to "
                        "merge them; they were left as they are");
      continue;
    }
    git_oid merged = merge_notes(repository, local_id, remote_id,
                                 "Merge notes " + local + " from " + remote + "\n", *who);
    set_ref(repository, local, merged, "notes: merged from " + remote);
    notices.push_back("merged " + remote + "'s " + local + " with the local one");
  }
  return notices;
}

}  // namespace promptctl::repo
