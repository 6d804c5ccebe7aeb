#include "cli/run_batch.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>

#include "cli/exit_codes.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/check.hpp"
#include "util/fs.hpp"
#include "util/interrupts.hpp"
#include "util/json_fields.hpp"
#include "util/line_reader.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto k_progress_interval = std::chrono::milliseconds(100);

// "14.2 s", "3 min 05 s", "1 h 02 min".
std::string format_duration(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else if (seconds < 3600) {
    auto whole = static_cast<long>(seconds);
    std::snprintf(text, sizeof text, "%ld min %02ld s", whole / 60, whole % 60);
  } else {
    auto minutes = static_cast<long>(seconds / 60);
    std::snprintf(text, sizeof text, "%ld h %02ld min", minutes / 60, minutes % 60);
  }
  return text;
}

// Why a row failed, in a few words, to count failures of one kind together.
std::string failure_kind(const CallResult& result) {
  if (result.http_status != 0) {
    return "HTTP " + std::to_string(result.http_status) +
           (result.attempts > 1 ? " after retries" : "");
  }
  if (result.replay_miss) {
    return "not in the replay cache";
  }
  if (result.error_kind == ErrorKind::invalid_input) {
    return "settings";
  }
  return "no answer";
}

// What the batch did, for the progress line and the summary.
struct Tally {
  std::size_t rows = 0;                      // read from the input so far
  std::optional<std::size_t> expected_rows;  // in the whole input, when it could be counted
  std::size_t answered = 0;                  // already in the output file
  std::size_t ok = 0;
  std::size_t failed = 0;
  std::map<std::string, std::size_t> failures;  // by kind
  Clock::time_point started = Clock::now();

  void fail(const std::string& kind) {
    ++failed;
    ++failures[kind];
  }
  [[nodiscard]] std::size_t done() const { return ok + failed; }
  [[nodiscard]] std::size_t to_run() const { return rows - answered; }
  [[nodiscard]] double elapsed() const {
    return std::chrono::duration<double>(Clock::now() - started).count();
  }
};

std::string progress_text(const Tally& tally) {
  // Rows already answered are met as the input is read: until then, count them as to run.
  std::optional<std::size_t> to_run;
  if (tally.expected_rows) {
    to_run = *tally.expected_rows - std::min(tally.answered, *tally.expected_rows);
  }
  std::string text = std::to_string(tally.done()) +
                     (to_run ? "/" + std::to_string(*to_run) : std::string()) + " rows, " +
                     std::to_string(tally.ok) + " ok, " + std::to_string(tally.failed) +
                     " failed, " + format_duration(tally.elapsed());
  if (to_run && tally.done() > 0 && tally.done() < *to_run) {
    double per_row = tally.elapsed() / static_cast<double>(tally.done());
    text += ", ETA " + format_duration(per_row * static_cast<double>(*to_run - tally.done()));
  }
  return text;
}

