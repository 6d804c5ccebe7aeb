#include "repo/commit_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "promptctl/error.hpp"
#include "repo/helpers.hpp"
#include "util/fs.hpp"

namespace promptctl::repo {
namespace fs = std::filesystem;

namespace {

fs::path git_dir_of(git_repository* repository) {
  return fs::path(git().git_repository_path(repository)).lexically_normal();
}

fs::path journal_folder(git_repository* repository) {
  return git_dir_of(repository) / "promptctl";
}

fs::path journal_file(const fs::path& folder) {
  return folder / "commit.journal";
}

Error io_failure(const std::string& doing, const fs::path& path) {
  return Error(ErrorKind::io,
               "cannot " + doing + " '" + path.string() + "': " + std::strerror(errno));
}

// The journal is replaced in one rename, so a reader sees a whole record or the one before.
// It needs no fsync: it guards against a killed process, not against a lost disk write.
void write_record(const fs::path& file, const std::string& text) {
  fs::path temp = file;
  temp += ".new";
  util::Fd fd(::open(temp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600));
  if (!fd || !util::write_all(fd.get(), text) || ::close(fd.release()) != 0 ||
      ::rename(temp.c_str(), file.c_str()) != 0) {
    throw io_failure("write", file);
  }
}

std::string oid_text(const git_oid& id) {
  return git().git_oid_tostr_s(&id);
}

// The blob id the file at `path` would have now, or "" when it does not exist.
std::string current_blob(const fs::path& path) {
  std::optional<std::string> content = util::read_file_if_exists(path);
  if (!content) {
    return "";
  }
  git_oid id{};
  check(git().git_odb_hash(&id, content->data(), content->size(), GIT_OBJECT_BLOB),
        "hash '" + path.string() + "'");
  return oid_text(id);
}

bool same_file(const fs::path& path, const nlohmann::json& identity) {
  struct stat now {};
  return ::lstat(path.c_str(), &now) == 0 &&
         identity.value("dev", std::uint64_t{0}) == static_cast<std::uint64_t>(now.st_dev) &&
         identity.value("ino", std::uint64_t{0}) == static_cast<std::uint64_t>(now.st_ino);
}

bool ref_points_at(git_repository* repository, const std::string& ref, const std::string& id) {
  git_oid now{};
  return !ref.empty() && !id.empty() &&
         git().git_reference_name_to_id(&now, repository, ref.c_str()) == 0 && oid_text(now) == id;
}

void finish(git_repository* repository, const fs::path& folder, const nlohmann::json& record) {
  bool committed =
      ref_points_at(repository, record.value("ref", ""), record.value("new", std::string()));
  fs::path lock = git_dir_of(repository) / "index.lock";
  if (record.contains("lock") && same_file(lock, record["lock"])) {
    if (committed ? ::rename(lock.c_str(), (git_dir_of(repository) / "index").c_str()) != 0
                  : ::unlink(lock.c_str()) != 0) {
      throw io_failure(committed ? "finish the index from" : "remove", lock);
    }
  }
  for (const nlohmann::json& move : record.value("moves", nlohmann::json::array())) {
    fs::path from = move.value("from", "");
    fs::path to = move.value("to", "");
    // A file somebody changed since stays as they left it.
    if (committed && fs::exists(from) && current_blob(to) == move.value("before", "")) {
      move_into_place(from, to);
    }
  }
  std::error_code ignored;
  fs::remove_all(folder / "ready", ignored);
  fs::remove(journal_file(folder), ignored);
}

void finish_locked(git_repository* repository, const fs::path& folder) {
  std::optional<std::string> text = util::read_file_if_exists(journal_file(folder));
  if (!text) {
    return;
  }
  nlohmann::json record = nlohmann::json::parse(*text, nullptr, false);
  finish(repository, folder, record.is_object() ? record : nlohmann::json::object());
}

}  // namespace

IndexLock::IndexLock(const fs::path& git_dir, const fs::path& claim)
    : m_git_dir(git_dir),
      m_claim(claim),
      m_fd(::open(claim.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0666)) {
  if (!m_fd || ::fstat(m_fd.get(), &m_identity) != 0) {
    throw io_failure("create", claim);
  }
}

void IndexLock::acquire(std::chrono::milliseconds wait) {
  // link() fails when the name exists, as an exclusive create does, and the lock file it makes
  // is the claim file that the journal already names: no moment leaves an unknown lock.
  fs::path lock = m_git_dir / "index.lock";
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (::link(m_claim.c_str(), lock.c_str()) != 0) {
    if (errno != EEXIST) {
      throw io_failure("create", lock);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw Error(ErrorKind::git, "the repository is locked by another git process",
                  {lock.string(), 0, 0},
                  "wait for it to finish and try again; if no git process is running, remove "
                  "that file");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m_acquired = true;
  ::unlink(m_claim.c_str());
}

IndexLock::~IndexLock() {
  ::unlink(m_claim.c_str());
  if (m_acquired && !m_published) {
    ::unlink((m_git_dir / "index.lock").c_str());
  }
}

void IndexLock::write(const std::vector<StagedPath>& staged, const fs::path& scratch) {
  // Nobody changes the index while its lock file exists, so the copy read here is current;
  // libgit2 writes an index only to its own path, hence the scratch copy. Only the holder of
  // the commit lock uses the scratch files.
  std::error_code ec;
  fs::remove(scratch, ec);
  fs::path scratch_lock = scratch;
  scratch_lock += ".lock";
  fs::remove(scratch_lock, ec);  // left by a commit killed while libgit2 wrote the scratch copy
  if (fs::exists(m_git_dir / "index")) {
    fs::copy_file(m_git_dir / "index", scratch, ec);
    if (ec) {
      throw Error(ErrorKind::io,
                  "cannot copy the index to '" + scratch.string() + "': " + ec.message());
    }
  }
  git_index* raw = nullptr;
  check(git().git_index_open(&raw, scratch.c_str()), "read the index");
  GitIndex index(raw);
  apply_staged(index.get(), staged);
  check(git().git_index_write(index.get()), "write the index");
  std::string bytes = util::read_file(scratch, std::size_t{1} << 31);
  fs::remove(scratch, ec);
  if (!util::write_all(m_fd.get(), bytes)) {
    throw io_failure("write", m_git_dir / "index.lock");
  }
}

void IndexLock::publish() {
  fs::path lock = m_git_dir / "index.lock";
  if (::close(m_fd.release()) != 0 || ::rename(lock.c_str(), (m_git_dir / "index").c_str()) != 0) {
    throw io_failure("replace the index with", lock);
  }
  m_published = true;
}

fs::path CommitJournal::index_claim() const {
  return m_folder / "index.claim";
}

CommitJournal::CommitJournal(git_repository* repository)
    : m_repository(repository),
      m_folder(journal_folder(repository)),
      m_lock(m_folder / "commit.lock", std::chrono::seconds(30), "commit") {
  finish_locked(repository, m_folder);
  fs::create_directories(ready_folder());
}

fs::path CommitJournal::ready_folder() const {
  return m_folder / "ready";
}

fs::path CommitJournal::scratch_index() const {
  return m_folder / "index.next";
}

void CommitJournal::record_lock(const IndexLock& lock) {
  nlohmann::json record = {{"lock",
                            {{"dev", static_cast<std::uint64_t>(lock.identity().st_dev)},
                             {"ino", static_cast<std::uint64_t>(lock.identity().st_ino)}}}};
  write_record(journal_file(m_folder), record.dump());
}

void CommitJournal::record_commit(const IndexLock& lock, const std::string& ref,
                                  const std::optional<git_oid>& old_commit,
                                  const git_oid& new_commit,
                                  const std::vector<StagedPath>& staged) {
  fs::path work_tree = git().git_repository_workdir(m_repository);
  nlohmann::json moves = nlohmann::json::array();
  for (const StagedPath& one : staged) {
    if (one.ready) {
      fs::path to = work_tree / one.path;
      moves.push_back(
          {{"from", one.ready->string()}, {"to", to.string()}, {"before", current_blob(to)}});
    }
  }
  nlohmann::json record = {{"lock",
                            {{"dev", static_cast<std::uint64_t>(lock.identity().st_dev)},
                             {"ino", static_cast<std::uint64_t>(lock.identity().st_ino)}}},
                           {"ref", ref},
                           {"old", old_commit ? oid_text(*old_commit) : ""},
                           {"new", oid_text(new_commit)},
                           {"moves", moves}};
  write_record(journal_file(m_folder), record.dump());
}

void CommitJournal::clear() {
  std::error_code ignored;
  fs::remove(journal_file(m_folder), ignored);
}

void move_into_place(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (::rename(from.c_str(), to.c_str()) == 0) {
    return;
  }
  if (errno != EXDEV) {
    throw io_failure("replace", to);
  }
  util::write_file_atomic(to, util::read_file(from));
  ::unlink(from.c_str());
}

void finish_interrupted_commit(git_repository* repository) {
  fs::path folder = journal_folder(repository);
  if (!fs::exists(journal_file(folder))) {
    return;
  }
  util::FileLock lock(folder / "commit.lock", std::chrono::seconds(30), "commit");
  finish_locked(repository, folder);
}

}  // namespace promptctl::repo
