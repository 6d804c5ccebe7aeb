// Model calls for `POST …/run`, made on a thread of their own so that libmicrohttpd's threads
// never wait for a provider: calls are queued, made concurrently through one `Executor`, each
// recorded in the ledger, and handed back through a callback. A ledger that fails costs no run:
// what it cannot take goes to the spool, and it is opened again later.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "promptctl/lineage.hpp"
#include "promptctl/recorder.hpp"

namespace promptctl::serve_detail {

/// One run asked for: the requests to try in order, what it is recorded with, and who wants
/// the result. `done` runs on the runner's thread and must not block.
struct RunJob {
  std::vector<ChatRequest> chain;
  Lineage lineage;
  nlohmann::json variables;
  /// The recorded run (id 0 when there was nothing to record), and the call's result.
  std::function<void(const RunRecord& run, const CallResult& result)> done;
  /// When set, the answer is asked for as a stream and each piece of its text is handed here
  /// as it comes, on the runner's thread (it must not block), before `done`.
  std::function<void(std::string_view text)> on_text;
  /// When set: whether whoever asked has gone (the client closed its connection). Asked on
  /// the runner's thread before the call is made and about ten times a second while it is
  /// out; a run no longer wanted is not made, or its request is closed, and `done` is told so.
  std::function<bool()> client_left;
  /// Set when the client has left; given to the executor with the call.
  std::shared_ptr<std::atomic<bool>> cancel;
};

class Runner {
 public:
  /// Opens the repository's ledger, response cache and providers. Throws `Error` as `run`
  /// would for a broken ledger or user configuration. `events` receives a line when the
  /// ledger fails and when it is back.
  Runner(const Workspace& workspace, std::size_t parallel, std::size_t queue_limit,
         telemetry::Tracer* tracer, std::function<void(const std::string&)> events);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  [[nodiscard]] const std::map<std::string, ProviderSettings>& providers() const {
    return m_providers;
  }

  /// Queues a run; false (and `job` untouched) when the queue is full or the runner stopped.
  bool submit(RunJob& job);

  /// Records feedback on a run named by its number or uid, in the same ledger, and returns it.
  /// Throws `Error` (not_found) for an unknown run, (usage) for a malformed name.
  Feedback add_feedback(const std::string& run, double score, const std::string& comment,
                        const std::string& author);

  /// Figures over the runs this runner finished, by prompt: what `stats --format prometheus`
  /// writes of a ledger, for the runs the server made since it started.
  [[nodiscard]] std::vector<RunStats> run_stats() const;
  /// Those figures, and the count of runs the ledger could not take (kept in the spool), in
  /// Prometheus's text format.
  [[nodiscard]] std::string exposition() const;

  /// No new call starts; the calls out get a short grace, then every run not finished is
  /// handed back as failed ("the server is stopping"). Returns when the thread has ended.
  void stop();

 private:
  Runner(ExecutionState state, const LedgerLocation& where, std::size_t parallel,
         std::size_t queue_limit);
  Fed next_call();
  void finish(std::size_t index, const RunRecord& run, const CallResult& result);
  void notice_clients_left();
  static void answer_unmade(RunJob& job, const std::string& why);
  void work();

  std::map<std::string, ProviderSettings> m_providers;
  ResponseCache m_cache;
  ReconnectingRecorder m_recorder;
  telemetry::Tracer* m_tracer = nullptr;
  std::size_t m_parallel;
  std::size_t m_queue_limit;

  std::mutex m_lock;
  std::condition_variable m_wakeup;
  std::deque<RunJob> m_queue;
  std::map<std::size_t, RunJob> m_out;  ///< given to the executor, by the index it gets
  std::size_t m_given = 0;
  mutable std::mutex m_stats_lock;
  std::map<std::string, RunStats> m_stats;
  std::atomic<bool> m_stop{false};
  std::chrono::steady_clock::time_point m_clients_checked;  ///< by notice_clients_left
  FeedBell m_bell;  ///< rung when a run is queued: the executor takes it at once
  std::thread m_thread;
};

}  // namespace promptctl::serve_detail
