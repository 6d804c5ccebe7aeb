// The runs table's rows: reading one, binding one for insertion, and the WHERE clause of a
// filter. Shared by the ledger's queries and its import and export.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/connection.hpp"
#include "promptctl/ledger.hpp"

namespace promptctl::ledger_detail {

/// The columns `read_run` reads, in its order.
extern const char* const k_run_columns;
/// Inserts a run, returning its id: `insert_run` binds its values and runs it.
extern const char* const k_insert_run;

/// The run in the current row of a statement that selected `k_run_columns` first.
RunRecord read_run(const Query& row);
/// Inserts `run`, stored under `uid`, with `insert` (a `Query::insertion` of `k_insert_run`);
/// returns its id.
std::int64_t insert_run(Query& insert, const RunRecord& run, const std::string& uid);

/// The WHERE clause for a filter, with its values in binding order.
struct Where {
  std::string sql;
  std::vector<std::string> texts;
  std::optional<std::int64_t> since;
};
Where where_clause(const RunFilter& filter, Dialect dialect);
/// Binds a clause's values from index 1; returns the next free index.
int bind_where(Query& statement, const Where& where);

}  // namespace promptctl::ledger_detail
