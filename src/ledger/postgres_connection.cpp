// The ledger's PostgreSQL driver, over libpq. Values travel as text, typed by the server from
// the columns they meet; statements are prepared once per connection and named by number.
#include <charconv>
#include <cstdlib>
#include <vector>

#include "ledger/connection.hpp"
#include "ledger/pq_api.hpp"
#include "promptctl/check.hpp"
#include "promptctl/error.hpp"
#include "promptctl/ledger.hpp"
#include "util/strings.hpp"

namespace promptctl::ledger_detail {
namespace {

struct FinishConnection {
  void operator()(PGconn* connection) const { pq().PQfinish(connection); }
};
struct ClearResult {
  void operator()(PGresult* result) const { pq().PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

// The ledger's placeholders in PostgreSQL's spelling: `?` is the next parameter, `?N` the Nth.
// The ledger's SQL holds no `?` inside a literal.
std::string numbered_parameters(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] != '?') {
      out += sql[i];
      continue;
    }
    std::size_t digits = i + 1;
    while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') {
      ++digits;
    }
    if (digits > i + 1) {
      out += '$' + sql.substr(i + 1, digits - i - 1);
      i = digits - 1;
    } else {
      out += '$' + std::to_string(++next);
    }
  }
  return out;
}

// libpq's messages end with a newline and may run over several indented lines ("server
// closed the connection unexpectedly\n\tThis probably means..."): one line, for a message.
std::string message_of(const char* text) {
  std::string joined;
  std::string_view rest = text ? text : "";
  while (!rest.empty()) {
    std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = util::trim(rest.substr(0, end));
    if (!line.empty()) {
      joined += (joined.empty() ? "" : " ") + std::string(line);
    }
    rest.remove_prefix(std::min(end + 1, rest.size()));
  }
  return joined;
}

// PostgreSQL's text holds valid UTF-8 without NUL, where SQLite holds any bytes (a model may
// answer "\u0000"). What it cannot hold is stored as U+FFFD, so that the run is recorded
// instead of failing its statement and, with it, the batch's transaction.
std::string storable(std::string_view value) {
  constexpr std::string_view k_replacement = "\xEF\xBF\xBD";
  if (value.find('\0') == std::string_view::npos && !util::invalid_utf8_at(value)) {
    return std::string(value);
  }
  std::string out;
  while (true) {
    std::optional<std::size_t> bad = util::invalid_utf8_at(value);
    for (char c : value.substr(0, bad.value_or(value.size()))) {
      if (c == '\0') {
        out += k_replacement;
      } else {
        out += c;
      }
    }
    if (!bad) {
      return out;
    }
    out += k_replacement;
    value.remove_prefix(*bad + 1);
  }
}

// libpq's form of the parameters: a pointer to each value's text, null for SQL NULL.
std::vector<const char*> values_of(const std::vector<std::optional<std::string>>& parameters) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const std::optional<std::string>& parameter : parameters) {
    values.push_back(parameter ? parameter->c_str() : nullptr);
  }
  return values;
}

void ignore_notice(void* /*context*/, const char* /*message*/) {
  // Notices ("relation already exists, skipping") are not the user's concern.
}

class PostgresConnection;

class PostgresCursor final : public Cursor {
 public:
  PostgresCursor(PostgresConnection& connection, std::string sql)
      : m_connection(connection), m_sql(std::move(sql)) {}
  ~PostgresCursor() override;
  PostgresCursor(const PostgresCursor&) = delete;
  PostgresCursor& operator=(const PostgresCursor&) = delete;

