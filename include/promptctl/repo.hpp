// Git repositories through libgit2. No libgit2 type appears here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptctl::repo {

/// The work tree of the git repository containing `path`, or nothing when there is none.
/// Throws `Error` (invalid_input) for a repository another user owns, which git refuses too.
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

/// `conflicted`: an unresolved merge conflict, in the working tree's changes only.
enum class ChangeKind { added, modified, deleted, renamed, conflicted };

/// Whether files that git ignores count among the working tree's changes.
enum class IgnoredFiles { left_out, included };

/// A file that differs between HEAD and the working tree (staged or not).
struct FileChange {
  ChangeKind kind = ChangeKind::modified;
  std::string path;      ///< relative to the work tree's top
  std::string old_path;  ///< for a rename, where it came from
};

/// The name and e-mail address of a commit's author or committer, and when.
struct Identity {
  std::string name;
  std::string email;
  std::int64_t time = 0;   ///< seconds since the epoch
  int offset_minutes = 0;  ///< time zone offset from UTC
};

/// One commit's metadata.
struct CommitInfo {
  std::string id;
  std::vector<std::string> parents;
  Identity author;
  Identity committer;
  std::string summary;  ///< the first line of the message
  std::string message;
};

/// A commit where a file's content changed, as `git log -- PATH` lists them.
struct FileVersion {
  CommitInfo commit;
  ChangeKind kind = ChangeKind::modified;
  std::string path;      ///< where the file is in this commit (where it was, for a deletion)
  std::string old_path;  ///< for a rename, where it was in the parent
  std::string blob_id;   ///< the content's id; empty for a deletion
};

/// A line of a text diff: ' ' for context, '+' added, '-' removed; text without its newline.
struct DiffLine {
  char origin = ' ';
  std::string text;
};

/// A run of changed lines with their context, and its "@@ -a,b +c,d @@" header.
struct DiffHunk {
  std::string header;
  std::vector<DiffLine> lines;
};

/// The line differences between two texts, git's algorithm, with `context` lines around each.
std::vector<DiffHunk> diff_text(std::string_view before, std::string_view after, int context = 3);

/// The id git gives `data` stored as a blob (`git hash-object`), computed without storing it.
std::string hash_blob(std::string_view data);

struct BranchInfo {
  std::string name;
  std::string commit_id;
  bool current = false;
};

enum class MergeOutcome { up_to_date, fast_forward, merged, conflicts };

struct MergeResult {
  MergeOutcome outcome = MergeOutcome::up_to_date;
  std::string commit_id;               ///< HEAD afterwards
  std::vector<std::string> conflicts;  ///< paths left with conflict markers
};

/// A tag and, for an annotated tag, its message and tagger.
struct TagInfo {
  std::string name;  ///< without "refs/tags/"
  std::string commit_id;
  std::string message;
  std::optional<Identity> tagger;
};

struct RemoteInfo {
  std::string name;
  std::string url;  ///< with any password in it masked
};

/// A file's new content, for `Repository::commit_contents`.
struct FileContent {
  std::string path;  ///< relative to the work tree, with '/'
  std::string content;
};

struct CommitResult {
  std::string commit_id;
  std::string branch;  ///< the branch HEAD pointed to ("" when detached)
};

/// Signs a commit as git does: given the commit's text, returns the armored signature to put
/// in its `gpgsig` header. May throw; the commit is then not made.
using CommitSigner = std::function<std::string(const std::string& commit_text)>;

/// A commit's signature and the text it signs (the commit without its `gpgsig` header).
struct CommitSignature {
  std::string signature;
  std::string signed_text;
};

/// An open git repository. Reads go straight to the object database: no checkout, and only
/// the objects asked for.
class Repository {
 public:
  /// The repository whose work tree contains `path`. Throws `Error` (not_found) when there is
  /// none, or (invalid_input) for a bare repository.
  static Repository discover(const std::filesystem::path& path);

  /// Clones `url` (a path, file://, https:// or ssh://) into `dir`, with its tags and
  /// promptctl's notes and refs. Credentials: see `fetch`. Throws `Error` (git) on failure,
  /// leaving no partial `dir` behind.
  static Repository clone(const std::string& url, const std::filesystem::path& dir);

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
  /// `revision`'s tree, or nothing when there is no such file there. Safe to call from several
  /// threads at once: the reads take turns (libgit2's objects are used by one thread at a time).
  [[nodiscard]] std::optional<std::string> read_file(const Revision& revision,
                                                     const std::string& path) const;