// "300 rows: 280 ok, 20 failed (HTTP 429 after retries: 20) in 14.2 s"
std::string summary_text(const Tally& tally, int stop_signal) {
  std::string text = util::counted(tally.rows, "row") + ": " + std::to_string(tally.ok) + " ok, " +
                     std::to_string(tally.failed) + " failed";
  if (!tally.failures.empty()) {
    std::vector<std::pair<std::string, std::size_t>> kinds(tally.failures.begin(),
                                                           tally.failures.end());
    std::stable_sort(kinds.begin(), kinds.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string listed;
    for (const auto& [kind, count] : kinds) {
      listed += (listed.empty() ? "" : ", ") + kind + ": " + std::to_string(count);
    }
    text += " (" + listed + ")";
  }
  if (tally.answered > 0) {
    text += ", " + std::to_string(tally.answered) + " already answered";
  }
  if (stop_signal != 0) {
    std::size_t not_run = tally.to_run() - tally.done();
    text += ", " + std::to_string(not_run) + " not run (stopped by " +
            (stop_signal == SIGINT ? std::string("SIGINT") : std::string("SIGTERM")) + ")";
  }
  return text + " in " + format_duration(tally.elapsed());
}

// One row's JSON line: the run, where the row is in the input and the input's hash. Each line
// is a document of its own, so it carries the vocabulary's version. Written as text directly, as
// `run_json` and the members added to it would be dumped.
std::string batch_line(const RunRecord& record, std::size_t row, const std::string& input_sha256) {
  util::JsonFields fields;
  nlohmann::json output_json;
  run_fields(record, fields, output_json);
  fields.set("row", std::uint64_t{row});
  fields.set("input_sha256", input_sha256);
  fields.set("schema_version", std::int64_t{k_json_schema_version});
  return fields.dump();
}

// Where the lines go: JSON lines to stdout or a file, or a table at a terminal.
class LineSink {
 public:
  LineSink(const Output& out, const BatchOutput& output, std::optional<std::size_t> rows)
      : m_out(out),
        m_table(out.stdout_is_terminal() && !output.json && output.output_path.empty()),
        m_row_width(rows ? std::to_string(*rows).size() : 4) {
    if (!output.output_path.empty()) {
      m_file = std::fopen(output.output_path.c_str(), "ab");
      if (!m_file) {
        throw Error(ErrorKind::io,
                    "cannot write '" + output.output_path + "': " + std::strerror(errno));
      }
      m_path = output.output_path;
    }
  }
  ~LineSink() {
    if (m_file) {
      std::fclose(m_file);
    }
  }
  LineSink(const LineSink&) = delete;
  LineSink& operator=(const LineSink&) = delete;

  /// Whether lines go to the terminal that progress is drawn on.
  [[nodiscard]] bool writes_to_terminal() const { return !m_file && m_out.stdout_is_terminal(); }

  void write(const std::string& line) {
    if (m_table) {
      write_table_row(nlohmann::json::parse(line));
      return;
    }
    std::string text = line + "\n";
    if (!m_file) {
      m_out.print(text);
      return;
    }
    // Whole lines, flushed one by one: what --resume finds is what was written.
    if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size() ||
        std::fflush(m_file) != 0) {
      throw Error(ErrorKind::io, "cannot write '" + m_path + "': " + std::strerror(errno));
    }
  }

 private:
  void write_table_row(const nlohmann::json& line) {
    bool ok = line.value("status", "") == "ok";
    std::string text = ok && line["output"].is_string() ? line["output"].get<std::string>()
                                                        : line.value("error", "");
    if (ok && !line["output"].is_string()) {
      text = "(not kept in the ledger)";
    }
    std::string first_line = text.substr(0, text.find('\n'));
    std::string row = std::to_string(line.value("row", std::size_t{0}));
    std::string shown = std::string(m_row_width - std::min(m_row_width, row.size()), ' ') + row +
                        "  " + m_out.paint(ok ? "ok" : "error", ok ? Style::green : Style::red) +
                        (ok ? "     " : "  ");
    std::size_t used = m_row_width + 9;
    std::size_t width = m_out.columns() > used + 10 ? m_out.columns() - used : 10;
    m_out.line(shown + fit(util::visible(first_line, true), width));
  }

  const Output& m_out;
  bool m_table;
  std::size_t m_row_width;
  std::FILE* m_file = nullptr;
  std::string m_path;
};

// A batch as it streams: rows read ahead only as far as the calls in flight need, and
// finished lines held only until the rows before them finish.
class StreamedBatch {
 public:
  StreamedBatch(const Output& out, ExecutionState& state, const Lineage& lineage, BatchInput& input,
                const RowPlanner& plan, const BatchOutput& output, std::size_t jobs,
                std::optional<std::size_t> expected_rows)
      : m_out(out),
        m_state(state),
        m_lineage(lineage),
        m_input(input),
        m_plan(plan),
        m_sink(out, output, expected_rows),
        m_window_limit(std::max<std::size_t>(k_min_window, 16 * jobs)),
        m_recorder(&state.ledger, state.spool, Grouping::in_groups) {
    m_tally.expected_rows = expected_rows;
    // The database's message is shown as text, never as terminal controls.
    m_recorder.on_failure([this] {
      m_out.end_progress();
      print_notice(m_out, util::visible(m_recorder.failure_text()));
    });
  }