  void bind_text(int index, std::string_view value) override { parameter(index) = storable(value); }
  void bind_integer(int index, std::int64_t value) override {
    parameter(index) = std::to_string(value);
  }
  void bind_real(int index, double value) override {
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);  // round-trips
    parameter(index) = std::string(buffer, error == std::errc() ? end : buffer);
  }
  void bind_null(int index) override { parameter(index).reset(); }
  bool step() override;
  std::int64_t insert() override;
  void reset() override {
    m_result.reset();
    m_row = -1;
    m_parameters.clear();
  }
  [[nodiscard]] std::string text(int column) const override {
    return pq().PQgetvalue(m_result.get(), m_row, column);
  }
  [[nodiscard]] std::int64_t integer(int column) const override {
    const char* value = pq().PQgetvalue(m_result.get(), m_row, column);
    std::int64_t number = 0;
    std::from_chars(value, value + pq().PQgetlength(m_result.get(), m_row, column), number);
    return number;
  }
  [[nodiscard]] double real(int column) const override {
    return std::strtod(pq().PQgetvalue(m_result.get(), m_row, column), nullptr);
  }
  [[nodiscard]] bool is_null(int column) const override {
    return pq().PQgetisnull(m_result.get(), m_row, column) != 0;
  }

 private:
  std::optional<std::string>& parameter(int index) {
    if (m_parameters.size() < static_cast<std::size_t>(index)) {
      m_parameters.resize(static_cast<std::size_t>(index));
    }
    return m_parameters[static_cast<std::size_t>(index - 1)];
  }

  Result run();

  PostgresConnection& m_connection;
  std::string m_sql;   // with $N placeholders
  std::string m_name;  // once prepared on the server
  int m_runs = 0;
  std::vector<std::optional<std::string>> m_parameters;
  Result m_result;
  int m_row = -1;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& url) : m_name(printable_ledger_url(url)) {
    m_connection.reset(pq().PQconnectdb(url.c_str()));
    if (!m_connection) {
      throw Error(ErrorKind::io, "cannot connect to the ledger at " + m_name + ": out of memory");
    }
    if (pq().PQstatus(m_connection.get()) != CONNECTION_OK) {
      throw Error(ErrorKind::io, "cannot connect to the ledger at " + m_name + ": " +
                                     message_of(pq().PQerrorMessage(m_connection.get())));
    }
    pq().PQsetNoticeProcessor(m_connection.get(), ignore_notice, nullptr);
  }

  [[nodiscard]] Dialect dialect() const override { return Dialect::postgresql; }
  [[nodiscard]] const std::string& name() const override { return m_name; }

  [[nodiscard]] std::unique_ptr<Cursor> prepare(const std::string& sql) override {
    return std::make_unique<PostgresCursor>(*this, numbered_parameters(sql));
  }
  [[nodiscard]] std::unique_ptr<Cursor> prepare_insert(const std::string& sql) override {
    return prepare(sql + " RETURNING id");
  }

  // A statement prepared on the server under a name of its own, which `deallocate` frees.
  std::string prepare_named(const std::string& sql) {
    std::string name = "promptctl_" + std::to_string(++m_prepared);
    check(Result(pq().PQprepare(m_connection.get(), name.c_str(), sql.c_str(), 0, nullptr)),
          "prepare a query");
    return name;
  }

  void execute(const std::string& sql) override {
    check(Result(pq().PQexec(m_connection.get(), sql.c_str())), "update the ledger");
  }
  void begin() override { execute("BEGIN"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override { execute("ROLLBACK"); }

  Result run_prepared(const std::string& name,
                      const std::vector<std::optional<std::string>>& parameters) {
    std::vector<const char*> values = values_of(parameters);
    return check(Result(pq().PQexecPrepared(m_connection.get(), name.c_str(),
                                            static_cast<int>(values.size()), values.data(), nullptr,
                                            nullptr, 0)),
                 "read the ledger");
  }

  Result run_unprepared(const std::string& sql,
                        const std::vector<std::optional<std::string>>& parameters) {
    std::vector<const char*> values = values_of(parameters);
    return check(
        Result(pq().PQexecParams(m_connection.get(), sql.c_str(), static_cast<int>(values.size()),
                                 nullptr, values.data(), nullptr, nullptr, 0)),
        "read the ledger");
  }

  void deallocate(const std::string& name) {
    if (pq().PQstatus(m_connection.get()) == CONNECTION_OK) {
      Result(pq().PQexec(m_connection.get(), ("DEALLOCATE " + name).c_str()));
    }
  }

 private:
  Result check(Result result, const std::string& doing) const {
    ExecStatusType status = result ? pq().PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      return result;
    }
    std::string why = result ? message_of(pq().PQresultErrorMessage(result.get())) : "";
    if (why.empty()) {
      why = message_of(pq().PQerrorMessage(m_connection.get()));
    }
    throw Error(ErrorKind::io, "cannot " + doing + " at " + m_name + ": " + why);
  }

  std::unique_ptr<PGconn, FinishConnection> m_connection;
  std::string m_name;
  int m_prepared = 0;
};

PostgresCursor::~PostgresCursor() {
  if (!m_name.empty()) {
    m_connection.deallocate(m_name);
  }
}

// A statement run once (most reads) costs one round trip, unprepared; one run again (a batch's
// inserts) is prepared on its second run, and from then on only bound and executed.
Result PostgresCursor::run() {
  if (m_name.empty() && m_runs > 0) {
    m_name = m_connection.prepare_named(m_sql);
  }
  ++m_runs;
  return m_name.empty() ? m_connection.run_unprepared(m_sql, m_parameters)
                        : m_connection.run_prepared(m_name, m_parameters);
}

bool PostgresCursor::step() {
  if (m_row < 0 && !m_result) {
    m_result = run();
  }
  if (m_row + 1 >= pq().PQntuples(m_result.get())) {
    return false;
  }
  ++m_row;
  return true;
}

std::int64_t PostgresCursor::insert() {
  bool returned = step();
  PROMPTCTL_CHECK(returned);  // an insert that succeeded returns its row
  std::int64_t id = integer(0);
  while (step()) {
  }
  return id;
}

}  // namespace

std::unique_ptr<Connection> connect_postgresql(const std::string& url) {
  return std::make_unique<PostgresConnection>(url);
}

}  // namespace promptctl::ledger_detail
