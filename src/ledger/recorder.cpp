#include "promptctl/recorder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include "util/dates.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/uuid.hpp"

namespace promptctl {
namespace {

Error spool_error(const std::filesystem::path& file, const std::string& what) {
  return Error(ErrorKind::io, "cannot " + what + " " + file.string() + ": " + std::strerror(errno));
}

// A run that neither the ledger nor the spool took is lost: the error names both failures, the
// ledger's first, so that the cause is not hidden behind the spool's.
Error unkept(const std::string& ledger_failure, const Error& spool_failure) {
  return Error(
      ErrorKind::io,
      "the ledger failed (" + ledger_failure +
          ") and its runs cannot be kept in the spool either: " + spool_failure.message(),
      {}, "runs not yet recorded are lost; free space or mend the folder named, then run again");
}

// The run as the ledger would keep it (its stored form): the spool holds no more than that.
PortableRun portable(const RunRecord& run, const std::string& parent_uid) {
  return {run.store == LedgerStore::full ? run : run.stored_form(), parent_uid, {}};
}

}  // namespace

RunSpool::RunSpool(std::filesystem::path directory) : m_directory(std::move(directory)) {}

RunSpool::~RunSpool() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void RunSpool::keep(const PortableRun& run) {
  if (m_fd < 0) {
    util::make_private_directory(m_directory);
    // Named by a time-ordered uid: files sort by when their first run was kept, and two
    // processes never share one.
    std::filesystem::path file = m_directory / ("runs-" + util::uuid_v7(util::now_ms()) + ".jsonl");
    m_fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (m_fd < 0) {
      throw spool_error(file, "create");
    }
    m_file = std::move(file);
  }
  // As `runs export` writes it: text that is not UTF-8 leaves with U+FFFD in its place.
  std::string line =
      run.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (!util::write_all(m_fd, line)) {
    throw spool_error(m_file, "write to");
  }
  ++m_kept;
}

void RunSpool::sync() {
  if (m_fd >= 0 && ::fdatasync(m_fd) != 0) {
    throw spool_error(m_file, "write to");
  }
}

std::vector<SpooledRuns> spooled_runs(const std::filesystem::path& directory) {
  std::vector<SpooledRuns> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file(ec) && entry.path().extension() == ".jsonl") {
      std::ifstream in(entry.path(), std::ios::binary);
      auto lines = std::count(std::istreambuf_iterator<char>(in), {}, '\n');
      found.push_back({entry.path(), static_cast<std::size_t>(lines)});
    }
  }
  // Named by time-ordered uids: by name is oldest first.
  std::sort(found.begin(), found.end(),
            [](const SpooledRuns& a, const SpooledRuns& b) { return a.file < b.file; });
  return found;
}

bool is_spool_file(const std::filesystem::path& file, const std::filesystem::path& directory) {
  std::error_code ec;
  return file.extension() == ".jsonl" &&
         std::filesystem::equivalent(file.parent_path().empty() ? "." : file.parent_path(),
                                     directory, ec);
}

RunRecorder::RunRecorder(Ledger* ledger, std::filesystem::path spool_directory, Grouping grouping)
    : m_ledger(ledger), m_grouping(grouping), m_spool(std::move(spool_directory)) {
  if (m_ledger && m_grouping == Grouping::in_groups) {
    m_batch.emplace(*m_ledger);
  }
}

RunRecorder::~RunRecorder() {
  try {
    (void)commit();
    m_spool.sync();
  } catch (const Error&) {
    // A destructor cannot report it: the lines already written stay in the spool.
  }
}

void RunRecorder::record(RunRecord& run, const std::string& parent_uid) {
  if (enter(run, parent_uid)) {
    m_group.push_back({run, parent_uid, {}});
  }
}

void RunRecorder::record(RunRecord&& run, const std::string& parent_uid,
                         const std::function<void(const RunRecord&)>& use) {
  if (enter(run, parent_uid)) {
    m_group.push_back({std::move(run), parent_uid, {}});
    use(m_group.back().run);
  } else {
    use(run);
  }
}

bool RunRecorder::enter(RunRecord& run, const std::string& parent_uid) {
  run.id = 0;
  if (!m_ledger) {
    return false;
  }
  if (run.uid.empty()) {
    run.uid = util::uuid_v7(run.started_ms);
  }
  bool failed_before = m_failure.has_value();
  if (!m_failure) {
    try {
      run.id = m_ledger->record(run);
      return m_grouping == Grouping::in_groups;
    } catch (const Error& error) {
      fail(error);
    }
  }
  keep(portable(run, parent_uid));
  announce_failure(failed_before);
  return false;
}

bool RunRecorder::commit() {
  bool failed_before = m_failure.has_value();
  if (m_batch && !m_failure) {
    try {
      m_batch->commit();
      m_group.clear();
    } catch (const Error& error) {
      fail(error);
    }
  }
  if (m_failure) {
    try {
      m_spool.sync();
    } catch (const Error& error) {
      throw unkept(m_failure->message(), error);
    }
  }
  announce_failure(failed_before);
  return !std::exchange(m_group_void, false);
}

void RunRecorder::announce_failure(bool failed_before) {
  if (!failed_before && m_failure && m_on_failure) {
    m_on_failure();
  }
}

