// The rows of a batch, read one at a time, and what an output file already answers
// (--resume).
#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>

#include "cli/run_batch.hpp"
#include "util/fs.hpp"
#include "util/json_input.hpp"
#include "util/json_writer.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

// A digest kept in 32 bytes rather than 64 hex digits: --resume holds one per answered row.
using Digest = std::array<unsigned char, 32>;

std::optional<Digest> digest_of_hex(const std::string& hex) {
  if (hex.size() != 64) {
    return std::nullopt;
  }
  Digest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, value, 16);
    if (error != std::errc() || end != hex.data() + 2 * i + 2) {
      return std::nullopt;
    }
    digest[i] = static_cast<unsigned char>(value);
  }
  return digest;
}

// An ok line of the output file: the row it answers and the input it answered.
struct AnsweredLine {
  std::size_t row = 0;
  Digest input{};
  std::size_t line = 0;  // its place in the file, from 0
};

// The output file's whole lines that answer a row: what --resume may keep.
std::vector<AnsweredLine> answered_lines(const std::string& path, std::size_t& line_count) {
  std::vector<AnsweredLine> answered;
  util::LineReader reader(path);
  std::string text;
  bool whole = false;
  line_count = 0;
  for (; reader.next(text, &whole); ++line_count) {
    if (!whole) {
      break;  // a line cut short by a crash: its row runs again
    }
    nlohmann::json parsed = util::parse_json_input(text);
    if (!parsed.is_object() || parsed.value("status", "") != "ok" || !parsed.contains("row") ||
        !parsed["row"].is_number_unsigned() || !parsed.contains("input_sha256") ||
        !parsed["input_sha256"].is_string()) {
      continue;
    }
    if (auto digest = digest_of_hex(parsed["input_sha256"].get<std::string>())) {
      answered.push_back({parsed["row"].get<std::size_t>(), *digest, line_count});
    }
  }
  // By row, and for each row in file order: the first line that fits the input wins.
  std::stable_sort(answered.begin(), answered.end(),
                   [](const AnsweredLine& a, const AnsweredLine& b) { return a.row < b.row; });
  return answered;
}

// Writes `path` again with only the lines marked in `kept`.
void keep_lines(const std::string& path, const std::vector<bool>& kept) {
  util::LineReader reader(path);
  util::AtomicFileWriter rewritten(path);
  std::string text;
  for (std::size_t line = 0; line < kept.size() && reader.next(text); ++line) {
    if (kept[line]) {
      rewritten.write(text + "\n");
    }
  }
  rewritten.commit();
}

}  // namespace

BatchInput::BatchInput(const std::string& path, std::vector<bool> answered, std::string shown_as)
    : m_reader(path),
      m_path(path),
      m_shown_as(shown_as.empty() ? m_reader.name() : std::move(shown_as)),
      m_answered(std::move(answered)) {}

std::optional<BatchRow> BatchInput::next() {
  while (m_reader.next(m_line)) {
    ++m_line_number;
    if (util::trim(m_line).empty()) {
      continue;
    }
    BatchRow row;
    row.number = ++m_rows;
    if (is_answered(row.number)) {
      row.answered = true;  // read already, by the matching: nothing to run or write
      return row;
    }
    VariableRow read = read_variable_row(m_line, m_line_number);
    if (read.error.empty()) {
      row.values = std::move(read.values);
    } else {
      row.error = m_shown_as + ":" + std::to_string(read.line) + ": " + read.error;
    }
    // A row that cannot be read is matched by its text, so that --resume never takes it for
    // an answered one.
    row.input_sha256 =
        util::sha256_hex(row.error.empty() ? util::json_compact(row.values) : read.text);
    return row;
  }
  return std::nullopt;
}

BatchInput::Rest BatchInput::skip_rest() {
  Rest rest;
  while (m_reader.next(m_line)) {
    ++m_line_number;
    if (!util::trim(m_line).empty()) {
      ++rest.rows;
      rest.answered += is_answered(++m_rows) ? 1 : 0;
    }
  }
  return rest;
}

bool BatchInput::is_answered(std::size_t row) const {
  return row <= m_answered.size() && m_answered[row - 1];
}

std::optional<std::size_t> count_batch_rows(const std::string& path) {
  if (path == "-") {
    return std::nullopt;
  }
  util::LineReader reader(path);
  std::string line;
  std::size_t rows = 0;
  while (reader.next(line)) {
    rows += util::trim(line).empty() ? 0 : 1;
  }
  return rows;
}

std::vector<bool> prepare_output_file(const BatchOutput& output, const std::string& input_path) {
  if (output.output_path.empty()) {
    if (output.resume) {
      throw Error(ErrorKind::usage, "--resume continues an output file: give it with -o FILE");
    }
    return {};
  }
  std::error_code ec;
  bool exists = std::filesystem::exists(output.output_path, ec);
  if (!output.resume) {
    if (exists && std::filesystem::file_size(output.output_path, ec) > 0 && !ec) {
      throw Error(ErrorKind::usage, output.output_path + " already has results", {},
                  "add --resume to run only the rows it does not answer, or remove it");
    }
    return {};
  }
  if (!exists) {
    return {};
  }
  std::size_t line_count = 0;
  std::vector<AnsweredLine> candidates = answered_lines(output.output_path, line_count);
  std::vector<bool> answered;
  std::vector<bool> kept(line_count, false);
  BatchInput input(input_path);
  while (std::optional<BatchRow> row = input.next()) {
    auto first = std::lower_bound(
        candidates.begin(), candidates.end(), row->number,
        [](const AnsweredLine& line, std::size_t number) { return line.row < number; });
    std::optional<Digest> digest = digest_of_hex(row->input_sha256);
    for (auto it = first; it != candidates.end() && it->row == row->number; ++it) {
      if (digest && it->input == *digest) {
        answered.resize(row->number, false);
        answered[row->number - 1] = true;
        kept[it->line] = true;
        break;
      }
    }
  }
  // Failed rows and lines cut short go; they are run again and appended.
  keep_lines(output.output_path, kept);
  return answered;
}

}  // namespace promptctl::cli
