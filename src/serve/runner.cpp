#include "serve/runner.hpp"

namespace promptctl::serve_detail {

Runner::Runner(const Workspace& workspace, std::size_t parallel, std::size_t queue_limit,
               telemetry::Tracer* tracer, std::function<void(const std::string&)> events)
    : Runner(open_execution_state(workspace), ledger_location(workspace), parallel, queue_limit) {
  m_tracer = tracer;
  m_recorder.on_event(std::move(events));
  m_thread = std::thread([this] { work(); });
}

Runner::Runner(ExecutionState state, const LedgerLocation& where, std::size_t parallel,
               std::size_t queue_limit)
    : m_providers(std::move(state.providers)),
      m_cache(std::move(state.cache)),
      m_recorder(std::move(state.ledger), where, std::move(state.spool)),
      m_parallel(std::max<std::size_t>(1, parallel)),
      m_queue_limit(queue_limit) {}

Runner::~Runner() {
  stop();
}

bool Runner::submit(RunJob& job) {
  {
    std::lock_guard<std::mutex> lock(m_lock);
    if (m_stop.load() || m_queue.size() >= m_queue_limit) {
      return false;
    }
    m_queue.push_back(std::move(job));
  }
  m_wakeup.notify_one();  // the executor waits here when no call is out,
  m_bell.ring();          // and in its HTTP client's poll when some are
  return true;
}

Feedback Runner::add_feedback(const std::string& run, double score, const std::string& comment,
                              const std::string& author) {
  return m_recorder.add_feedback(run, score, comment, author);
}

std::vector<RunStats> Runner::run_stats() const {
  std::lock_guard<std::mutex> lock(m_stats_lock);
  std::vector<RunStats> groups;
  groups.reserve(m_stats.size());
  for (const auto& [prompt, stats] : m_stats) {
    groups.push_back(stats);
  }
  return groups;
}

std::string Runner::exposition() const {
  return prometheus_exposition(run_stats(), "prompt", "") +
         "# HELP promptctl_runs_unrecorded_total Runs the ledger could not take, kept in the "
         "spool for `promptctl runs import`.\n"
         "# TYPE promptctl_runs_unrecorded_total counter\n"
         "promptctl_runs_unrecorded_total " +
         std::to_string(m_recorder.spooled()) + "\n";
}

void Runner::stop() {
  {
    std::lock_guard<std::mutex> lock(m_lock);
    m_stop = true;
  }
  m_wakeup.notify_all();
  m_bell.ring();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

// Asked by the executor whenever it has room. With nothing out it may wait, since it is asked
// again only when a call it gave finishes; with calls out it must not, and a run queued then
// rings the bell, which ends the executor's wait for its calls. A run whose client left while
// it waited is answered, not made.
Fed Runner::next_call() {
  std::vector<RunJob> unwanted;
  Fed fed;
  {
    std::unique_lock<std::mutex> lock(m_lock);
    if (m_out.empty()) {
      m_wakeup.wait(lock, [&] { return m_stop.load() || !m_queue.empty(); });
    }
    if (m_stop.load()) {
      return {std::nullopt, true};
    }
    while (!m_queue.empty() && m_queue.front().client_left && m_queue.front().client_left()) {
      unwanted.push_back(std::move(m_queue.front()));
      m_queue.pop_front();
    }
    if (!m_queue.empty()) {
      RunJob& job = m_out[m_given++] = std::move(m_queue.front());
      m_queue.pop_front();
      if (job.client_left) {
        job.cancel = std::make_shared<std::atomic<bool>>(false);
      }
      fed = {job.chain, false, static_cast<bool>(job.on_text), job.cancel};
    }
  }
  for (RunJob& job : unwanted) {
    answer_unmade(job, "the client left before the call was made");
  }
  return fed;
}

// Asked after each wait of the executor, at most ten times a second: the calls whose clients
// have left are cancelled (the executor closes their requests).
void Runner::notice_clients_left() {
  auto now = std::chrono::steady_clock::now();
  if (now - m_clients_checked < std::chrono::milliseconds(100)) {
    return;
  }
  m_clients_checked = now;
  std::vector<RunJob*> watched;
  {
    std::lock_guard<std::mutex> lock(m_lock);
    for (auto& [index, job] : m_out) {
      if (job.cancel && !job.cancel->load()) {
        watched.push_back(&job);  // stays put: only this thread erases from m_out
      }
    }
  }
  for (RunJob* job : watched) {
    if (job->client_left()) {
      job->cancel->store(true);
    }
  }
}

void Runner::finish(std::size_t index, const RunRecord& run, const CallResult& result) {
  RunJob job;
  {
    std::lock_guard<std::mutex> lock(m_lock);
    auto found = m_out.find(index);
    if (found == m_out.end()) {
      return;
    }
    job = std::move(found->second);
    m_out.erase(found);
  }
  job.done(run, result);
}

void Runner::work() {
  Executor executor(m_providers, &m_cache);
  ExecutionOptions options;
  options.parallel = m_parallel;
  options.stop = &m_stop;
  options.stop_grace = std::chrono::milliseconds(2000);
  options.tracer = m_tracer;
  options.bell = &m_bell;
  ExecutionEvents events;
  events.on_text = [&](std::size_t index, std::string_view text) {
    const RunJob* job = nullptr;
    {
      std::lock_guard<std::mutex> jobs(m_lock);
      auto found = m_out.find(index);
      job = found == m_out.end() ? nullptr : &found->second;  // stays put: see on_done
    }
    if (job && job->on_text) {
      job->on_text(text);
    }
  };
  events.on_tick = [this] { notice_clients_left(); };
  events.on_done = [&](std::size_t index, const CallResult& result) {
    const RunJob* job = nullptr;
    {
      std::lock_guard<std::mutex> jobs(m_lock);
      job = &m_out.at(index);  // stays put: only this thread erases from m_out
    }
    const CallResult* answered = &result;
    CallResult left;
    if (result.interrupted && job->cancel && job->cancel->load()) {
      left = result;  // the executor cannot say why the answer was no longer wanted
      left.error = "the client left before the answer came: its request was closed";
      answered = &left;
    }
    RunRecord run;
    try {
      run = record_run(m_recorder, job->lineage, job->variables, *answered);
    } catch (const Error& error) {  // nor in the spool: the answer still goes back, said so
      run = make_run_record(job->lineage, job->variables, *answered);
      run.error = run.error.empty() ? "not recorded: " + error.message() : run.error;
    }
    if (run.id != 0) {  // what the ledger has: `stats` counts the same runs
      std::lock_guard<std::mutex> lock(m_stats_lock);
      RunStats& stats = m_stats[run.prompt];
      stats.group = run.prompt;
      if (stats.add(run.status == "ok", run.cached, run.attempts, run.input_tokens,
                    run.output_tokens, run.cost)) {
        stats.add_latency(run.latency_ms);
      }
    }
    finish(index, run, *answered);
  };
  try {
    executor.stream([this] { return next_call(); }, options, events);
  } catch (const std::exception&) {
    // A bug or a failure of the executor itself: no call is left to finish, so every run
    // waiting is answered as not finished rather than never.
    m_stop = true;
  }
  // Stopped: what was given and never finished, and what was never given, fails.
  std::vector<RunJob> left;
  {
    std::lock_guard<std::mutex> lock(m_lock);
    for (auto& [index, job] : m_out) {
      left.push_back(std::move(job));
    }
    m_out.clear();
    for (RunJob& job : m_queue) {
      left.push_back(std::move(job));
    }
    m_queue.clear();
  }
  for (RunJob& job : left) {
    answer_unmade(job, "the server is stopping: the call was not made or not finished");
  }
}

// A run that is not made (nor recorded: nothing was spent) is still answered.
void Runner::answer_unmade(RunJob& job, const std::string& why) {
  CallResult unmade;
  unmade.interrupted = true;
  unmade.error = why;
  job.done(make_run_record(job.lineage, job.variables, unmade), unmade);
}

}  // namespace promptctl::serve_detail
