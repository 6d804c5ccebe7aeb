// Files tests read: a mapping of variables, and datasets of many rows.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "promptctl/workspace.hpp"

namespace promptctl::prompt_detail {

/// A YAML or JSON document, as JSON. Throws `Error` (invalid_input) at the file's line and
/// column when it does not parse.
nlohmann::json read_document(const SourceFile& file);

/// A mapping of variables. Throws `Error` (invalid_input) for anything else.
nlohmann::json read_vars_file(const SourceFile& file);

/// The rows of a dataset, each a mapping of variables, by the file's extension: ".csv" (a
/// header line, then one row per record, values as text), ".jsonl" (one JSON object per line),
/// or ".json", ".yaml", ".yml" (a list of mappings). Throws `Error` (invalid_input) naming the
/// file and line of the first bad row.
std::vector<nlohmann::json> read_dataset(const SourceFile& file);

/// Records of CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks),
/// each with the line it starts on. Throws `Error` (invalid_input) for an unclosed quote.
struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;
};
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& path);

}  // namespace promptctl::prompt_detail
