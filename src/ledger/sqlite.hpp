// A thin RAII layer over SQLite: a connection, prepared statements and transactions, with
// failures turned into promptctl errors naming the database file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/sqlite_api.hpp"

namespace promptctl::ledger_detail {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite().sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite().sqlite3_finalize(statement); }
};

class Database {
 public:
  /// Opens or creates `path`, waiting up to `busy_ms` for other writers; `what` names the
  /// database in messages ("the ledger"). Throws `Error` (io).
  Database(const std::string& path, int busy_ms, std::string what = "the ledger");

  [[nodiscard]] sqlite3* get() const { return m_db.get(); }
  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] const std::string& what() const { return m_what; }
  /// Runs statements that return no rows, waiting (up to the busy time) while another
  /// connection holds a lock.
  void execute(const std::string& sql);
  /// The rowid of the row this connection's last successful INSERT added.
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  /// Throws `Error` (io) describing the connection's last failure when `code` is an error.
  void check(int code, const std::string& doing) const;

 private:
  std::unique_ptr<sqlite3, CloseDatabase> m_db;
  std::string m_path;
  std::string m_what;
  int m_busy_ms;
};

class Statement {
 public:
  Statement(Database& db, const std::string& sql);

  Statement& bind(int index, std::string_view value);
  /// Binds text that SQLite reads in place: it must outlive the next step and `reset`.
  Statement& bind_borrowed(int index, std::string_view value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  /// Advances to the next row; false when there are no more.
  bool step();
  /// Runs a statement that returns no rows.
  void run();
  /// Makes the statement ready to run again, with no values bound.
  void reset();

  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::string_view blob(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const;
  [[nodiscard]] std::optional<double> optional_real(int column) const;

 private:
  Database& m_db;
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> m_statement;
};

/// BEGIN IMMEDIATE on construction (taking the write lock at once, so two writers never
/// deadlock upgrading), ROLLBACK on destruction unless `commit` ran.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& m_db;
  bool m_done = false;
};

}  // namespace promptctl::ledger_detail