std::string RunRecorder::failure_text() const {
  return "the ledger failed: " + (m_failure ? m_failure->message() : std::string()) +
         "; the runs it did not record, and every later one, are kept in " +
         util::visible(m_spool.file().string());
}

std::string RunRecorder::unrecorded_text() const {
  std::size_t kept = m_spool.kept();
  return std::to_string(kept) + (kept == 1 ? " run was" : " runs were") +
         " not recorded in the ledger: " + (m_failure ? m_failure->message() : "");
}

std::string RunRecorder::where_kept_text() const {
  std::string file = util::visible(m_spool.file().string());
  bool one = m_spool.kept() == 1;
  return std::string(one ? "it is" : "they are") + " kept in " + file +
         "; 'promptctl runs import " + file + "' records " + (one ? "it" : "them") +
         " when the ledger is back";
}

void RunRecorder::fail(const Error& error) {
  m_failure = error;
  m_batch.reset();  // rolls back what the ledger still holds open of the group
  m_group_void = !m_group.empty();
  for (PortableRun& held : m_group) {
    held.run.id = 0;  // its number went with the group the ledger rolled back
    keep(portable(held.run, held.parent_uid));
  }
  m_group.clear();
}

void RunRecorder::keep(const PortableRun& run) {
  try {
    m_spool.keep(run);
  } catch (const Error& error) {
    throw unkept(m_failure->message(), error);
  }
}

ReconnectingRecorder::ReconnectingRecorder(Ledger ledger, LedgerLocation where,
                                           std::filesystem::path spool_directory,
                                           std::chrono::milliseconds first_pause)
    : m_ledger(std::move(ledger)),
      m_where(std::move(where)),
      m_spool(std::move(spool_directory)),
      m_first_pause(first_pause) {}

ReconnectingRecorder::~ReconnectingRecorder() = default;

void ReconnectingRecorder::record(RunRecord& run, const std::string& parent_uid) {
  run.id = 0;
  if (run.uid.empty()) {
    run.uid = util::uuid_v7(run.started_ms);
  }
  std::lock_guard<std::mutex> lock(m_lock);
  bool lost_now = false;
  if (Ledger* ledger = ledger_now()) {
    try {
      run.id = ledger->record(run);
      return;
    } catch (const Error& error) {
      lose(error);
      lost_now = true;
    }
  }
  try {
    m_spool.keep(portable(run, parent_uid));
    m_spool.sync();  // the run's answer goes back next: it must be kept by then
  } catch (const Error& error) {
    Error lost = unkept(m_failure, error);
    if (m_on_event) {  // every run lost is said, not only the first
      m_on_event(lost.message());
    }
    throw lost;
  }
  if (lost_now && m_on_event) {
    std::string file = util::visible(m_spool.file().string());
    m_on_event("the ledger failed: " + m_failure + "; runs are kept in " + file +
               " until it is back ('promptctl runs import " + file + "' records them)");
  }
}

Feedback ReconnectingRecorder::add_feedback(const std::string& run, double score,
                                            const std::string& comment, const std::string& author) {
  std::lock_guard<std::mutex> lock(m_lock);
  Ledger* ledger = ledger_now();
  if (!ledger) {
    throw Error(ErrorKind::io, "the ledger is unavailable: " + m_failure, {},
                "give the feedback again once the ledger is back");
  }
  try {
    return ledger->add_feedback(run_id_of(*ledger, run), score, comment, author);
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::io) {
      lose(error);
      if (m_on_event) {
        m_on_event("the ledger failed: " + m_failure);
      }
    }
    throw;
  }
}

std::size_t ReconnectingRecorder::spooled() const {
  std::lock_guard<std::mutex> lock(m_lock);
  return m_spool.kept();
}

// The ledger, opened again when it is away and its pause is over; null while it stays away.
Ledger* ReconnectingRecorder::ledger_now() {
  if (m_ledger) {
    return &*m_ledger;
  }
  auto now = std::chrono::steady_clock::now();
  if (now < m_retry_at) {
    return nullptr;
  }
  try {
    m_ledger.emplace(Ledger::open_at(m_where));
  } catch (const Error& error) {
    m_failure = error.message();
    m_pause = std::min<std::chrono::milliseconds>(m_pause * 2, std::chrono::minutes(1));
    m_retry_at = now + m_pause;
    return nullptr;
  }
  m_pause = std::chrono::milliseconds(0);
  if (m_on_event) {
    std::size_t kept = m_spool.kept();
    std::string file = util::visible(m_spool.file().string());
    m_on_event("the ledger is back" +
               (kept == 0 ? std::string()
                          : "; " + std::to_string(kept) + (kept == 1 ? " run is" : " runs are") +
                                " kept in " + file + " ('promptctl runs import " + file +
                                "' records them)"));
  }
  return &*m_ledger;
}

void ReconnectingRecorder::lose(const Error& error) {
  m_ledger.reset();  // its connection is of no more use; a later run opens a new one
  m_failure = error.message();
  m_pause = m_first_pause;
  m_retry_at = std::chrono::steady_clock::now() + m_pause;
}

}  // namespace promptctl