  /// The paths of the files under `folder` (relative to the work tree's top, '/'-separated, ""
  /// for all) in `revision`'s tree, sorted, as `git ls-tree -r --name-only` lists them.
  [[nodiscard]] std::vector<std::string> list_files(const Revision& revision,
                                                    const std::string& folder) const;

  /// Commits reachable from `start`, newest first by commit time, as `git log` lists them,
  /// at most `limit` of them.
  [[nodiscard]] std::vector<CommitInfo> log(const Revision& start,
                                            size_t limit = static_cast<size_t>(-1)) const;

  /// The commits reachable from `start` where the file at `path` changed, newest first, with
  /// git's default history simplification: a merge that took the file unchanged from a parent
  /// is followed through that parent only. Renames are followed: where the file appears, a
  /// rename from elsewhere under `rename_scope` (a folder) is looked for and the older path
  /// followed from there.
  [[nodiscard]] std::vector<FileVersion> file_history(const Revision& start,
                                                      const std::string& path,
                                                      const std::string& rename_scope) const;

  /// Tags whose names match the glob `pattern` ("greet@*"), sorted by name.
  [[nodiscard]] std::vector<TagInfo> tags(const std::string& pattern) const;

  /// Creates the annotated tag `name` on `target`. Throws `Error`: usage for an invalid tag
  /// name, already_exists when there is one.
  void create_tag(const std::string& name, const Revision& target, const std::string& message,
                  const Identity& tagger);

  /// The configured remotes, sorted by name.
  [[nodiscard]] std::vector<RemoteInfo> remotes() const;

  /// Adds remote `name` at `url`. Throws `Error`: usage for an invalid name, already_exists.
  void add_remote(const std::string& name, const std::string& url);

  /// The remote the current branch pushes to and pulls from: its upstream's remote, else
  /// "origin", else the only remote. Throws `Error` (not_found) when there is none to choose.
  [[nodiscard]] std::string default_remote() const;

  /// Fetches branches (into refs/remotes/REMOTE/), tags, notes and refs/promptctl/ from
  /// `remote`. Notes are merged into the local notes refs: fast-forwarded, or, when both sides
  /// added notes, merged as `git notes merge -s cat_sort_uniq` does (a commit by the committer
  /// identity). Returns notices about the notes. ssh credentials come from ssh-agent; https
  /// ones from PROMPTCTL_GIT_TOKEN (with PROMPTCTL_GIT_USERNAME, default "x-access-token").
  /// Throws `Error` (git) on failure.
  std::vector<std::string> fetch(const std::string& remote);

  /// Pushes the current branch (setting its upstream), every tag, the notes and refs under
  /// refs/promptctl/ to `remote`. Returns the refs pushed. Throws `Error`: refused, naming the
  /// refs, when the remote rejects an update (a branch that is not a fast-forward); invalid_input
  /// on a detached HEAD.
  std::vector<std::string> push(const std::string& remote);

  /// The notes under `ref` ("refs/notes/promptctl"): annotated object id -> note text, the
  /// pairs `git notes --ref REF list` shows. Empty when there is no such ref.
  [[nodiscard]] std::map<std::string, std::string> notes(const std::string& ref) const;

  /// Adds `line` to the note on `object` (a full object id) under `ref`, creating the note and
  /// the ref as needed, in one notes commit by `who`. Safe with other processes adding notes:
  /// the ref moves only from the commit the note was added to. Throws `Error` (git) on failure.
  void append_note(const std::string& ref, const std::string& object, const std::string& line,
                   const Identity& who, const std::string& message);

  /// Records an event: a commit with an empty tree and `message`, by `who`, on top of `ref`
  /// (created when missing), so the ref's history is the log of events. Safe with other
  /// processes recording: the ref moves only from the commit read. Returns the commit's id.
  std::string append_event(const std::string& ref, const std::string& message, const Identity& who);

  /// Local branches, sorted by name.
  [[nodiscard]] std::vector<BranchInfo> branches() const;

  /// The branch HEAD points to (also when it has no commit yet); "" when HEAD is detached.
  [[nodiscard]] std::string current_branch() const;

  /// The repository's main line, as git and its hosts see it: the branch the default
  /// remote's HEAD names (set by clone), else `init.defaultBranch`, else `main`, else
  /// `master`, the first of these that exists here as a local branch; "" when none does.
  [[nodiscard]] std::string default_branch() const;

  /// Creates branch `name` at `start`. Throws `Error`: usage for an invalid branch name,
  /// already_exists when there is one.
  void create_branch(const std::string& name, const Revision& start);

