#include "cli/runs_transfer.hpp"

#include "cli/execution.hpp"
#include "promptctl/error.hpp"
#include "promptctl/lineage.hpp"
#include "promptctl/recorder.hpp"
#include "util/json_input.hpp"
#include "util/json_reader.hpp"
#include "util/line_reader.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

// The JSON on one line of an export, or an error naming the file, the line and (for JSON that
// does not parse) the column.
nlohmann::json line_value(const std::string& line, const SourceLocation& where) {
  if (std::optional<nlohmann::json> read = util::read_json(line)) {
    return std::move(*read);
  }
  if (std::optional<std::size_t> deep = util::json_too_deep_at(line)) {
    SourceLocation at = where;
    at.column = static_cast<int>(*deep + 1);
    throw Error(ErrorKind::invalid_input,
                "nests deeper than " + std::to_string(util::k_max_json_depth) + " levels", at);
  }
  try {
    return nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& error) {
    SourceLocation at = where;
    at.column = static_cast<int>(error.byte);
    // what() begins "[json.exception.parse_error.101] parse error at line 1, column 13: ".
    std::string problem = error.what();
    std::size_t column = problem.find(", column ");
    std::size_t reason = column == std::string::npos ? column : problem.find(": ", column);
    throw Error(ErrorKind::invalid_input,
                "not JSON: " + (reason == std::string::npos ? problem : problem.substr(reason + 2)),
                at, "each line must be a run as 'promptctl runs export' writes it");
  }
}

// The run on one line of an export, or an error naming the file, the line and what is wrong.
PortableRun read_line(const std::string& line, const SourceLocation& where) {
  nlohmann::json value = line_value(line, where);
  try {
    return PortableRun::from_json(value);
  } catch (const Error& error) {
    throw Error(ErrorKind::invalid_input, error.message(), where,
                "each line must be a run as 'promptctl runs export' writes it");
  }
}

void import_file(LedgerImport& import, const std::string& path) {
  util::LineReader reader(path);
  std::string line;
  int number = 0;
  while (reader.next(line)) {
    ++number;
    if (!util::trim(line).empty()) {
      import.add(read_line(line, {reader.name(), number, 0}));
    }
  }
}

void report(const Output& out, const ImportResult& result, bool dry_run) {
  std::string said = std::string(dry_run ? "Would import " : "Imported ") +
                     util::counted(result.imported, "run") + " and " +
                     util::counted(result.feedback, "feedback entry", "feedback entries");
  if (result.present > 0) {
    said += "; " + util::counted(result.present, "run") + (result.present == 1 ? " was" : " were") +
            " in the ledger already";
  }
  out.line(said);
  if (result.unlinked > 0) {
    out.line(util::counted(result.unlinked, "rerun") +
             " kept without a link to the run it repeats, which is in neither the ledger nor "
             "the import");
  }
}

// A spool file (runs a failing ledger did not take) has served its purpose once its runs are
// in the ledger: it goes, so that `ledger status` stops listing it.
std::vector<std::string> remove_spool_files(const Workspace& workspace,
                                            const std::vector<std::string>& files) {
  std::vector<std::string> removed;
  if (!workspace.state_dir()) {
    return removed;
  }
  std::filesystem::path spool = state_paths(workspace).spool;
  for (const std::string& file : files) {
    std::error_code ec;
    if (file != "-" && is_spool_file(file, spool) && std::filesystem::remove(file, ec)) {
      removed.push_back(file);
    }
  }
  return removed;
}

}  // namespace

int export_runs(Session& session, const RunFilter& filter) {
  const Output& out = session.out();
  open_ledger(session).export_runs(filter, [&](const PortableRun& run) {
    // Text that is not UTF-8 (a variable read from a file, say) cannot be JSON: it leaves
    // with U+FFFD in its place, as in every other --json output.
    out.line(run.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  });
  return 0;
}

int import_runs(Session& session, const std::vector<std::string>& files, bool dry_run, bool json) {
  if (files.empty()) {
    throw Error(ErrorKind::usage, "'runs import' needs a FILE of exported runs, or - for stdin", {},
                "promptctl runs export > runs.jsonl writes one");
  }
  Ledger ledger = open_ledger(session);
  LedgerImport import(ledger, session.workspace().settings().ledger_store);
  for (const std::string& file : files) {
    import_file(import, file);
  }
  ImportResult result = import.finish(!dry_run);
  std::vector<std::string> emptied =
      dry_run ? std::vector<std::string>{} : remove_spool_files(session.workspace(), files);
  if (json) {
    session.out().document({{"dry_run", dry_run},
                            {"imported", result.imported},
                            {"present", result.present},
                            {"feedback", result.feedback},
                            {"unlinked", result.unlinked},
                            {"removed_spool_files", emptied}});
  } else {
    report(session.out(), result, dry_run);
    for (const std::string& file : emptied) {
      session.out().line("Removed " + util::visible(file) + ": its runs are in the ledger");
    }
  }
  return 0;
}

}  // namespace promptctl::cli
