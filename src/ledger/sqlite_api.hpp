// SQLite's functions, resolved from the library on first use: the commands that keep no ledger,
// cache or index (`render`, `show`, `ls`, …) then never load it. Linked at start-up, it cost
// every process 1,600 symbol bindings and 27 page faults.
#pragma once

#include <sqlite3.h>

namespace promptctl::ledger_detail {

// Every SQLite function promptctl uses. To use another, add it here.
#define PROMPTCTL_SQLITE_FUNCTIONS(X) \
  X(sqlite3_libversion)               \
  X(sqlite3_open_v2)                  \
  X(sqlite3_close_v2)                 \
  X(sqlite3_busy_timeout)             \
  X(sqlite3_errmsg)                   \
  X(sqlite3_errstr)                   \
  X(sqlite3_exec)                     \
  X(sqlite3_last_insert_rowid)        \
  X(sqlite3_prepare_v2)               \
  X(sqlite3_finalize)                 \
  X(sqlite3_step)                     \
  X(sqlite3_reset)                    \
  X(sqlite3_clear_bindings)           \
  X(sqlite3_bind_text)                \
  X(sqlite3_bind_int64)               \
  X(sqlite3_bind_double)              \
  X(sqlite3_bind_null)                \
  X(sqlite3_bind_blob)                \
  X(sqlite3_column_text)              \
  X(sqlite3_column_blob)              \
  X(sqlite3_column_bytes)             \
  X(sqlite3_column_int64)             \
  X(sqlite3_column_double)            \
  X(sqlite3_column_type)

struct SqliteApi {
#define PROMPTCTL_SQLITE_MEMBER(name) decltype(&::name) name = nullptr;
  PROMPTCTL_SQLITE_FUNCTIONS(PROMPTCTL_SQLITE_MEMBER)
#undef PROMPTCTL_SQLITE_MEMBER
};

/// The loaded library, once for the process. Throws `Error` (io) when SQLite cannot be loaded.
const SqliteApi& sqlite();

}  // namespace promptctl::ledger_detail
