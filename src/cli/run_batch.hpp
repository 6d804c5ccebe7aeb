// run --input: one call per row of a JSONL file, several at once. Rows are read, run and
// written as a stream, so that a batch of any length needs the same memory. Results come out
// in input order, progress and a summary go to stderr, Ctrl-C stops the batch without cutting
// a line, and --resume continues an output file where an earlier batch stopped.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/execution.hpp"
#include "cli/output.hpp"
#include "util/line_reader.hpp"

namespace promptctl::cli {

/// One row of input: its variables, or why it could not be read.
struct BatchRow {
  std::size_t number = 0;  ///< among the input's non-blank lines, from 1
  nlohmann::json values = nlohmann::json::object();
  std::string error;
  /// SHA-256 of the row's variables as compact JSON: what --resume matches an answer by.
  std::string input_sha256;
  /// An answer to this very row is already in the output file (--resume).
  bool answered = false;
};

/// The rows of a JSONL file ("-": standard input), read one at a time: each non-blank line is
/// a row, and a line that is not a JSON object is a row with its located error.
class BatchInput {
 public:
  /// `answered`: the rows (by number, from 1) that the output file already answers;
  /// `shown_as`: what messages call the file (default: its path, or "<stdin>").
  explicit BatchInput(const std::string& path, std::vector<bool> answered = {},
                      std::string shown_as = "");
  /// The next row, or nothing at the end. An answered row has only its number and the
  /// `answered` mark. Throws `Error` (io).
  std::optional<BatchRow> next();
  /// The rows not read yet, and how many of them are answered, counted without reading them
  /// as JSON (after a stop, for the summary).
  struct Rest {
    std::size_t rows = 0;
    std::size_t answered = 0;
  };
  Rest skip_rest();
  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  [[nodiscard]] bool is_answered(std::size_t row) const;

  util::LineReader m_reader;
  std::string m_path;
  std::string m_shown_as;
  std::vector<bool> m_answered;
  std::string m_line;
  int m_line_number = 0;
  std::size_t m_rows = 0;
};

/// How many rows `path` holds, read through once; nothing for standard input, which can be
/// read only once.
std::optional<std::size_t> count_batch_rows(const std::string& path);

/// Where the lines of a batch go and what it shows.
struct BatchOutput {
  bool json = false;        ///< JSON lines even at a terminal
  std::string output_path;  ///< -o FILE: the lines go there; "" for standard output
  bool resume = false;      ///< --resume: keep the answers already in output_path
};

/// With --resume: finds the rows whose answer `output.output_path` already holds (same row
/// number, same input hash, status ok) and rewrites the file with only those lines and whole
/// ones, so that the batch appends to it; returns those rows for `BatchInput`. It reads the
/// input through once, so standard input must have been saved to a file (`input_path`).
/// Without: refuses an output file that already has content, which a new batch would
/// otherwise overwrite. Throws `Error` (usage, io).
std::vector<bool> prepare_output_file(const BatchOutput& output, const std::string& input_path);

/// A row made ready to run: its requests, or why it cannot be run, and its variables as
/// rendered, for the ledger.
struct PlannedRow {
  std::optional<std::vector<ChatRequest>> call;
  std::string error;
  nlohmann::json variables = nlohmann::json::object();
};
using RowPlanner = std::function<PlannedRow(const BatchRow&)>;

struct BatchExecution {
  std::size_t jobs = 8;
  CacheMode cache = CacheMode::automatic;
  bool verbose = false;
};

/// Runs the rows of `input` and writes a line per row. Returns the exit code: 0, the code of
/// the first failure, or 128 + the signal number when SIGINT or SIGTERM stopped the batch.
/// A row's run is committed to the ledger before its line is written.
int run_batch(const Output& out, ExecutionState& state, const Lineage& lineage, BatchInput& input,
              const RowPlanner& plan, const BatchExecution& execution, const BatchOutput& output);

}  // namespace promptctl::cli
