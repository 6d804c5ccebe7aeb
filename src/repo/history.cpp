// Walking history: the commits of a branch, and the commits where one file changed.
#include <algorithm>
#include <cstring>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"

namespace promptctl::repo {

namespace {

using GitRevwalk = GitHandle<git_revwalk, &GitApi::git_revwalk_free>;
using GitOdb = GitHandle<git_odb, &GitApi::git_odb_free>;
using GitOdbObject = GitHandle<git_odb_object, &GitApi::git_odb_object_free>;
using GitDiff = GitHandle<git_diff, &GitApi::git_diff_free>;

std::string hex(const git_oid* id) {
  return git().git_oid_tostr_s(id);
}

// Raw id bytes, as a compact key for hash maps.
std::string key_of(const git_oid* id) {
  return {reinterpret_cast<const char*>(id->id), GIT_OID_RAWSZ};
}

git_oid parse_oid(const std::string& text) {
  git_oid id{};
  check(git().git_oid_fromstr(&id, text.c_str()), "read the commit id '" + text + "'");
  return id;
}

CommitInfo info_of(const git_commit* commit) {
  CommitInfo info;
  info.id = hex(git().git_commit_id(commit));
  for (unsigned int i = 0; i < git().git_commit_parentcount(commit); ++i) {
    info.parents.push_back(hex(git().git_commit_parent_id(commit, i)));
  }
  info.author = identity_of(git().git_commit_author(commit));
  info.committer = identity_of(git().git_commit_committer(commit));
  const char* message = git().git_commit_message(commit);
  info.message = message ? message : "";
  info.summary = info.message.substr(0, info.message.find('\n'));
  return info;
}

GitCommit lookup_commit(git_repository* repository, const git_oid* id) {
  git_commit* raw = nullptr;
  check(git().git_commit_lookup(&raw, repository, id), "read commit " + hex(id));
  return GitCommit(raw);
}

// Follows one file back through history. Each commit's entry for the path is looked up once:
// a parent's entry is needed again when the walk reaches that parent.
class FileWalker {
 public:
  FileWalker(git_repository* repository, std::string rename_scope)
      : m_repository(repository), m_rename_scope(std::move(rename_scope)) {}

  std::vector<FileVersion> walk(const git_oid& start, const std::string& path) {
    push(start, path);
    std::vector<FileVersion> out;
    while (!m_queue.empty()) {
      Pending next = m_queue.top();
      m_queue.pop();
      visit(next, out);
    }
    return out;
  }

 private:
  struct Pending {
    std::int64_t time = 0;
    std::uint64_t order = 0;  // among equal times, first pushed first out
    git_oid id{};
    std::string path;
    bool operator<(const Pending& other) const {
      return time != other.time ? time < other.time : order > other.order;
    }
  };
  // A file's blob id in one commit; nothing when the commit has no such file.
  using Entry = std::optional<std::string>;

  void push(const git_oid& id, const std::string& path) {
    if (!m_seen.insert(key_of(&id)).second) {
      return;
    }
    GitCommit commit = lookup_commit(m_repository, &id);
    m_queue.push(
        {static_cast<std::int64_t>(git().git_commit_time(commit.get())), m_order++, id, path});
  }

  Entry entry_at(const git_oid& commit_id, const std::string& path) {
    std::string key = key_of(&commit_id) + path;
    if (auto found = m_entries.find(key); found != m_entries.end()) {
      return found->second;
    }
    GitCommit commit = lookup_commit(m_repository, &commit_id);
    Entry entry = blob_at(*git().git_commit_tree_id(commit.get()), path);
    m_entries.emplace(std::move(key), entry);
    return entry;
  }

  // The blob at `path` under the tree `tree_id`, found by scanning the raw tree objects rather
  // than parsing them into libgit2's tree type: a walk over thousands of commits reads one
  // large folder per commit, and only one entry of it is needed.
  Entry blob_at(git_oid tree_id, const std::string& path) {
    size_t start = 0;
    while (true) {
      size_t slash = path.find('/', start);
      bool last = slash == std::string::npos;
      std::string_view segment =
          std::string_view(path).substr(start, last ? std::string::npos : slash - start);
      git_odb_object* raw = nullptr;
      check(git().git_odb_read(&raw, odb(), &tree_id), "read a tree");
      GitOdbObject tree(raw);
      auto found = find_entry(static_cast<const char*>(git().git_odb_object_data(tree.get())),
                              git().git_odb_object_size(tree.get()), segment, !last);
      if (!found) {
        return std::nullopt;
      }
      if (last) {
        return hex(&*found);
      }
      tree_id = *found;
      start = slash + 1;
    }
  }

  // In a raw tree ("MODE NAME\0<20-byte id>" entries), the id of `name` if it is a folder
  // (`want_tree`) or a file as asked.
  static std::optional<git_oid> find_entry(const char* data, size_t size, std::string_view name,
                                           bool want_tree) {
    const char* end = data + size;
    const char* at = data;
    while (at < end) {
      const char* space = static_cast<const char*>(std::memchr(at, ' ', end - at));
      if (!space) {
        return std::nullopt;
      }
      const char* nul = static_cast<const char*>(std::memchr(space, '\0', end - space));
      if (!nul || end - nul < 1 + GIT_OID_RAWSZ) {
        return std::nullopt;
      }
      std::string_view mode(at, static_cast<size_t>(space - at));
      std::string_view entry(space + 1, static_cast<size_t>(nul - space - 1));
      if (entry == name) {
        bool is_tree = mode == "40000";
        bool is_blob = mode.starts_with("100");
        if (want_tree ? !is_tree : !is_blob) {
          return std::nullopt;
        }
        git_oid id{};
        std::memcpy(id.id, nul + 1, GIT_OID_RAWSZ);
        return id;
      }
      at = nul + 1 + GIT_OID_RAWSZ;
    }
    return std::nullopt;
  }