  /// Deletes branch `name`. Throws `Error`: not_found, refused for the current branch or,
  /// unless `force`, for a branch with commits that HEAD does not contain.
  void delete_branch(const std::string& name, bool force);

  /// Checks out branch `name` and points HEAD at it. Throws `Error` (refused), naming the
  /// files, when that would overwrite uncommitted changes or untracked files; nothing is
  /// changed then.
  void switch_branch(const std::string& name);

  /// Tracked files with uncommitted changes, staged or not, sorted.
  [[nodiscard]] std::vector<std::string> dirty_files() const;

  /// Merges `revision` (`label` names it in messages and conflict markers) into HEAD: a
  /// fast-forward when possible, else a three-way merge committed at once when it is clean.
  /// Conflicts are left in the working tree with markers, and the merge stays in progress for
  /// `merge_continue` or `merge_abort`. Throws `Error` (refused) when tracked files have
  /// uncommitted changes or another operation is in progress, before changing anything.
  /// The author and committer of a merge commit come from `identities()`, asked only when
  /// one is made.
  /// `label` names the other side in conflict markers; `message` is the merge commit's.
  MergeResult merge(const Revision& revision, const std::string& label, const std::string& message);

  /// Commits a merge in progress once its conflicts are resolved: the conflicted files are
  /// taken from the working tree. Throws `Error`: refused when no merge is in progress or a
  /// file still holds conflict markers (naming it and the line).
  CommitResult merge_continue(const Identity& author, const Identity& committer);

  /// Abandons a merge in progress, putting HEAD's content back in the index and the working
  /// tree. Throws `Error` (refused) when no merge is in progress.
  void merge_abort();

  /// Files under `pathspecs` that differ between `from` and `to`, renames detected, sorted by
  /// path. Without `to`, against the working tree as `git diff REV` compares, plus untracked
  /// files (as added), which `promptctl commit` would take.
  [[nodiscard]] std::vector<FileChange> diff_files(const Revision& from,
                                                   const std::optional<Revision>& to,
                                                   const std::vector<std::string>& pathspecs) const;

  /// Files under `pathspecs` (paths or folders relative to the work tree's top) that differ
  /// between HEAD and the working tree, renames detected, sorted by path. Untracked files are
  /// added ones; those git ignores too when `ignored` says so (a reader of the working tree,
  /// such as the search index, sees them as `ls` does).
  [[nodiscard]] std::vector<FileChange> changes(
      const std::vector<std::string>& pathspecs,
      IgnoredFiles ignored = IgnoredFiles::left_out) const;

  /// The author and committer git would use: GIT_AUTHOR_* and GIT_COMMITTER_* variables, else
  /// user.name and user.email from git configuration. Throws `Error` (invalid_input) when no
  /// identity is set, or a date variable cannot be read.
  [[nodiscard]] std::pair<Identity, Identity> identities() const;
  /// A git configuration value as git would read it for this repository (local, global,
  /// system); nothing when it is not set.
  [[nodiscard]] std::optional<std::string> config_value(const std::string& name) const;

  /// Commits the working-tree state of `paths` (a missing file is a deletion) on top of HEAD,
  /// leaving any other staged change staged, as `git commit --only` does; the index is updated
  /// for those paths. One promptctl commit runs at a time; one that was interrupted is
  /// finished (or undone) first, so HEAD and the index never disagree. Throws `Error`: refused
  /// when nothing would change, invalid_input during a merge or rebase, git (with a clear
  /// message) when another process holds the index lock or HEAD moved meanwhile.
  CommitResult commit(const std::vector<std::string>& paths, const std::string& message,
                      const Identity& author, const Identity& committer);
  /// Commits `files` with the given contents on top of HEAD, from the object database: the
  /// working tree and the index follow only once HEAD has moved, so an interrupted commit
  /// never leaves a file that differs from HEAD. Errors as for `commit`.
  /// With `sign`, the commit carries its signature, as `git commit -S` makes it.
  CommitResult commit_contents(const std::vector<FileContent>& files, const std::string& message,
                               const Identity& author, const Identity& committer,
                               const CommitSigner& sign = {});
  /// The signature of commit `commit_id`, or nothing for an unsigned commit. Throws `Error`
  /// (not_found) for an unknown commit.
  [[nodiscard]] std::optional<CommitSignature> commit_signature(const std::string& commit_id) const;

 private:
  struct Impl;
  explicit Repository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace promptctl::repo
