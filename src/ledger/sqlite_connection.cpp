// The ledger's SQLite driver: the connection interface over the RAII layer in sqlite.hpp.
#include "ledger/connection.hpp"
#include "ledger/sqlite.hpp"

namespace promptctl::ledger_detail {
namespace {

class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(Database& db, const std::string& sql) : m_db(db), m_statement(db, sql) {}

  void bind_text(int index, std::string_view value) override { m_statement.bind(index, value); }
  void bind_borrowed_text(int index, std::string_view value) override {
    m_statement.bind_borrowed(index, value);
  }
  void bind_integer(int index, std::int64_t value) override { m_statement.bind(index, value); }
  void bind_real(int index, double value) override { m_statement.bind(index, value); }
  void bind_null(int index) override { m_statement.bind_null(index); }
  bool step() override { return m_statement.step(); }
  std::int64_t insert() override {
    m_statement.run();
    return m_db.last_insert_rowid();
  }
  void reset() override { m_statement.reset(); }
  [[nodiscard]] std::string text(int column) const override { return m_statement.text(column); }
  [[nodiscard]] std::int64_t integer(int column) const override {
    return m_statement.integer(column);
  }
  [[nodiscard]] double real(int column) const override { return m_statement.real(column); }
  [[nodiscard]] bool is_null(int column) const override { return m_statement.is_null(column); }

 private:
  Database& m_db;
  Statement m_statement;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, int busy_ms) : m_db(path, busy_ms) {}

  [[nodiscard]] Dialect dialect() const override { return Dialect::sqlite; }
  [[nodiscard]] const std::string& name() const override { return m_db.path(); }
  [[nodiscard]] std::unique_ptr<Cursor> prepare(const std::string& sql) override {
    return std::make_unique<SqliteCursor>(m_db, sql);
  }
  [[nodiscard]] std::unique_ptr<Cursor> prepare_insert(const std::string& sql) override {
    return prepare(sql);
  }
  void execute(const std::string& sql) override { m_db.execute(sql); }
  void begin() override { m_db.execute("BEGIN IMMEDIATE"); }
  void commit() override { m_db.execute("COMMIT"); }
  void rollback() override { m_db.execute("ROLLBACK"); }

 private:
  Database m_db;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, int busy_ms) {
  return std::make_unique<SqliteConnection>(path, busy_ms);
}

}  // namespace promptctl::ledger_detail