  git_odb* odb() {
    if (!m_odb) {
      git_odb* raw = nullptr;
      check(git().git_repository_odb(&raw, m_repository), "open the object database");
      m_odb.reset(raw);
    }
    return m_odb.get();
  }

  void visit(const Pending& pending, std::vector<FileVersion>& out) {
    GitCommit commit = lookup_commit(m_repository, &pending.id);
    Entry own = entry_at(pending.id, pending.path);
    unsigned int count = git().git_commit_parentcount(commit.get());
    std::vector<git_oid> parents;
    std::vector<Entry> parent_entries;
    for (unsigned int i = 0; i < count; ++i) {
      parents.push_back(*git().git_commit_parent_id(commit.get(), i));
      parent_entries.push_back(entry_at(parents.back(), pending.path));
    }
    for (size_t i = 0; i < parents.size(); ++i) {
      if (parent_entries[i] == own) {
        push(parents[i], pending.path);  // unchanged from this parent: the history is there
        return;
      }
    }
    if (!own && parents.empty()) {
      return;
    }
    FileVersion version;
    version.commit = info_of(commit.get());
    version.path = pending.path;
    std::string older_path = pending.path;
    if (!own) {
      version.kind = ChangeKind::deleted;
    } else {
      version.blob_id = *own;
      bool in_a_parent = std::any_of(parent_entries.begin(), parent_entries.end(),
                                     [](const Entry& e) { return e.has_value(); });
      version.kind = in_a_parent ? ChangeKind::modified : ChangeKind::added;
      if (!in_a_parent && !parents.empty()) {
        version.old_path = renamed_from(commit.get(), pending.path);
        if (!version.old_path.empty()) {
          version.kind = ChangeKind::renamed;
          older_path = version.old_path;
        }
      }
    }
    out.push_back(std::move(version));
    for (const git_oid& parent : parents) {
      push(parent, older_path);
    }
  }

  // Where `path` was renamed from in `commit` (against its first parent), or "".
  std::string renamed_from(git_commit* commit, const std::string& path) {
    git_commit* parent_raw = nullptr;
    check(git().git_commit_parent(&parent_raw, commit, 0), "read a parent commit");
    GitCommit parent(parent_raw);
    git_tree* old_raw = nullptr;
    git_tree* new_raw = nullptr;
    check(git().git_commit_tree(&old_raw, parent.get()), "read a tree");
    GitTree old_tree(old_raw);
    check(git().git_commit_tree(&new_raw, commit), "read a tree");
    GitTree new_tree(new_raw);
    git_diff_options options{};
    check(git().git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION), "set up a diff");
    std::string scope = m_rename_scope;
    char* specs[] = {scope.data()};
    if (!scope.empty()) {
      options.pathspec = {specs, 1};
    }
    git_diff* diff_raw = nullptr;
    check(git().git_diff_tree_to_tree(&diff_raw, m_repository, old_tree.get(), new_tree.get(),
                                      &options),
          "compare two commits");
    GitDiff diff(diff_raw);
    git_diff_find_options find{};
    check(git().git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION),
          "set up rename detection");
    find.flags = GIT_DIFF_FIND_RENAMES;
    check(git().git_diff_find_similar(diff.get(), &find), "detect renames");
    for (size_t i = 0; i < git().git_diff_num_deltas(diff.get()); ++i) {
      const git_diff_delta* delta = git().git_diff_get_delta(diff.get(), i);
      if (delta->status == GIT_DELTA_RENAMED && path == delta->new_file.path) {
        return delta->old_file.path;
      }
    }
    return {};
  }

  git_repository* m_repository;
  GitOdb m_odb;
  std::string m_rename_scope;
  std::priority_queue<Pending> m_queue;
  std::unordered_set<std::string> m_seen;
  std::unordered_map<std::string, Entry> m_entries;
  std::uint64_t m_order = 0;
};

}  // namespace

std::string hash_blob(std::string_view data) {
  git_oid id{};
  check(git().git_odb_hash(&id, data.data(), data.size(), GIT_OBJECT_BLOB), "hash content");
  return hex(&id);
}

std::vector<CommitInfo> Repository::log(const Revision& start, size_t limit) const {
  git_repository* repository = m_impl->repository.get();
  git_revwalk* raw = nullptr;
  check(git().git_revwalk_new(&raw, repository), "walk the history");
  GitRevwalk walk(raw);
  check(git().git_revwalk_sorting(walk.get(), GIT_SORT_TIME), "walk the history");
  git_oid start_id = parse_oid(start.commit_id);
  check(git().git_revwalk_push(walk.get(), &start_id), "walk the history");
  std::vector<CommitInfo> out;
  git_oid id{};
  while (out.size() < limit && git().git_revwalk_next(&id, walk.get()) == 0) {
    out.push_back(info_of(lookup_commit(repository, &id).get()));
  }
  return out;
}

std::vector<FileVersion> Repository::file_history(const Revision& start, const std::string& path,
                                                  const std::string& rename_scope) const {
  FileWalker walker(m_impl->repository.get(), rename_scope);
  return walker.walk(parse_oid(start.commit_id), path);
}

}  // namespace promptctl::repo
