#include "prompt/test_data.hpp"

#include "promptctl/render.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl::prompt_detail {
namespace {

using nlohmann::json;

Error bad_file(const std::string& path, int line, const std::string& message) {
  return Error(ErrorKind::invalid_input, message, SourceLocation{path, line, 0});
}

std::vector<json> read_jsonl(const SourceFile& file) {
  std::vector<json> rows;
  for (VariableRow& row : read_variable_rows(file.text)) {
    if (!row.error.empty()) {
      throw bad_file(file.path, row.line, row.error);
    }
    rows.push_back(std::move(row.values));
  }
  return rows;
}

std::vector<json> read_csv(const SourceFile& file) {
  std::vector<CsvRecord> records = parse_csv(file.text, file.path);
  if (records.empty()) {
    return {};
  }
  const std::vector<std::string>& header = records.front().fields;
  for (const std::string& name : header) {
    if (!util::is_identifier(name)) {
      throw bad_file(file.path, 1,
                     "the header names a column '" + util::printable(name) +
                         "', which is not a variable name");
    }
  }
  std::vector<json> rows;
  for (size_t i = 1; i < records.size(); ++i) {
    const CsvRecord& record = records[i];
    if (record.fields.size() != header.size()) {
      throw bad_file(file.path, record.line,
                     "has " + std::to_string(record.fields.size()) + " fields; the header has " +
                         std::to_string(header.size()));
    }
    json row = json::object();
    for (size_t column = 0; column < header.size(); ++column) {
      row[header[column]] = record.fields[column];
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Values from a data file reach requests, the ledger and JSON output, which hold only UTF-8.
void require_utf8(const SourceFile& file) {
  if (auto bad = util::invalid_utf8_at(file.text)) {
    auto [line, column] = util::line_and_column(file.text, *bad);
    throw Error(ErrorKind::invalid_input, "file is not valid UTF-8", {file.path, line, column});
  }
}

}  // namespace

json read_document(const SourceFile& file) {
  require_utf8(file);
  YAML::Node document = util::parse_yaml(file.text, file.path);
  try {
    return util::yaml_to_json(document);
  } catch (const Error& e) {
    // yaml_to_json knows the line and column, not the file.
    SourceLocation where = e.location();
    where.file = file.path;
    throw Error(e.kind(), e.message(), where, e.hint());
  }
}

json read_vars_file(const SourceFile& file) {
  json vars = read_document(file);
  if (vars.is_null()) {
    return json::object();
  }
  if (!vars.is_object()) {
    throw Error(ErrorKind::invalid_input, "must be a mapping of variables", {file.path, 0, 0});
  }
  return vars;
}

std::vector<json> read_dataset(const SourceFile& file) {
  require_utf8(file);
  if (file.path.ends_with(".csv")) {
    return read_csv(file);
  }
  if (file.path.ends_with(".jsonl")) {
    return read_jsonl(file);
  }
  if (file.path.ends_with(".json") || file.path.ends_with(".yaml") || file.path.ends_with(".yml")) {
    json rows = read_document(file);
    if (!rows.is_array()) {
      throw Error(ErrorKind::invalid_input, "must be a list of mappings", {file.path, 0, 0});
    }
    std::vector<json> out;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].is_object()) {
        throw Error(ErrorKind::invalid_input, "item " + std::to_string(i + 1) + " is not a mapping",
                    {file.path, 0, 0});
      }
      out.push_back(rows[i]);
    }
    return out;
  }
  throw Error(ErrorKind::invalid_input,
              "'" + file.path + "': a dataset must be .csv, .jsonl, .json, .yaml or .yml");
}

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& path) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  int line = 1;
  int quote_line = 0;
  record.line = 1;
  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    bool blank = record.fields.size() == 1 && record.fields.front().empty();
    if (!blank) {
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    record.line = line;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        line += c == '\n' ? 1 : 0;
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
      quote_line = line;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      end_field();
      ++line;
      end_record();
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) {
    throw bad_file(path, quote_line, "a quoted field is never closed");
  }
  if (field_started || !record.fields.empty()) {
    end_field();
    end_record();
  }
  return records;
}

}  // namespace promptctl::prompt_detail