  int run(const BatchExecution& execution) {
    ExecutionEvents events;
    events.on_notice = [&](std::size_t call, const std::string& notice) {
      m_out.end_progress();
      print_notice(m_out, "row " + std::to_string(m_row_of_call.at(call)) + ": " + notice);
    };
    events.on_done = [&](std::size_t call, const CallResult& result) { finish(call, result); };
    events.on_tick = [&] { flush_when_due(); };
    ExecutionOptions options;
    options.tracer = m_state.tracer;
    options.parallel = execution.jobs;
    options.cache = execution.cache;
    options.verbose = execution.verbose;
    options.stop = &util::GracefulStop::requested();
    show_progress(true);
    Executor executor(m_state.providers, &m_state.cache);
    executor.stream([&] { return feed(); }, options, events);
    m_out.end_progress();
    flush();
    int stop_signal = util::GracefulStop::signal_number();
    if (stop_signal != 0) {
      write_all_finished();
      count_rest();
    }
    print_notice(m_out, summary_text(m_tally, stop_signal));
    if (m_recorder.failure()) {
      report_spooled(m_out, m_recorder);
      if (m_exit_code == k_exit_ok) {
        m_exit_code = exit_code_for(m_recorder.failure()->kind());
      }
    }
    return stop_signal != 0 ? 128 + stop_signal : m_exit_code;
  }

 private:
  // A row between being read and its line being written.
  struct Pending {
    std::size_t row = 0;
    std::string input_sha256;
    nlohmann::json variables;         // as rendered, until the run is recorded
    std::optional<std::string> line;  // once the row is finished
    bool answered = false;            // in the output file already: nothing to write
  };

  // Rows read ahead while earlier ones are still out: enough to keep every job busy while a
  // slow row holds the lines behind it, and small enough to cost little memory.
  static constexpr std::size_t k_min_window = 256;
  // Finished runs are committed to the ledger, and their lines written, in groups: one
  // transaction per row would cost more than the row.
  static constexpr std::size_t k_commit_rows = 256;
  static constexpr auto k_commit_interval = std::chrono::milliseconds(50);

  // The executor's feed: the next row that needs a call, with every row before it that needs
  // none (answered, unreadable, not renderable) settled on the way.
  Fed feed() {
    while (true) {
      if (m_window.size() >= m_window_limit) {
        flush();
        if (m_window.size() >= m_window_limit) {
          return {std::nullopt, false};  // asked again when a row finishes
        }
      }
      std::optional<BatchRow> row = m_input.next();
      if (!row) {
        return {std::nullopt, true};
      }
      ++m_tally.rows;
      Pending& pending = m_window.emplace_back();
      pending.row = row->number;
      pending.input_sha256 = row->input_sha256;
      if (row->answered) {
        pending.answered = true;
        ++m_tally.answered;
        continue;
      }
      PlannedRow planned = row->error.empty() ? m_plan(*row) : PlannedRow{std::nullopt, row->error};
      if (!planned.call) {
        settle_unrun(pending, planned.error);
        continue;
      }
      pending.variables = std::move(planned.variables);
      m_row_of_call[m_calls_fed++] = row->number;
      return {std::move(planned.call), false};
    }
  }

  // A row never sent: no id, and the same keys as every other line.
  void settle_unrun(Pending& pending, const std::string& error) {
    RunRecord unrun;
    unrun.status = "error";
    unrun.error = error;
    pending.line = batch_line(unrun, pending.row, pending.input_sha256);
    m_tally.fail("bad row");
    if (m_exit_code == k_exit_ok) {
      m_exit_code = k_exit_usage;
    }
  }

  void finish(std::size_t call, const CallResult& result) {
    auto found = m_row_of_call.find(call);
    PROMPTCTL_CHECK(found != m_row_of_call.end());
    std::size_t row = found->second;
    m_row_of_call.erase(found);
    PROMPTCTL_CHECK(!m_window.empty() && row >= m_window.front().row);
    Pending& pending = m_window[row - m_window.front().row];
    record_run(m_recorder, m_lineage, pending.variables, result, [&](const RunRecord& record) {
      if (record.id != 0) {
        m_rows_recorded.push_back(row);
      }
      pending.line = batch_line(record, row, pending.input_sha256);
    });
    ++m_uncommitted;
    pending.variables = nullptr;
    if (result.ok) {
      ++m_tally.ok;
    } else {
      m_tally.fail(failure_kind(result));
      if (m_exit_code == k_exit_ok) {
        m_exit_code = exit_code_for(result.error_kind);
      }
    }
    flush_when_due();
  }

