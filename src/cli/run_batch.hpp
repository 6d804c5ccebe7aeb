// run --input: one call per row of a JSONL file, several at once. Results come out in input
// order, progress and a summary go to stderr, Ctrl-C stops the batch without cutting a line,
// and --resume continues an output file where an earlier batch stopped.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli/execution.hpp"
#include "cli/output.hpp"

namespace promptctl::cli {

/// One row of input: its variables, or why it could not be read.
struct BatchRow {
  nlohmann::json values = nlohmann::json::object();
  std::string error;
  /// SHA-256 of the row's variables as compact JSON: what --resume matches an answer by.
  std::string input_sha256;
  /// An answer to this very row is already in the output file (--resume).
  bool answered = false;
};

/// The non-blank lines of a JSONL file ("-": standard input), each a row; a line that is not a
/// JSON object becomes a row with its located error.
std::vector<BatchRow> read_batch_rows(const std::string& path);

/// The rows rendered and planned: a row that could not be rendered keeps its error instead.
struct BatchPlan {
  std::vector<std::vector<ChatRequest>> calls;
  std::vector<std::size_t> call_of_row;  ///< index into calls, or npos
  std::vector<std::string> row_errors;
  std::vector<nlohmann::json> variables;  ///< as rendered, for the ledger
};

/// Where the lines of a batch go and what it shows.
struct BatchOutput {
  bool json = false;        ///< JSON lines even at a terminal
  std::string output_path;  ///< -o FILE: the lines go there; "" for standard output
  bool resume = false;      ///< --resume: keep the answers already in output_path
};

/// With --resume: marks the rows whose answer `output.output_path` already holds (same row
/// number, same input hash, status ok) and rewrites the file with only those lines and whole
/// ones, so that the batch appends to it. Without: refuses an output file that already has
/// content, which a new batch would otherwise overwrite. Throws `Error` (usage, io).
void prepare_output_file(const BatchOutput& output, std::vector<BatchRow>& rows);

struct BatchExecution {
  std::size_t jobs = 8;
  CacheMode cache = CacheMode::automatic;
  bool verbose = false;
};

/// Runs the planned rows and writes a line per row. Returns the exit code: 0, the code of the
/// first failure, or 128 + the signal number when SIGINT or SIGTERM stopped the batch.
int run_batch(const Output& out, ExecutionState& state, const Lineage& lineage,
              const std::vector<BatchRow>& rows, const BatchPlan& plan,
              const BatchExecution& execution, const BatchOutput& output);

}  // namespace promptctl::cli
