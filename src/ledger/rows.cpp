#include "ledger/rows.hpp"

#include "util/json_reader.hpp"
#include "util/json_writer.hpp"

namespace promptctl::ledger_detail {

using nlohmann::json;

namespace {

json parse_stored(const std::string& text) {
  if (std::optional<json> read = util::read_json(text)) {
    return std::move(*read);
  }
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? json(text) : value;
}

// Whether a run's output, variables or messages contain the text: a plain substring test on
// lower case (LIKE would read % and _ as wildcards). The inputs are the variables' values and
// the messages' contents as text, not their JSON, whose keys and escapes would match too.
constexpr const char* k_sqlite_grep =
    "(instr(lower(output), lower(?)) > 0"
    " OR EXISTS (SELECT 1 FROM json_tree(CASE WHEN json_valid(variables) THEN variables END)"
    " WHERE type = 'text' AND instr(lower(value), lower(?)) > 0)"
    " OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(request) THEN request END,"
    " '$.messages') WHERE instr(lower(json_extract(value, '$.content')), lower(?)) > 0))";
// The ledger writes its JSON columns itself, so PostgreSQL can read them as jsonb directly.
constexpr const char* k_postgresql_grep =
    "(strpos(lower(output), lower(?)) > 0"
    " OR EXISTS (SELECT 1 FROM jsonb_path_query(variables::jsonb, 'strict $.**') AS v"
    " WHERE jsonb_typeof(v) = 'string' AND strpos(lower(v #>> '{}'), lower(?)) > 0)"
    " OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(request::jsonb ->"
    " 'messages') = 'array' THEN request::jsonb -> 'messages' ELSE '[]'::jsonb END) AS m"
    " WHERE strpos(lower(m ->> 'content'), lower(?)) > 0))";

}  // namespace

const char* const k_run_columns =
    "id, started_ms, finished_ms, prompt, revision, commit_id, content_hash, environment, "
    "request, request_hash, variables, provider, model, output, finish_reason, input_tokens, "
    "output_tokens, latency_ms, cost, status, error, attempts, cached, parent_id, experiment, "
    "variant, dirty, store, output_sha256, tool_calls, uid";

RunRecord read_run(const Query& row) {
  RunRecord run;
  int c = 0;
  run.id = row.integer(c++);
  run.started_ms = row.integer(c++);
  run.finished_ms = row.integer(c++);
  run.prompt = row.text(c++);
  run.revision = row.text(c++);
  run.commit = row.text(c++);
  run.content_hash = row.text(c++);
  run.environment = row.text(c++);
  run.request = parse_stored(row.text(c++));
  run.request_hash = row.text(c++);
  run.variables = parse_stored(row.text(c++));
  run.provider = row.text(c++);
  run.model = row.text(c++);
  run.output = row.text(c++);
  run.finish_reason = row.text(c++);
  run.input_tokens = row.optional_integer(c++);
  run.output_tokens = row.optional_integer(c++);
  run.latency_ms = row.real(c++);
  run.cost = row.optional_real(c++);
  run.status = row.text(c++);
  run.error = row.text(c++);
  run.attempts = static_cast<int>(row.integer(c++));
  run.cached = row.integer(c++) != 0;
  run.parent_id = row.optional_integer(c++);
  run.experiment = row.text(c++);
  run.variant = row.text(c++);
  run.dirty = row.integer(c++) != 0;
  run.store = parse_ledger_store(row.text(c++)).value_or(LedgerStore::full);
  run.output_sha256 = row.text(c++);
  run.tool_calls = parse_stored(row.text(c++));
  run.uid = row.text(c++);
  return run;
}

Where where_clause(const RunFilter& filter, Dialect dialect) {
  Where where;
  std::vector<std::string> parts;
  if (!filter.prompt.empty()) {
    parts.emplace_back("prompt = ?");
    where.texts.push_back(filter.prompt);
  }
  if (!filter.status.empty()) {
    parts.emplace_back("status = ?");
    where.texts.push_back(filter.status);
  }
  if (!filter.environment.empty()) {
    parts.emplace_back("environment = ?");
    where.texts.push_back(filter.environment);
  }
  if (!filter.experiment.empty()) {
    parts.emplace_back("experiment = ?");
    where.texts.push_back(filter.experiment);
  }
  for (const std::string& environment : filter.other_than_environments) {
    parts.emplace_back("environment <> ?");
    where.texts.push_back(environment);
  }
  if (!filter.grep.empty()) {
    parts.emplace_back(dialect == Dialect::sqlite ? k_sqlite_grep : k_postgresql_grep);
    where.texts.insert(where.texts.end(), 3, filter.grep);
  }
  if (filter.since_ms) {
    parts.emplace_back("started_ms >= ?");
    where.since = filter.since_ms;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    where.sql += (i ? " AND " : " WHERE ") + parts[i];
  }
  return where;
}

int bind_where(Query& statement, const Where& where) {
  int index = 1;
  for (const std::string& text : where.texts) {
    statement.bind(index++, text);
  }
  if (where.since) {
    statement.bind(index++, *where.since);
  }
  return index;
}

const char* const k_insert_run =
    "INSERT INTO runs (started_ms, finished_ms, prompt, revision, commit_id, "
    "content_hash, environment, request, request_hash, variables, provider, model, "
    "output, finish_reason, input_tokens, output_tokens, latency_ms, cost, status, "
    "error, attempts, cached, parent_id, experiment, variant, dirty, store, "
    "output_sha256, tool_calls, uid) VALUES "
    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

std::int64_t insert_run(Query& insert, const RunRecord& run, const std::string& uid) {
  // Every text is bound where it is, not copied: the run and these outlive the insert, and the
  // statement lets go of them (reset) before they go, whether the insert worked or not.
  std::string written_request;
  std::string_view request = run.request_text.text;
  if (request.empty()) {
    written_request = util::json_compact(run.request);
    request = written_request;
  }
  std::string variables = util::json_compact(run.variables);
  std::string tool_calls = util::json_compact(run.tool_calls);
  std::string_view store = to_string(run.store);
  insert.reset();
  struct Release {
    Query& statement;
    ~Release() { statement.reset(); }
  } release{insert};
  int c = 0;
  insert.bind(++c, run.started_ms);
  insert.bind(++c, run.finished_ms);
  insert.bind_borrowed(++c, run.prompt);
  insert.bind_borrowed(++c, run.revision);
  insert.bind_borrowed(++c, run.commit);
  insert.bind_borrowed(++c, run.content_hash);
  insert.bind_borrowed(++c, run.environment);
  insert.bind_borrowed(++c, request);
  insert.bind_borrowed(++c, run.request_hash);
  insert.bind_borrowed(++c, variables);
  insert.bind_borrowed(++c, run.provider);
  insert.bind_borrowed(++c, run.model);
  insert.bind_borrowed(++c, run.output);
  insert.bind_borrowed(++c, run.finish_reason);
  insert.bind(++c, run.input_tokens);
  insert.bind(++c, run.output_tokens);
  insert.bind(++c, run.latency_ms);
  insert.bind(++c, run.cost);
  insert.bind_borrowed(++c, run.status);
  insert.bind_borrowed(++c, run.error);
  insert.bind(++c, std::int64_t{run.attempts});
  insert.bind(++c, std::int64_t{run.cached ? 1 : 0});
  insert.bind(++c, run.parent_id);
  insert.bind_borrowed(++c, run.experiment);
  insert.bind_borrowed(++c, run.variant);
  insert.bind(++c, std::int64_t{run.dirty ? 1 : 0});
  insert.bind_borrowed(++c, store);
  insert.bind_borrowed(++c, run.output_sha256);
  insert.bind_borrowed(++c, tool_calls);
  insert.bind_borrowed(++c, uid);
  return insert.insert();
}

}  // namespace promptctl::ledger_detail
