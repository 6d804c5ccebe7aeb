// Recording runs so that none is lost when the ledger fails: what a ledger could not take (a
// database gone away, a full disk) is kept in a spool file as `runs export` lines, which
// `runs import` adds to the ledger later.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/error.hpp"
#include "promptctl/ledger.hpp"

namespace promptctl {

/// Runs kept outside the ledger, one `runs export` line each, in a file of their own under
/// `directory`. The file is made at the first run kept, readable by its owner only: it holds
/// what the ledger would have (requests, variables, answers, as the run's store allows).
class RunSpool {
 public:
  explicit RunSpool(std::filesystem::path directory);
  ~RunSpool();
  RunSpool(const RunSpool&) = delete;
  RunSpool& operator=(const RunSpool&) = delete;

  /// Appends `run`. Throws `Error` (io) when it cannot be written.
  void keep(const PortableRun& run);
  /// Makes what was kept durable. Throws `Error` (io).
  void sync();
  [[nodiscard]] std::size_t kept() const { return m_kept; }
  /// The file; empty until a run is kept.
  [[nodiscard]] const std::filesystem::path& file() const { return m_file; }

 private:
  std::filesystem::path m_directory;
  std::filesystem::path m_file;
  int m_fd = -1;
  std::size_t m_kept = 0;
};

/// A spool file, and how many runs it holds.
struct SpooledRuns {
  std::filesystem::path file;
  std::size_t runs = 0;
};
/// The spool files in `directory`, oldest first; none when it does not exist.
std::vector<SpooledRuns> spooled_runs(const std::filesystem::path& directory);
/// Whether `file` is one of the spool files in `directory`.
bool is_spool_file(const std::filesystem::path& file, const std::filesystem::path& directory);

/// Whether a recorder commits each run by itself or runs in groups.
enum class Grouping { each_run, in_groups };

/// Records runs in a ledger, each by itself or in groups committed together. When the ledger
/// fails, the runs it did not keep (the whole open group) and every later one go to the spool
/// instead: an answer already paid for is never lost with the ledger.
class RunRecorder {
 public:
  /// `ledger` null: runs are recorded nowhere, not even in the spool.
  RunRecorder(Ledger* ledger, std::filesystem::path spool_directory, Grouping grouping);
  /// Commits the open group; a failure there sends it to the spool, unreported.
  ~RunRecorder();
  RunRecorder(const RunRecorder&) = delete;
  RunRecorder& operator=(const RunRecorder&) = delete;

  /// Records `run`, giving it a uid when it has none, and sets its `id`: its number in the
  /// ledger (in groups, good once `commit` returns true), or 0 when it went to the spool.
  /// `parent_uid` is the uid of the run it repeats, for the spool's line. Throws `Error` (io),
  /// naming both failures, when the ledger failed and the spool cannot keep the run either.
  void record(RunRecord& run, const std::string& parent_uid = {});
  /// As `record`, taking `run` over: an open group keeps it rather than a copy. `use` sees the
  /// run as recorded (with its `id`), e.g. to write its line, before anything else is recorded.
  void record(RunRecord&& run, const std::string& parent_uid,
              const std::function<void(const RunRecord&)>& use);
  /// Commits the open group. False when the ledger failed and the runs recorded since the
  /// last commit went to the spool: the numbers `record` gave them are void. Throws as
  /// `record` does when the spool cannot keep them.
  bool commit();

  /// Called once, when the ledger first fails and the spool holds what it did not take.
  void on_failure(std::function<void()> notify) { m_on_failure = std::move(notify); }
  /// The ledger's first failure; from then on, every run goes to the spool.
  [[nodiscard]] const std::optional<Error>& failure() const { return m_failure; }
  /// After a failure: what failed and where the runs are kept, for a notice at that moment.
  [[nodiscard]] std::string failure_text() const;
  [[nodiscard]] const RunSpool& spool() const { return m_spool; }
  /// After a failure: how many runs are in the spool and the command that records them
  /// ("3 runs were not recorded…"), for a message.
  [[nodiscard]] std::string unrecorded_text() const;
  /// Where they are kept, and the command that records them, for a hint.
  [[nodiscard]] std::string where_kept_text() const;

 private:
  /// Gives `run` its uid and its number, or sends it to the spool; true when it waits in the
  /// ledger's open group, which must then hold it until the group commits.
  bool enter(RunRecord& run, const std::string& parent_uid);
  void fail(const Error& error);
  /// Into the spool; throws `Error` (io) naming the ledger's failure too when it cannot.
  void keep(const PortableRun& run);
  void announce_failure(bool failed_before);

  Ledger* m_ledger;
  Grouping m_grouping;
  RunSpool m_spool;
  std::optional<LedgerBatch> m_batch;
  // The runs of the open group, whole, should they have to go to the spool: a deque, so that
  // the one `use` sees stays where it is.
  std::deque<PortableRun> m_group;
  bool m_group_void = false;
  std::optional<Error> m_failure;
  std::function<void()> m_on_failure;
};

/// Records runs one at a time for a process that lives on (the server): when the ledger fails,
/// the run goes to the spool, and the ledger is opened again at a later run, after a pause
/// that doubles while it stays away (from `first_pause` up to a minute); the runs in between go
/// to the spool without waiting on it. Safe to use from several threads.
class ReconnectingRecorder {
 public:
  ReconnectingRecorder(Ledger ledger, LedgerLocation where, std::filesystem::path spool_directory,
                       std::chrono::milliseconds first_pause = std::chrono::seconds(1));
  ~ReconnectingRecorder();
  ReconnectingRecorder(const ReconnectingRecorder&) = delete;
  ReconnectingRecorder& operator=(const ReconnectingRecorder&) = delete;

  /// Receives a line when the ledger fails and when it is back, from the thread that found out.
  void on_event(std::function<void(const std::string&)> notify) { m_on_event = std::move(notify); }

  /// Records `run` (giving it a uid when it has none) and sets its `id`, or 0 when it went to
  /// the spool. Throws `Error` (io) only when the spool cannot keep it either, naming both
  /// failures, after saying so through `on_event`.
  void record(RunRecord& run, const std::string& parent_uid = {});
  /// Records feedback in the ledger. Throws `Error` (io) while the ledger is away, and as
  /// `Ledger::add_feedback` does.
  Feedback add_feedback(const std::string& run, double score, const std::string& comment,
                        const std::string& author);
  /// How many runs went to the spool.
  [[nodiscard]] std::size_t spooled() const;

 private:
  Ledger* ledger_now();
  void lose(const Error& error);

  mutable std::mutex m_lock;
  std::optional<Ledger> m_ledger;  ///< none while it is away
  LedgerLocation m_where;
  RunSpool m_spool;
  std::chrono::milliseconds m_first_pause;
  std::chrono::milliseconds m_pause{0};
  std::chrono::steady_clock::time_point m_retry_at;
  std::string m_failure;  ///< why it is away
  std::function<void(const std::string&)> m_on_event;
};

}  // namespace promptctl
