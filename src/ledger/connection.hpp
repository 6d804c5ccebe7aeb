// What the ledger needs of a database, so that the same queries run on SQLite (a file under the
// git directory) and on PostgreSQL (a server shared by a team): a connection that prepares
// statements and brackets transactions, and statements that bind values by position, step
// through rows and read columns. Each database has a driver behind these interfaces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace promptctl::ledger_detail {

/// Where the SQL the two databases read differently is written twice.
enum class Dialect { sqlite, postgresql };

/// One prepared statement of a driver. Parameters are numbered from 1 and written `?` (or
/// `?N` to use the Nth again) in the SQL whatever the database.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void bind_text(int index, std::string_view value) = 0;
  /// As `bind_text`, for text that stays where it is until the statement has run and been
  /// reset: a driver may read it in place rather than copy it.
  virtual void bind_borrowed_text(int index, std::string_view value) { bind_text(index, value); }
  virtual void bind_integer(int index, std::int64_t value) = 0;
  virtual void bind_real(int index, double value) = 0;
  virtual void bind_null(int index) = 0;
  /// Runs the statement the first time and advances to the next row; false when there are no
  /// more. Throws `Error` (io) when the database refuses it.
  virtual bool step() = 0;
  /// Runs an INSERT prepared by `Connection::prepare_insert` and returns the id of the row it
  /// added. Throws `Error` (io) when the database refuses it.
  virtual std::int64_t insert() = 0;
  /// Ready to run again, with no values bound.
  virtual void reset() = 0;
  [[nodiscard]] virtual std::string text(int column) const = 0;
  [[nodiscard]] virtual std::int64_t integer(int column) const = 0;
  [[nodiscard]] virtual double real(int column) const = 0;
  [[nodiscard]] virtual bool is_null(int column) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  [[nodiscard]] virtual Dialect dialect() const = 0;
  /// The ledger as messages name it: its file, or its URL without a password.
  [[nodiscard]] virtual const std::string& name() const = 0;
  [[nodiscard]] virtual std::unique_ptr<Cursor> prepare(const std::string& sql) = 0;
  /// Prepares an INSERT of one row, written without RETURNING, for `Cursor::insert`. Each
  /// driver learns the new row's id its cheapest way: SQLite's RETURNING collects the rows in a
  /// temporary table of its own, a fifth of what an insert into the ledger cost.
  [[nodiscard]] virtual std::unique_ptr<Cursor> prepare_insert(const std::string& sql) = 0;
  /// Runs statements that return no rows.
  virtual void execute(const std::string& sql) = 0;
  /// Opens a transaction that writes: taking the write lock at once where the database has
  /// one, so that two writers never deadlock upgrading a read.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
};

/// A statement as the ledger's queries use it.
class Query {
 public:
  Query(Connection& connection, const std::string& sql) : m_cursor(connection.prepare(sql)) {}
  /// An INSERT of one row, written without RETURNING, for `insert`.
  static Query insertion(Connection& connection, const std::string& sql) {
    return Query(connection.prepare_insert(sql));
  }

  Query& bind(int index, const std::string& value) {
    m_cursor->bind_text(index, value);
    return *this;
  }
  /// As `bind`, for text that outlives the statement's run and the `reset` after it.
  Query& bind_borrowed(int index, std::string_view value) {
    m_cursor->bind_borrowed_text(index, value);
    return *this;
  }
  Query& bind(int index, std::int64_t value) {
    m_cursor->bind_integer(index, value);
    return *this;
  }
  Query& bind(int index, double value) {
    m_cursor->bind_real(index, value);
    return *this;
  }
  Query& bind_null(int index) {
    m_cursor->bind_null(index);
    return *this;
  }
  template <class T>
  Query& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  bool step() { return m_cursor->step(); }
  /// Runs a statement, reading no rows.
  void run() {
    while (m_cursor->step()) {
    }
  }
  /// Runs an INSERT made by `insertion` and returns the id of the row it added.
  std::int64_t insert() { return m_cursor->insert(); }
  void reset() { m_cursor->reset(); }

  [[nodiscard]] std::string text(int column) const { return m_cursor->text(column); }
  [[nodiscard]] std::int64_t integer(int column) const { return m_cursor->integer(column); }
  [[nodiscard]] double real(int column) const { return m_cursor->real(column); }
  [[nodiscard]] bool is_null(int column) const { return m_cursor->is_null(column); }
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const {
    return is_null(column) ? std::nullopt : std::optional(integer(column));
  }
  [[nodiscard]] std::optional<double> optional_real(int column) const {
    return is_null(column) ? std::nullopt : std::optional(real(column));
  }

 private:
  explicit Query(std::unique_ptr<Cursor> cursor) : m_cursor(std::move(cursor)) {}

  std::unique_ptr<Cursor> m_cursor;
};

/// A transaction that writes, rolled back when it ends without `commit`.
class WriteTransaction {
 public:
  explicit WriteTransaction(Connection& connection) : m_connection(connection) {
    m_connection.begin();
  }
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit() {
    m_connection.commit();
    m_done = true;
  }

 private:
  Connection& m_connection;
  bool m_done = false;
};

/// The ledger file at `path` through SQLite, waiting up to `busy_ms` for other writers.
std::unique_ptr<Connection> open_sqlite(const std::string& path, int busy_ms);
/// The ledger database `url` names (postgresql://…) through libpq, which finds the password
/// in PGPASSWORD or ~/.pgpass. Throws `Error` (io) when it cannot connect.
std::unique_ptr<Connection> connect_postgresql(const std::string& url);

}  // namespace promptctl::ledger_detail
