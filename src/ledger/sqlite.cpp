#include "ledger/sqlite.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include "promptctl/error.hpp"

namespace promptctl::ledger_detail {

Database::Database(const std::string& path, int busy_ms, std::string what)
    : m_path(path), m_what(std::move(what)), m_busy_ms(busy_ms) {
  // A new database file is the owner's alone; SQLite gives its journal files the same mode.
  if (path != ":memory:") {
    if (int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); fd >= 0) {
      ::close(fd);
    }
  }
  sqlite3* db = nullptr;
  int code = sqlite().sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  m_db.reset(db);
  if (code != SQLITE_OK) {
    throw Error(ErrorKind::io,
                "cannot open '" + path +
                    "': " + (db ? sqlite().sqlite3_errmsg(db) : sqlite().sqlite3_errstr(code)));
  }
  sqlite().sqlite3_busy_timeout(db, busy_ms);
}

void Database::check(int code, const std::string& doing) const {
  if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) {
    return;
  }
  throw Error(ErrorKind::io,
              "cannot " + doing + " in '" + m_path + "': " + sqlite().sqlite3_errmsg(m_db.get()));
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite().sqlite3_last_insert_rowid(m_db.get());
}

void Database::execute(const std::string& sql) {
  // The busy handler does not cover every case: a connection that finds another one creating
  // the file or switching it to WAL gets SQLITE_BUSY at once. Those waits are short, so wait
  // here as the busy handler would, within the same bound.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_busy_ms);
  std::optional<std::minstd_rand> random;  // seeded only when there is a wait: most never do
  int code;
  while ((code = sqlite().sqlite3_exec(m_db.get(), sql.c_str(), nullptr, nullptr, nullptr)) ==
             SQLITE_BUSY &&
         std::chrono::steady_clock::now() < deadline) {
    if (!random) {
      random.emplace(std::random_device{}());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + (*random)() % 20));
  }
  check(code, "update " + m_what);
}

Statement::Statement(Database& db, const std::string& sql) : m_db(db) {
  sqlite3_stmt* statement = nullptr;
  db.check(sqlite().sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &statement, nullptr),
           "prepare a query");
  m_statement.reset(statement);
}

Statement& Statement::bind(int index, std::string_view value) {
  m_db.check(sqlite().sqlite3_bind_text(m_statement.get(), index, value.data(),
                                        static_cast<int>(value.size()), SQLITE_TRANSIENT),
             "bind a value");
  return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view value) {
  m_db.check(sqlite().sqlite3_bind_text(m_statement.get(), index, value.data(),
                                        static_cast<int>(value.size()), SQLITE_STATIC),
             "bind a value");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  m_db.check(sqlite().sqlite3_bind_int64(m_statement.get(), index, value), "bind a value");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  m_db.check(sqlite().sqlite3_bind_double(m_statement.get(), index, value), "bind a value");
  return *this;
}

Statement& Statement::bind_null(int index) {
  m_db.check(sqlite().sqlite3_bind_null(m_statement.get(), index), "bind a value");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  m_db.check(sqlite().sqlite3_bind_blob(m_statement.get(), index, bytes.data(),
                                        static_cast<int>(bytes.size()), SQLITE_TRANSIENT),
             "bind a value");
  return *this;
}

bool Statement::step() {
  int code = sqlite().sqlite3_step(m_statement.get());
  m_db.check(code, "read " + m_db.what());
  return code == SQLITE_ROW;
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite().sqlite3_reset(m_statement.get());  // its code repeats the last step's, already reported
  sqlite().sqlite3_clear_bindings(m_statement.get());
}

std::string Statement::text(int column) const {
  const auto* data = sqlite().sqlite3_column_text(m_statement.get(), column);
  int size = sqlite().sqlite3_column_bytes(m_statement.get(), column);
  return data ? std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(size))
              : std::string();
}

std::string_view Statement::blob(int column) const {
  const void* data = sqlite().sqlite3_column_blob(m_statement.get(), column);
  int size = sqlite().sqlite3_column_bytes(m_statement.get(), column);
  return data ? std::string_view(static_cast<const char*>(data), static_cast<size_t>(size))
              : std::string_view();
}

std::int64_t Statement::integer(int column) const {
  return sqlite().sqlite3_column_int64(m_statement.get(), column);
}

double Statement::real(int column) const {
  return sqlite().sqlite3_column_double(m_statement.get(), column);
}

bool Statement::is_null(int column) const {
  return sqlite().sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  return is_null(column) ? std::nullopt : std::optional(integer(column));
}

std::optional<double> Statement::optional_real(int column) const {
  return is_null(column) ? std::nullopt : std::optional(real(column));
}

Transaction::Transaction(Database& db) : m_db(db) {
  m_db.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!m_done) {
    sqlite().sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  m_db.execute("COMMIT");
  m_done = true;
}

}  // namespace promptctl::ledger_detail