  // Lines at a terminal are shown at once; elsewhere a few times a second or every few hundred
  // rows, which is what makes a fast batch cheap.
  void flush_when_due() {
    if (m_sink.writes_to_terminal() || m_uncommitted >= k_commit_rows ||
        Clock::now() - m_last_flush >= k_commit_interval) {
      flush();
    }
  }

  // Commits the recorded runs, then writes the lines that are next in input order: a line is
  // never written before its run is in the ledger.
  void flush() {
    if (!m_recorder.commit()) {
      forget_run_ids();
    }
    m_rows_recorded.clear();
    m_uncommitted = 0;
    m_last_flush = Clock::now();
    bool to_terminal = m_sink.writes_to_terminal();
    if (to_terminal) {
      m_out.end_progress();
    }
    while (!m_window.empty() && (m_window.front().line || m_window.front().answered)) {
      if (m_window.front().line) {
        m_sink.write(*m_window.front().line);
      }
      m_window.pop_front();
    }
    show_progress(to_terminal);
  }

  // The group the ledger failed to commit went to the spool: its lines, not written yet, must
  // not name numbers the ledger never kept.
  void forget_run_ids() {
    for (std::size_t row : m_rows_recorded) {
      if (!m_window.empty() && row >= m_window.front().row) {
        Pending& pending = m_window[row - m_window.front().row];
        if (pending.line) {
          // Rare: read back, changed and written again in the same form.
          nlohmann::json line = nlohmann::json::parse(*pending.line);
          line["run_id"] = nullptr;
          pending.line = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
      }
    }
  }

  // After a stop: every finished row is in the ledger; write them all, in order, gaps and all.
  void write_all_finished() {
    for (const Pending& pending : m_window) {
      if (pending.line) {
        m_sink.write(*pending.line);
      }
    }
    m_window.clear();
  }

  // After a stop: the rows never read still count in the summary.
  void count_rest() {
    BatchInput::Rest rest = m_input.skip_rest();
    m_tally.rows += rest.rows;
    m_tally.answered += rest.answered;
  }

  void show_progress(bool now) {
    if (m_out.shows_progress() && (now || Clock::now() - m_last_progress >= k_progress_interval)) {
      m_last_progress = Clock::now();
      m_out.progress(progress_text(m_tally));
    }
  }

  const Output& m_out;
  ExecutionState& m_state;
  const Lineage& m_lineage;
  BatchInput& m_input;
  const RowPlanner& m_plan;
  LineSink m_sink;
  std::size_t m_window_limit;
  RunRecorder m_recorder;
  std::vector<std::size_t> m_rows_recorded;                    // since the last commit
  std::deque<Pending> m_window;                                // from the next row to write
  std::unordered_map<std::size_t, std::size_t> m_row_of_call;  // of the calls out
  std::size_t m_calls_fed = 0;
  std::size_t m_uncommitted = 0;
  Clock::time_point m_last_flush = Clock::now();
  Clock::time_point m_last_progress;
  Tally m_tally;
  int m_exit_code = k_exit_ok;
};

}  // namespace

int run_batch(const Output& out, ExecutionState& state, const Lineage& lineage, BatchInput& input,
              const RowPlanner& plan, const BatchExecution& execution, const BatchOutput& output) {
  util::GracefulStop graceful_stop;
  // Counting the rows costs a read of the input: worth it only for progress and a table.
  std::optional<std::size_t> expected;
  if (out.shows_progress() || out.stdout_is_terminal()) {
    expected = count_batch_rows(input.path());
  }
  StreamedBatch batch(out, state, lineage, input, plan, output, execution.jobs, expected);
  return batch.run(execution);
}

}  // namespace promptctl::cli
