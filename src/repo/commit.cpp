// Creating commits of chosen paths, with git's identity rules.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <thread>

#include "promptctl/repo.hpp"
#include "repo/commit_journal.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"
#include "util/dates.hpp"
#include "util/interrupts.hpp"
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

void refuse_during_operation(git_repository* repository) {
  if (git().git_repository_state(repository) == GIT_REPOSITORY_STATE_MERGE) {
    throw Error(ErrorKind::invalid_input, "a merge is in progress", {},
                "finish it with 'promptctl merge --continue', or give it up with 'promptctl "
                "merge --abort'");
  }
  if (git().git_repository_state(repository) != GIT_REPOSITORY_STATE_NONE) {
    throw Error(ErrorKind::invalid_input,
                "a merge, rebase or cherry-pick is in progress; finish or abort it first");
  }
}

void refuse_unless_ready(git_repository* repository) {
  refuse_during_operation(repository);
  fs::path git_dir = git().git_repository_path(repository);
  if (fs::exists(git_dir / "index.lock")) {
    throw Error(ErrorKind::git, "the repository is locked by another git process",
                {(git_dir / "index.lock").string(), 0, 0},
                "if no other git process is running, remove that file");
  }
}

RefUpdate ref_update_outcome(int status, const std::string& ref) {
  if (status == GIT_EMODIFIED || status == GIT_EEXISTS) {
    return RefUpdate::moved;
  }
  if (status == GIT_ELOCKED) {
    return RefUpdate::locked;
  }
  check(status, "update " + ref);
  return RefUpdate::done;
}

Error ref_locked_error(git_repository* repository, const std::string& ref) {
  fs::path lock = fs::path(git().git_repository_path(repository)) / (ref + ".lock");
  return Error(ErrorKind::git, "another process kept " + ref + " locked", {lock.string(), 0, 0},
               "wait for it to finish and try again; if no git process is running, remove "
               "that file");
}

bool remove_stale_ref_lock(git_repository* repository, const std::string& ref) {
  // git holds a ref's lock for the moment it takes to write one line and rename it, and gives
  // up after 100 ms (core.filesRefLockTimeout) when another holds it; a lock left for seconds
  // belongs to a process that died in that moment.
  constexpr auto k_stale_after = std::chrono::seconds(2);
  fs::path lock = fs::path(git().git_repository_path(repository)) / (ref + ".lock");
  std::error_code ec;
  auto written = fs::last_write_time(lock, ec);
  if (ec || fs::file_time_type::clock::now() - written < k_stale_after) {
    return false;
  }
  return fs::remove(lock, ec) && !ec;
}

bool wait_for_ref_lock(int attempt) {
  constexpr int k_attempts = 35;  // 10, 20, 40, 80, then 160 ms: about 5 s in all
  if (attempt >= k_attempts) {
    return false;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(10 << std::min(attempt, 4), 160)));
  return true;
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

// The ref a commit moves: the branch HEAD points to, or HEAD itself when detached.
std::string head_ref_name(git_repository* repository) {
  git_reference* raw = nullptr;
  check(git().git_reference_lookup(&raw, repository, "HEAD"), "read HEAD");
  GitReference head(raw);
  const char* target = git().git_reference_symbolic_target(head.get());
  return target ? target : "HEAD";
}

std::string reflog_message(const std::string& message, bool initial) {
  std::string subject = message.substr(0, message.find('\n'));
  return (initial ? "commit (initial): " : "commit: ") + subject;
}

// Moves `ref` from `old_commit` (nothing: it must not exist) to `new_commit`; false when
// another process moved it first. A ref another process has locked is waited for briefly,
// as git waits (core.filesRefLockTimeout).
bool move_ref(git_repository* repository, const std::string& ref,
              const std::optional<git_oid>& old_commit, const git_oid& new_commit,
              const std::string& log_message) {
  for (int attempt = 0;; ++attempt) {
    git_reference* raw = nullptr;
    int status =
        old_commit ? git().git_reference_create_matching(&raw, repository, ref.c_str(), &new_commit,
                                                         1, &*old_commit, log_message.c_str())
                   : git().git_reference_create(&raw, repository, ref.c_str(), &new_commit, 0,
                                                log_message.c_str());
    GitReference owned(raw);
    switch (ref_update_outcome(status, ref)) {
      case RefUpdate::done:
        return true;
      case RefUpdate::moved:
        return false;
      case RefUpdate::locked:
        if (!remove_stale_ref_lock(repository, ref) && !wait_for_ref_lock(attempt)) {
          throw ref_locked_error(repository, ref);
        }
    }
  }
}

