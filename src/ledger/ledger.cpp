#include "promptctl/ledger.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>

#include "ledger/ledger_impl.hpp"
#include "ledger/rows.hpp"
#include "ledger/schema.hpp"
#include "promptctl/error.hpp"
#include "util/dates.hpp"
#include "util/json_fields.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"
#include "util/uuid.hpp"

namespace promptctl {

using ledger_detail::bind_where;
using ledger_detail::Connection;
using ledger_detail::Dialect;
using ledger_detail::insert_run;
using ledger_detail::k_insert_run;
using ledger_detail::k_run_columns;
using ledger_detail::Query;
using ledger_detail::read_run;
using ledger_detail::Where;
using ledger_detail::where_clause;
using ledger_detail::WriteTransaction;
using nlohmann::json;

namespace {

std::string group_expression(StatsGrouping grouping, Dialect dialect) {
  switch (grouping) {
    case StatsGrouping::prompt:
      return "prompt";
    case StatsGrouping::version:
      return "prompt || '@' || substr(content_hash, 1, 12)";
    case StatsGrouping::model:
      return "provider || '/' || model";
    case StatsGrouping::provider:
      return "provider";
    case StatsGrouping::env:
      return "environment";
    case StatsGrouping::day:
      return dialect == Dialect::sqlite
                 ? "date(started_ms / 1000, 'unixepoch')"
                 : "to_char(to_timestamp(started_ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
  }
  return "prompt";
}

// A pragma's value as text; the statement is finished before it returns.
std::string read_pragma(Connection& db, const std::string& name) {
  Query query(db, "PRAGMA " + name);
  return query.step() ? query.text(0) : "";
}

Error no_such_run(std::int64_t id) {
  return Error(ErrorKind::not_found, "no run " + std::to_string(id) + " in the ledger", {},
               "'promptctl runs' lists them");
}

}  // namespace

Ledger::Ledger(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Ledger::~Ledger() = default;
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;

int Ledger::schema_version() {
  return ledger_detail::current_schema_version();
}

Ledger Ledger::open(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  auto impl = std::make_unique<Impl>(ledger_detail::open_sqlite(file.string(), 30000));
  // WAL lets readers work while a writer commits, and NORMAL syncing is safe with it: a crash
  // can lose the last commits but never corrupts the file.
  Connection& db = *impl->db;
  if (read_pragma(db, "journal_mode") != "wal") {
    db.execute("PRAGMA journal_mode = WAL");  // persistent: set once, when the file is new
  }
  db.execute("PRAGMA synchronous = NORMAL");
  db.execute("PRAGMA foreign_keys = ON");
  // Only a ledger behind this build takes the write lock to migrate; opening one to read or to
  // append a row does not.
  if (read_pragma(db, "user_version") != std::to_string(schema_version())) {
    ledger_detail::migrate(db);
  }
  return Ledger(std::move(impl));
}

Ledger Ledger::connect(const std::string& url, bool upgrade) {
  auto impl = std::make_unique<Impl>(ledger_detail::connect_postgresql(url));
  int version = ledger_detail::schema_version_of(*impl->db);
  if (version > 0 && version < schema_version() && !upgrade) {
    throw Error(ErrorKind::invalid_input,
                "the ledger at " + impl->db->name() + " has schema version " +
                    std::to_string(version) + ", older than this promptctl writes (" +
                    std::to_string(schema_version()) + ")",
                {},
                "run 'promptctl ledger migrate' once; every promptctl that uses the ledger must "
                "then be this version or newer");
  }
  if (version != schema_version()) {
    ledger_detail::migrate(*impl->db);  // refuses a newer one
  }
  // The file ledger's durability (WAL, synchronous=NORMAL): a committed run survives
  // promptctl's crash, and a crash of the machine holding the data may lose the last commits,
  // never more. A commit then does not wait for the server's disk, which would hold up a batch
  // at every group of rows. `options=-c synchronous_commit=on` in the URL keeps the server's.
  if (url.find("synchronous_commit") == std::string::npos) {
    impl->db->execute("SET synchronous_commit = off");
  }
  return Ledger(std::move(impl));
}

const std::string& Ledger::location() const {
  return m_impl->db->name();
}

std::int64_t Ledger::record(const RunRecord& given) {
  // Under `full` the stored form is the record itself: no copy.
  std::optional<RunRecord> transformed;
  if (given.store != LedgerStore::full) {
    transformed = given.stored_form();
  }
  const RunRecord& run = transformed ? *transformed : given;
  Connection& db = *m_impl->db;
  std::optional<WriteTransaction> own;
  if (!m_impl->batching) {
    own.emplace(db);
  } else if (!m_impl->batch) {
    m_impl->batch.emplace(db);
  }
  if (!m_impl->insert_run) {
    m_impl->insert_run.emplace(Query::insertion(db, k_insert_run));
  }
  Query& insert = *m_impl->insert_run;
  std::int64_t id = 0;
  try {
    id = insert_run(insert, run, run.uid.empty() ? util::uuid_v7(run.started_ms) : run.uid);
  } catch (const Error&) {
    // A failed insert leaves a PostgreSQL transaction good only for a rollback: the batch's
    // runs are not kept, and a later commit must not pretend they were.
    m_impl->batch.reset();
    throw;
  }
  if (own) {
    own->commit();
  }
  return id;
}

void Ledger::begin_batch() {
  m_impl->batching = true;
}

void Ledger::commit_batch() {
  if (!m_impl->batch) {
    return;
  }
  try {
    m_impl->batch->commit();
  } catch (const Error&) {
    m_impl->batch.reset();  // rolls back: no transaction is left open
    throw;
  }
  m_impl->batch.reset();
}

void Ledger::end_batch() {
  m_impl->batching = false;
  commit_batch();
}

LedgerBatch::~LedgerBatch() {
  try {
    m_ledger.end_batch();
  } catch (const Error&) {
    // A destructor cannot report it; the transaction rolls back with the connection.
  }
}

std::vector<RunRecord> Ledger::runs(const RunFilter& filter) const {
  Where where = where_clause(filter, m_impl->db->dialect());
  std::string sql =
      std::string("SELECT ") + k_run_columns + " FROM runs" + where.sql + " ORDER BY id DESC";
  if (filter.limit) {
    sql += " LIMIT " + std::to_string(*filter.limit);
  }
  Query query(*m_impl->db, sql);
  bind_where(query, where);
  std::vector<RunRecord> runs;
  while (query.step()) {
    runs.push_back(read_run(query));
  }
  return runs;
}

std::vector<std::int64_t> Ledger::newest_run_ids(std::size_t limit) const {
  Query query(*m_impl->db, "SELECT id FROM runs ORDER BY id DESC LIMIT ?");
  query.bind(1, static_cast<std::int64_t>(limit));
  std::vector<std::int64_t> ids;
  while (query.step()) {
    ids.push_back(query.integer(0));
  }
  return ids;
}

std::optional<RunRecord> Ledger::find(std::int64_t id) const {
  Query query(*m_impl->db, std::string("SELECT ") + k_run_columns + " FROM runs WHERE id = ?");
  query.bind(1, id);
  if (!query.step()) {
    return std::nullopt;
  }
  return read_run(query);
}

std::optional<std::int64_t> Ledger::id_of_uid(const std::string& uid) const {
  Query query(*m_impl->db, "SELECT id FROM runs WHERE uid = ?");
  query.bind(1, uid);
  if (!query.step()) {
    return std::nullopt;
  }
  return query.integer(0);
}

RunRecord Ledger::get(std::int64_t id) const {
  std::optional<RunRecord> run = find(id);
  if (!run) {
    throw no_such_run(id);
  }
  return *run;
}

Feedback Ledger::add_feedback(std::int64_t run_id, double score, const std::string& comment,
                              const std::string& author) {
  Connection& db = *m_impl->db;
  WriteTransaction transaction(db);
  Query exists(db, "SELECT 1 FROM runs WHERE id = ?");
  exists.bind(1, run_id);
  if (!exists.step()) {
    throw no_such_run(run_id);
  }
  Query insert = Query::insertion(db,
                                  "INSERT INTO feedback (run_id, score, comment, author, "
                                  "created_ms) VALUES (?, ?, ?, ?, ?)");
  Feedback entry{0, run_id, score, comment, author, util::now_ms()};
  insert.bind(1, run_id).bind(2, score).bind(3, comment).bind(4, author);
  insert.bind(5, entry.created_ms);
  entry.id = insert.insert();
  transaction.commit();
  return entry;
}

std::vector<Feedback> Ledger::feedback_for(std::int64_t run_id) const {
  Query query(*m_impl->db,
              "SELECT id, run_id, score, comment, author, created_ms FROM feedback "
              "WHERE run_id = ? ORDER BY id");
  query.bind(1, run_id);
  std::vector<Feedback> found;
  while (query.step()) {
    found.push_back({query.integer(0), query.integer(1), query.real(2), query.text(3),
                     query.text(4), query.integer(5)});
  }
  return found;
}

std::map<std::int64_t, double> Ledger::mean_feedback(const RunFilter& filter) const {
  Where where = where_clause(filter, m_impl->db->dialect());
  Query query(*m_impl->db,
              "SELECT run_id, AVG(score) FROM feedback WHERE run_id IN (SELECT id FROM runs" +
                  where.sql + ") GROUP BY run_id");
  bind_where(query, where);
  std::map<std::int64_t, double> out;
  while (query.step()) {
    out[query.integer(0)] = query.real(1);
  }
  return out;
}

namespace {

using GroupStats = std::map<std::string, RunStats>;
using GroupLatencies = std::map<std::string, std::vector<double>>;

// Which runs' latencies describe a provider: `RunStats::add`'s rule (not a cache hit, not a
// run that failed before sending anything), in SQL.
constexpr const char* k_reached_provider = "cached = 0 AND NOT (attempts = 0 AND status <> 'ok')";

// A PostgreSQL server adds up in parallel, and floating-point sums made in an order that
// changes from one call to the next would not always print the same: costs are added as whole
// picodollars, exactly, and only a cost too large for that (a million dollars a run) as a
// floating-point number.
constexpr const char* k_picodollars =
    "CASE WHEN abs(cost) < 1e6 THEN round(cost * 1e12)::bigint END";
constexpr const char* k_beyond_picodollars = "CASE WHEN abs(cost) >= 1e6 THEN cost END";

// Every run's figures, read in one pass and added up here: the quickest way through a SQLite
// file, where grouping in SQL would sort the runs first.
void add_every_run(Query& query, GroupStats& groups, GroupLatencies& latencies) {
  while (query.step()) {
    std::string group = query.text(0);
    RunStats& stats = groups[group];
    stats.group = group;
    bool reached =
        stats.add(query.text(1) == "ok", query.integer(6) != 0, static_cast<int>(query.integer(7)),
                  query.optional_integer(3), query.optional_integer(4), query.optional_real(5));
    if (reached) {
      latencies[group].push_back(query.real(2));
    }
  }
}

// The counts and sums, made by the database.
void add_totals(Query& query, GroupStats& groups) {
  while (query.step()) {
    RunStats& stats = groups[query.text(0)];
    stats.group = query.text(0);
    stats.count = query.integer(1);
    stats.succeeded = query.integer(2);
    stats.cached = query.integer(3);
    stats.input_tokens = query.integer(4);
    stats.output_tokens = query.integer(5);
    stats.cost = query.real(6) / 1e12 + query.real(7);
    stats.runs_without_cost = query.integer(8);
  }
}

void add_latencies(Query& query, GroupLatencies& latencies) {
  std::string last_group;
  std::vector<double>* values = nullptr;
  while (query.step()) {
    std::string group = query.text(0);
    if (!values || group != last_group) {  // rows of one group often come together
      values = &latencies[group];
      last_group = std::move(group);
    }
    values->push_back(query.real(1));
  }
}

}  // namespace

std::vector<RunStats> Ledger::stats(const RunFilter& filter, StatsGrouping grouping) const {
  Connection& db = *m_impl->db;
  Where where = where_clause(filter, db.dialect());
  std::string group = group_expression(grouping, db.dialect());
  GroupStats groups;
  GroupLatencies latencies;
  if (db.dialect() == Dialect::sqlite) {
    Query query(db, "SELECT " + group +
                        ", status, latency_ms, input_tokens, output_tokens, cost, cached, "
                        "attempts FROM runs" +
                        where.sql);
    bind_where(query, where);
    add_every_run(query, groups, latencies);
  } else {
    // A PostgreSQL server adds up quickly, and sends every run's figures slowly: only the
    // latencies of the runs that reached a provider travel, for exact percentiles (1,000,000
    // runs: 0.80 s and 69 MB, against 1.09 s and 195 MB for every run's figures).
    Query totals(db, "SELECT " + group +
                         ", count(*), sum(CASE WHEN status = 'ok' THEN 1 ELSE 0 END), "
                         "sum(CASE WHEN cached <> 0 THEN 1 ELSE 0 END), "
                         "coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), "
                         "coalesce(sum(" +
                         std::string(k_picodollars) + "), 0), coalesce(sum(" +
                         k_beyond_picodollars +
                         "), 0), "
                         "sum(CASE WHEN cost IS NULL THEN 1 ELSE 0 END) "
                         "FROM runs" +
                         where.sql + " GROUP BY 1");
    bind_where(totals, where);
    add_totals(totals, groups);
    Query timed(db, "SELECT " + group + ", latency_ms FROM runs" +
                        (where.sql.empty() ? " WHERE " : where.sql + " AND ") + k_reached_provider);
    bind_where(timed, where);
    add_latencies(timed, latencies);
  }
  std::vector<RunStats> result;
  for (auto& [name, stats] : groups) {
    std::vector<double>& values = latencies[name];
    stats.latency_buckets.assign(latency_bucket_bounds_seconds().size(), 0);
    for (double value : values) {
      stats.add_latency(value);
    }
    stats.latency_p50_ms = percentile(values, 50);
    stats.latency_p95_ms = percentile(values, 95);
    stats.latency_p99_ms = percentile(values, 99);
    result.push_back(std::move(stats));
  }
  return result;
}

std::int64_t Ledger::cached_runs() const {
  Query query(*m_impl->db, "SELECT count(*) FROM runs WHERE cached = 1");
  query.step();
  return query.integer(0);
}

PruneResult Ledger::prune(std::int64_t cutoff_ms, bool dry_run) {
  Connection& db = *m_impl->db;
  PruneResult result;
  {
    Query count(db,
                "SELECT count(*), (SELECT count(*) FROM feedback WHERE run_id IN "
                "(SELECT id FROM runs WHERE started_ms < ?1)) FROM runs WHERE started_ms < ?1");
    count.bind(1, cutoff_ms);
    count.step();
    result.runs = count.integer(0);
    result.feedback = count.integer(1);
  }
  if (dry_run || result.runs == 0) {
    return result;
  }
  bool sqlite = db.dialect() == Dialect::sqlite;
  // Rows hold rendered requests, variables and answers: zero their pages as they are freed.
  // (PostgreSQL reuses the space of deleted rows once VACUUM has run; it cannot be told to
  // overwrite them.)
  if (sqlite) {
    db.execute("PRAGMA secure_delete = ON");
  }
  {
    WriteTransaction transaction(db);
    for (const char* sql :
         {"UPDATE runs SET parent_id = NULL WHERE parent_id IN "
          "(SELECT id FROM runs WHERE started_ms < ?1)",
          "DELETE FROM feedback WHERE run_id IN (SELECT id FROM runs WHERE started_ms < ?1)",
          "DELETE FROM runs WHERE started_ms < ?1"}) {
      Query statement(db, sql);
      statement.bind(1, cutoff_ms);
      statement.run();
    }
    transaction.commit();
  }
  // The log still holds the pages as they were before; copy back and empty it.
  if (sqlite) {
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return result;
}

std::int64_t run_id_of(const Ledger& ledger, const std::string& text) {
  if (util::is_uuid_v7(text)) {
    if (std::optional<std::int64_t> id = ledger.id_of_uid(text)) {
      return *id;
    }
    throw Error(ErrorKind::not_found, "no run with uid '" + text + "' in this ledger", {},
                "'promptctl runs --json' lists the runs with their uids");
  }
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw Error(ErrorKind::usage,
                "'" + util::printable(text) + "' is not a run id (a positive number or a run uid)",
                {}, "'promptctl runs' lists them");
  }
  return id;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

bool RunStats::add(bool ok, bool cached_answer, int attempts, std::optional<std::int64_t> input,
                   std::optional<std::int64_t> output, std::optional<double> dollars) {
  ++count;
  succeeded += ok ? 1 : 0;
  cached += cached_answer ? 1 : 0;
  input_tokens += input.value_or(0);
  output_tokens += output.value_or(0);
  if (dollars) {
    cost += *dollars;
  } else {
    ++runs_without_cost;
  }
  // A cache hit took no time at a provider, and a run that failed before sending anything
  // (no key, a replay miss) took none either: neither says how fast the provider is.
  bool sent_nothing = attempts == 0 && !ok;
  return !cached_answer && !sent_nothing;
}

void RunStats::add_latency(double milliseconds) {
  const std::vector<double>& bounds = latency_bucket_bounds_seconds();
  latency_buckets.resize(bounds.size(), 0);
  ++latency_count;
  latency_sum_ms += milliseconds;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    latency_buckets[i] += milliseconds <= bounds[i] * 1000 ? 1 : 0;
  }
}

double RunStats::success_rate() const {
  return count ? static_cast<double>(succeeded) / static_cast<double>(count) : 0;
}

json RunStats::to_json() const {
  return {
      {"group", group},
      {"count", count},
      {"succeeded", succeeded},
      {"success_rate", success_rate()},
      {"cached", cached},
      {"latency_ms", {{"p50", latency_p50_ms}, {"p95", latency_p95_ms}, {"p99", latency_p99_ms}}},
      {"input_tokens", input_tokens},
      {"output_tokens", output_tokens},
      {"cost", cost},
      {"runs_without_cost", runs_without_cost}};
}

void RunRecord::summary_fields(util::JsonFields& fields) const {
  auto optional = [&](std::string_view key, const auto& value) {
    if (value) {
      fields.set(key, *value);
    } else {
      fields.set(key, nullptr);
    }
  };
  fields.set("run_id", id);
  fields.text_or_null("run_uid", uid);
  fields.set("started_at", util::format_utc_ms(started_ms));
  fields.text_or_null("prompt", prompt);
  fields.text_or_null("revision", revision);
  fields.text_or_null("commit", commit);
  fields.set("dirty", dirty);
  fields.text_or_null("content_hash", content_hash);
  fields.text_or_null("environment", environment);
  fields.set("provider", provider);
  fields.set("model", model);
  if (output_sha256.empty()) {
    fields.set("output", output);
  } else {
    fields.set("output", nullptr);
  }
  fields.text_or_null("output_sha256", output_sha256);
  fields.set("tool_calls", &tool_calls);
  fields.set("store", to_string(store));
  fields.text_or_null("finish_reason", finish_reason);
  optional("input_tokens", input_tokens);
  optional("output_tokens", output_tokens);
  fields.set("latency_ms", latency_ms);
  optional("cost", cost);
  fields.set("status", status);
  fields.text_or_null("error", error);
  fields.set("attempts", std::int64_t{attempts});
  fields.set("cached", cached);
  optional("parent_run_id", parent_id);
  fields.text_or_null("experiment", experiment);
  fields.text_or_null("variant", variant);
}

json RunRecord::summary_json() const {
  util::JsonFields fields;
  summary_fields(fields);
  return fields.to_json();
}

json RunRecord::to_json() const {
  json full = summary_json();
  full["finished_at"] = util::format_utc_ms(finished_ms);
  full["request"] = request;
  full["request_hash"] = request_hash;
  full["variables"] = variables;
  return full;
}

json Feedback::to_json() const {
  return {{"feedback_id", id},
          {"run_id", run_id},
          {"score", score},
          {"comment", util::text_or_null(comment)},
          {"author", util::identity_json(author)},
          {"created_at", util::format_utc_ms(created_ms)}};
}

}  // namespace promptctl
