#include "cli/run_batch.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

#include "cli/exit_codes.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/check.hpp"
#include "util/fs.hpp"
#include "util/interrupts.hpp"
#include "util/json_input.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto k_progress_interval = std::chrono::milliseconds(100);

std::string located(const std::string& path, std::size_t line, const std::string& message) {
  return (path == "-" ? std::string("<stdin>") : path) + ":" + std::to_string(line) + ": " +
         message;
}

BatchRow batch_row(const std::string& path, VariableRow& read) {
  BatchRow row;
  if (read.error.empty()) {
    row.values = std::move(read.values);
  } else {
    row.error = located(path, static_cast<std::size_t>(read.line), read.error);
  }
  // A row that cannot be read is matched by its text, so that --resume never takes it for
  // an answered one.
  row.input_sha256 = util::sha256_hex(row.error.empty() ? row.values.dump() : read.text);
  return row;
}

// The output file's whole lines that answer a row of this input, and which rows they answer.
struct Answered {
  std::string kept;
  std::set<std::size_t> rows;
};

Answered answered_lines(const std::string& text, const std::vector<BatchRow>& rows) {
  Answered answered;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      break;  // a line cut short by a crash: its row runs again
    }
    std::string line = text.substr(start, end - start);
    start = end + 1;
    nlohmann::json parsed = util::parse_json_input(line);
    if (!parsed.is_object() || parsed.value("status", "") != "ok" || !parsed.contains("row") ||
        !parsed["row"].is_number_unsigned() || !parsed.contains("input_sha256") ||
        !parsed["input_sha256"].is_string()) {
      continue;
    }
    auto row = parsed["row"].get<std::size_t>();
    if (row == 0 || row > rows.size() || answered.rows.contains(row) ||
        parsed["input_sha256"].get<std::string>() != rows[row - 1].input_sha256) {
      continue;
    }
    answered.rows.insert(row);
    answered.kept += line + "\n";
  }
  return answered;
}

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
  std::size_t rows = 0;      // in the input
  std::size_t answered = 0;  // already in the output file
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
  std::string text = std::to_string(tally.done()) + "/" + std::to_string(tally.to_run()) +
                     " rows, " + std::to_string(tally.ok) + " ok, " + std::to_string(tally.failed) +
                     " failed, " + format_duration(tally.elapsed());
  if (tally.done() > 0 && tally.done() < tally.to_run()) {
    double per_row = tally.elapsed() / static_cast<double>(tally.done());
    text +=
        ", ETA " + format_duration(per_row * static_cast<double>(tally.to_run() - tally.done()));
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
// is a document of its own, so it carries the vocabulary's version.
nlohmann::json batch_line(const RunRecord& record, std::size_t row,
                          const std::string& input_sha256) {
  nlohmann::json line = run_json(record);
  line["row"] = row + 1;
  line["input_sha256"] = input_sha256;
  line["schema_version"] = k_json_schema_version;
  return line;
}

// Where the lines go: JSON lines to stdout or a file, or a table at a terminal.
class LineSink {
 public:
  LineSink(const Output& out, const BatchOutput& output, std::size_t rows)
      : m_out(out),
        m_table(out.stdout_is_terminal() && !output.json && output.output_path.empty()),
        m_row_width(std::to_string(rows).size()) {
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

  void write(const nlohmann::json& line) {
    if (m_table) {
      write_table_row(line);
      return;
    }
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
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

}  // namespace

std::vector<BatchRow> read_batch_rows(const std::string& path) {
  std::string text = path == "-" ? util::read_stdin() : util::read_file(path);
  std::vector<BatchRow> rows;
  for (VariableRow& read : read_variable_rows(text)) {
    rows.push_back(batch_row(path, read));
  }
  return rows;
}

void prepare_output_file(const BatchOutput& output, std::vector<BatchRow>& rows) {
  if (output.output_path.empty()) {
    if (output.resume) {
      throw Error(ErrorKind::usage, "--resume continues an output file: give it with -o FILE");
    }
    return;
  }
  std::optional<std::string> existing = util::read_file_if_exists(output.output_path);
  if (!output.resume) {
    if (existing && !existing->empty()) {
      throw Error(ErrorKind::usage, output.output_path + " already has results", {},
                  "add --resume to run only the rows it does not answer, or remove it");
    }
    return;
  }
  if (!existing) {
    return;
  }
  Answered answered = answered_lines(*existing, rows);
  for (std::size_t row : answered.rows) {
    rows[row - 1].answered = true;
  }
  // Failed rows and lines cut short go; they are run again and appended.
  util::write_file_atomic(output.output_path, answered.kept);
}

int run_batch(const Output& out, ExecutionState& state, const Lineage& lineage,
              const std::vector<BatchRow>& rows, const BatchPlan& plan,
              const BatchExecution& execution, const BatchOutput& output) {
  util::GracefulStop graceful_stop;
  LineSink sink(out, output, rows.size());
  Tally tally;
  tally.rows = rows.size();
  std::vector<std::optional<nlohmann::json>> lines(rows.size());
  std::vector<std::size_t> row_of_call(plan.calls.size());
  int exit_code = k_exit_ok;
  for (std::size_t row = 0; row < rows.size(); ++row) {
    if (rows[row].answered) {
      ++tally.answered;
    } else if (plan.call_of_row[row] == std::string::npos) {
      RunRecord unrun;  // never sent: no id, and the same keys as every other line
      unrun.status = "error";
      unrun.error = plan.row_errors[row];
      nlohmann::json line = batch_line(unrun, row, rows[row].input_sha256);
      line["run_id"] = nullptr;
      lines[row] = std::move(line);
      tally.fail("bad row");
      if (exit_code == k_exit_ok) {
        exit_code = k_exit_usage;
      }
    } else {
      row_of_call[plan.call_of_row[row]] = row;
    }
  }
  // Lines leave in input order; an answered row (already in the file) is never waited for.
  std::size_t next_to_write = 0;
  auto write_ready = [&] {
    while (next_to_write < rows.size() && (lines[next_to_write] || rows[next_to_write].answered)) {
      if (lines[next_to_write]) {
        sink.write(*lines[next_to_write]);
        lines[next_to_write].reset();
      }
      ++next_to_write;
    }
  };
  Clock::time_point last_progress;
  auto show_progress = [&](bool now) {
    if (out.shows_progress() && (now || Clock::now() - last_progress >= k_progress_interval)) {
      last_progress = Clock::now();
      out.progress(progress_text(tally));
    }
  };
  ExecutionEvents events;
  events.on_notice = [&](std::size_t call, const std::string& notice) {
    out.end_progress();
    print_notice(out, "row " + std::to_string(row_of_call[call] + 1) + ": " + notice);
  };
  events.on_done = [&](std::size_t call, const CallResult& result) {
    PROMPTCTL_CHECK(call < row_of_call.size());
    std::size_t row = row_of_call[call];
    RunRecord record = record_run(&state.ledger, lineage, plan.variables[row], result);
    lines[row] = batch_line(record, row, rows[row].input_sha256);
    if (result.ok) {
      ++tally.ok;
    } else {
      tally.fail(failure_kind(result));
      if (exit_code == k_exit_ok) {
        exit_code = exit_code_for(result.error_kind);
      }
    }
    // Progress is redrawn under lines that reach its terminal, and otherwise a few times a
    // second: a fast batch would spend more on drawing than on its rows.
    if (sink.writes_to_terminal()) {
      out.end_progress();
      write_ready();
      show_progress(true);
    } else {
      write_ready();
      show_progress(false);
    }
  };
  ExecutionOptions options;
  options.parallel = execution.jobs;
  options.cache = execution.cache;
  options.verbose = execution.verbose;
  options.stop = &util::GracefulStop::requested();
  show_progress(true);
  Executor executor(state.providers, &state.cache);
  executor.run(plan.calls, options, events);
  out.end_progress();
  write_ready();
  int stop_signal = util::GracefulStop::signal_number();
  if (stop_signal != 0) {
    // Every finished row is in the ledger; write them all, in order, gaps and all.
    for (std::optional<nlohmann::json>& line : lines) {
      if (line) {
        sink.write(*line);
      }
    }
  }
  print_notice(out, summary_text(tally, stop_signal));
  return stop_signal != 0 ? 128 + stop_signal : exit_code;
}

}  // namespace promptctl::cli