// Writes the commit object, signed when `sign` is given.
git_oid create_commit(git_repository* repository, const git_signature* author,
                      const git_signature* committer, const std::string& message,
                      const git_tree* tree, const git_commit* parent, const CommitSigner& sign) {
  const git_commit* parents[] = {parent};
  git_oid commit_id{};
  if (!sign) {
    check(
        git().git_commit_create(&commit_id, repository, nullptr, author, committer, nullptr,
                                message.c_str(), tree, parent ? 1 : 0, parent ? parents : nullptr),
        "create the commit");
    return commit_id;
  }
  git_buf text = GIT_BUF_INIT;
  check(
      git().git_commit_create_buffer(&text, repository, author, committer, nullptr, message.c_str(),
                                     tree, parent ? 1 : 0, parent ? parents : nullptr),
      "create the commit");
  std::string content(text.ptr, text.size);
  git().git_buf_dispose(&text);
  std::string signature = sign(content);
  check(git().git_commit_create_with_signature(&commit_id, repository, content.c_str(),
                                               signature.c_str(), nullptr),
        "create the signed commit");
  return commit_id;
}

CommitResult commit_staged(git_repository* repository, CommitJournal& journal,
                           std::vector<StagedPath> staged, const std::string& message,
                           const Identity& author, const Identity& committer,
                           const CommitSigner& sign = {}) {
  struct ReadyFiles {
    const std::vector<StagedPath>& staged;
    bool kept = false;  // for the journal, which moves them into place
    ~ReadyFiles() {
      if (!kept) {
        discard_ready_files(staged);
      }
    }
  } ready{staged};
  GitCommit parent = head_commit(repository);
  git_oid tree_id = write_staged_tree(repository, parent.get(), staged);
  if (parent && git().git_oid_equal(&tree_id, git().git_commit_tree_id(parent.get()))) {
    throw Error(ErrorKind::refused, "nothing to commit: no change to the chosen files since HEAD");
  }
  git_tree* tree_raw = nullptr;
  check(git().git_tree_lookup(&tree_raw, repository, &tree_id), "read the new tree");
  GitTree tree(tree_raw);
  GitSignature author_sig = signature(author);
  GitSignature committer_sig = signature(committer);
  git_oid commit_id = create_commit(repository, author_sig.get(), committer_sig.get(), message,
                                    tree.get(), parent.get(), sign);
  std::optional<git_oid> old_commit;
  if (parent) {
    old_commit = *git().git_commit_id(parent.get());
  }
  std::string ref = head_ref_name(repository);

  // From here on a Ctrl-C waits for the commit to be whole; a SIGKILL leaves the journal,
  // which the next command reads to finish or undo it.
  util::UninterruptedSection whole;
  IndexLock index(fs::path(git().git_repository_path(repository)), journal.index_claim());
  journal.record_lock(index);
  index.acquire(std::chrono::seconds(2));
  index.write(staged, journal.scratch_index());
  journal.record_commit(index, ref, old_commit, commit_id, staged);
  if (!move_ref(repository, ref, old_commit, commit_id, reflog_message(message, !parent))) {
    journal.clear();
    throw Error(ErrorKind::git, "HEAD moved while committing (another commit was made); try again");
  }
  // HEAD has moved: what is left is finished now, or by the next command from the journal.
  ready.kept = true;
  index.publish();
  fs::path work_tree = git().git_repository_workdir(repository);
  for (const StagedPath& one : staged) {
    if (one.ready) {
      move_into_place(*one.ready, work_tree / one.path);
    }
  }
  journal.clear();
  return {git().git_oid_tostr_s(&commit_id), ref.starts_with("refs/heads/") ? ref.substr(11) : ""};
}

}  // namespace

CommitResult Repository::commit(const std::vector<std::string>& paths, const std::string& message,
                                const Identity& author, const Identity& committer) {
  git_repository* repository = m_impl->repository.get();
  refuse_during_operation(repository);
  CommitJournal journal(repository);
  return commit_staged(repository, journal, stage_work_tree(repository, m_impl->work_tree, paths),
                       message, author, committer);
}

CommitResult Repository::commit_contents(const std::vector<FileContent>& files,
                                         const std::string& message, const Identity& author,
                                         const Identity& committer, const CommitSigner& sign) {
  git_repository* repository = m_impl->repository.get();
  refuse_during_operation(repository);
  CommitJournal journal(repository);
  return commit_staged(repository, journal,
                       stage_contents(repository, journal.ready_folder(), files), message, author,
                       committer, sign);
}

std::optional<CommitSignature> Repository::commit_signature(const std::string& commit_id) const {
  git_repository* repository = m_impl->repository.get();
  git_oid id{};
  check(git().git_oid_fromstr(&id, resolve(commit_id).commit_id.c_str()), "read a commit id");
  git_buf signature = GIT_BUF_INIT;
  git_buf signed_text = GIT_BUF_INIT;
  int status =
      git().git_commit_extract_signature(&signature, &signed_text, repository, &id, nullptr);
  if (status == GIT_ENOTFOUND) {
    return std::nullopt;
  }
  CommitSignature out;
  if (status == 0) {
    out = {std::string(signature.ptr, signature.size),
           std::string(signed_text.ptr, signed_text.size)};
  }
  git().git_buf_dispose(&signature);
  git().git_buf_dispose(&signed_text);
  check(status, "read the signature of commit " + commit_id);
  return out;
}

}  // namespace promptctl::repo
