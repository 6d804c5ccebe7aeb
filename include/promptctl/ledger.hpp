// The execution ledger: one row for every call to a model, kept in SQLite under the git
// directory (never committed), and the statistics computed from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promptctl::util {
class JsonFields;
}

namespace promptctl {

/// How much of a run the ledger keeps (`ledger: {store: …}` in promptctl.yaml and in a prompt).
/// Each keeps less than the one before; lineage, model, tokens, latency, cost and status are
/// always kept, so statistics and experiments work whatever the mode.
enum class LedgerStore {
  full,      ///< the rendered request, the variables, the answer and the error as they were
  redacted,  ///< the same, with every variable's text cut out wherever it appears
  hashes,    ///< no text: SHA-256 digests of the messages, variables and answer instead
};

[[nodiscard]] std::string_view to_string(LedgerStore store);
[[nodiscard]] std::optional<LedgerStore> parse_ledger_store(std::string_view text);
/// The one of the two that keeps less.
[[nodiscard]] LedgerStore stricter(LedgerStore a, LedgerStore b);

/// A request's compact JSON text kept beside its tree by whoever wrote both, so that the ledger
/// need not write it again; empty when not known. Only a shortcut: runs that differ in it alone
/// are the same run.
struct KnownText {
  std::string text;
  bool operator==(const KnownText& /*other*/) const { return true; }
};

/// One execution with its full lineage.
struct RunRecord {
  std::int64_t id = 0;  ///< the run's number in this ledger
  /// Globally unique and time-ordered (a UUIDv7), given when the run is recorded: what names
  /// a run across ledgers and machines.
  std::string uid;
  std::int64_t started_ms = 0;  ///< milliseconds since the epoch
  std::int64_t finished_ms = 0;
  std::string prompt;    ///< the prompt's name; empty for an ad-hoc request
  std::string revision;  ///< as the user wrote it ("HEAD~1", "1.2.0"); empty: working tree
  std::string commit;    ///< the commit the prompt was read from (HEAD for the working tree)
  /// Read from the working tree with content HEAD does not have (edited, or not committed yet):
  /// `commit` is then where the edits started from, not where the content is.
  bool dirty = false;
  std::string content_hash;  ///< the prompt version's content hash
  std::string environment;
  nlohmann::json request = nlohmann::json::object();  ///< ChatRequest::to_json, no secrets
  /// `request` as compact JSON, for a run just made (`ChatRequest::compact_json`). Whatever
  /// changes `request` must clear it.
  KnownText request_text;
  std::string request_hash;
  nlohmann::json variables = nlohmann::json::object();
  std::string provider;
  std::string model;
  std::string output;
  /// The tools the model called, each {"id", "name", "arguments"} (`ToolCall::to_json`).
  nlohmann::json tool_calls = nlohmann::json::array();
  std::string finish_reason;
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
  double latency_ms = 0;
  std::optional<double> cost;  ///< US dollars; unknown without a price
  std::string status = "ok";   ///< "ok" or "error"
  std::string error;
  int attempts = 0;
  bool cached = false;                    ///< answered from the response cache
  std::optional<std::int64_t> parent_id;  ///< the run this one repeats (rerun)
  std::string experiment;
  std::string variant;
  /// How much of this run the ledger keeps; `Ledger::record` stores `stored_form()`.
  LedgerStore store = LedgerStore::full;
  /// The answer's SHA-256 when the answer itself is not kept (store `hashes`).
  std::string output_sha256;

  /// What the ledger keeps of this run under `store`: itself for `full`. Under `redacted`,
  /// each string in the variables is replaced by `[redacted:NAME]` there and in the messages,
  /// the answer, the tool calls' arguments and the error. Under `hashes`, the messages'
  /// contents, the variables' values, the answer and the tool calls' arguments are replaced by
  /// their SHA-256 digests, and the error is redacted.
  [[nodiscard]] RunRecord stored_form() const;
  [[nodiscard]] nlohmann::json to_json() const;
  /// `to_json` less the request, its hash, the variables and the end time: what a line of
  /// output about the run needs, without copying the largest parts.
  [[nodiscard]] nlohmann::json summary_json() const;
  /// The same members, borrowed from the record, for writing without building the tree.
  void summary_fields(util::JsonFields& fields) const;

  bool operator==(const RunRecord&) const = default;
};

/// `text` with every occurrence of each value cut out and replaced by its marker, longer values
/// first. No occurrence of a value is left outside the markers.
struct Redaction {
  std::string value;
  std::string marker;
};
std::string redact(std::string text, const std::vector<Redaction>& redactions);

struct Feedback {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  double score = 0;
  std::string comment;
  std::string author;
  std::int64_t created_ms = 0;

  [[nodiscard]] nlohmann::json to_json() const;

  bool operator==(const Feedback&) const = default;
};

/// A run as it travels from one ledger to another (`runs export`, `runs import`): the run as
/// its ledger kept it, the uid of the run it repeats, and its feedback. Runs' and feedback's
/// numbers are local to a ledger: they are written, for reading, but not carried over.
struct PortableRun {
  RunRecord run;
  std::string parent_uid;  ///< empty when the run repeats none, or its original was pruned
  std::vector<Feedback> feedback;

  /// One line of `runs export`: what `runs show --json` prints, with `parent_run_uid`.
  [[nodiscard]] nlohmann::json to_json() const;
  /// Reads `to_json`'s form back. Throws `Error` (invalid_input) naming the field that is
  /// missing or wrong; the local numbers are left at 0.
  static PortableRun from_json(const nlohmann::json& value);

  bool operator==(const PortableRun&) const = default;
};

/// What `LedgerImport` did.
struct ImportResult {
  std::int64_t imported = 0;  ///< runs added
  std::int64_t present = 0;   ///< runs the ledger had already (the same uid)
  std::int64_t feedback = 0;  ///< feedback entries added
  /// Reruns whose original is in neither the ledger nor the import: kept without the link.
  std::int64_t unlinked = 0;
};

/// Which runs a listing or statistic covers.
struct RunFilter {
  std::string prompt;                                ///< empty: every prompt
  std::optional<std::int64_t> since_ms;              ///< started at or after
  std::string status;                                ///< empty: any
  std::string environment;                           ///< empty: any
  std::vector<std::string> other_than_environments;  ///< leave out runs recorded for these
  std::string experiment;                            ///< empty: any
  /// Only runs whose variables, rendered request or output contain this text (ASCII letters
  /// in any case); empty: any.
  std::string grep;
  std::optional<std::size_t> limit;  ///< the newest N
};

enum class StatsGrouping { prompt, version, model, provider, env, day };

/// Figures over a group of runs. Latency percentiles are nearest-rank over the runs that
/// reached a provider (not cache hits, not runs that failed before sending anything).
struct RunStats {
  std::string group;
  std::int64_t count = 0;
  std::int64_t succeeded = 0;
  /// Runs answered from the response cache. They count as runs but not in the latencies,
  /// which describe only calls that reached a provider.
  std::int64_t cached = 0;
  double latency_p50_ms = 0;
  double latency_p95_ms = 0;
  double latency_p99_ms = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  double cost = 0;
  std::int64_t runs_without_cost = 0;  ///< runs whose cost is unknown (no price)
  /// Over the calls that reached a provider: how many, their latencies added up, and how many
  /// took at most each bound of `latency_bucket_bounds_seconds()` (cumulative, as a histogram's
  /// buckets are).
  std::int64_t latency_count = 0;
  double latency_sum_ms = 0;
  std::vector<std::int64_t> latency_buckets;

  /// Counts one run in everything but the latencies, and says whether its latency describes
  /// a provider (it reached one: not a cache hit, not a run that failed before sending
  /// anything), for `add_latency`.
  bool add(bool ok, bool cached_answer, int attempts, std::optional<std::int64_t> input,
           std::optional<std::int64_t> output, std::optional<double> dollars);
  /// Counts a provider's latency in the count, the sum and the buckets (not the percentiles).
  void add_latency(double milliseconds);

  [[nodiscard]] double success_rate() const;
  [[nodiscard]] nlohmann::json to_json() const;
};

/// The nearest-rank percentile `p` (0–100) of `values`, which it sorts; 0 for none.
double percentile(std::vector<double>& values, double p);

/// The upper bounds, in seconds, of the latency histogram's buckets, from 50 ms to 2 minutes
/// (the last bucket, +Inf, is implied).
const std::vector<double>& latency_bucket_bounds_seconds();

/// Figures in the Prometheus text exposition format, each group labelled `label`="group".
/// Without a window, every run in the ledger so far: counters and a latency histogram in
/// seconds, which only grow as runs are added. With one (`window` as the user wrote it, e.g.
/// "1 day ago"), figures over that window go up and down: they are gauges, named `_window`
/// and labelled `since`.
std::string prometheus_exposition(const std::vector<RunStats>& groups, const std::string& label,
                                  const std::string& window);

/// What `Ledger::prune` removed, or would remove.
struct PruneResult {
  std::int64_t runs = 0;
  std::int64_t feedback = 0;
};

/// Where a ledger lives: a SQLite file under the git directory (the default), or a PostgreSQL
/// database that many machines share (`ledger: {url: …}`, PROMPTCTL_LEDGER_URL).
struct LedgerLocation {
  std::filesystem::path file;  ///< the SQLite file, when `url` is empty
  std::string url;             ///< postgresql://… or postgres://…
};

/// What `ledger status` says of a ledger, read without changing it.
struct LedgerStatus {
  std::string kind;        ///< "sqlite" or "postgresql"
  std::string location;    ///< the file, or the URL without its password
  int schema_version = 0;  ///< 0: no ledger there yet
  std::int64_t runs = 0;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// Whether `url` names a PostgreSQL database (postgresql:// or postgres://).
[[nodiscard]] bool is_postgresql_url(std::string_view url);
/// Whether `url` holds a password, in its user part or as a `password` parameter.
[[nodiscard]] bool ledger_url_has_password(std::string_view url);
/// Whether every host `url` names, in its authority or its host/hostaddr parameters, is this
/// machine: a loopback address, or a Unix socket's folder (an absolute path, or no host).
[[nodiscard]] bool ledger_url_names_only_this_machine(std::string_view url);
/// `url` as messages may show it: any password replaced by "***".
[[nodiscard]] std::string printable_ledger_url(std::string_view url);

class Ledger {
 public:
  /// Opens (creating and upgrading as needed) the ledger file. Throws `Error` (io) when it
  /// cannot be opened, or (invalid_input) when it was written by a newer promptctl.
  static Ledger open(const std::filesystem::path& file);
  /// Connects to the PostgreSQL ledger `url` names (postgresql://…; the password from
  /// PGPASSWORD or ~/.pgpass), creating and upgrading its tables as needed. Throws `Error` (io)
  /// when it cannot connect, or (invalid_input) when it was written by a newer promptctl.
  /// An empty database gets the tables; one of an older schema is refused (another machine's
  /// promptctl may still need it as it is) unless `upgrade`, which `ledger migrate` asks for.
  static Ledger connect(const std::string& url, bool upgrade = false);
  /// `open(where.file)` or `connect(where.url)`.
  static Ledger open_at(const LedgerLocation& where);
  /// The ledger at `where` as it is: nothing is created or upgraded.
  static LedgerStatus status(const LedgerLocation& where);
  /// Brings the ledger at `where` up to this build's schema (creating it when there is none)
  /// and returns the schema version it had.
  static int migrate(const LedgerLocation& where);
  ~Ledger();
  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;

  /// The schema version this build writes.
  static int schema_version();
  /// Where the ledger is, as messages name it: its file, or its URL without a password.
  [[nodiscard]] const std::string& location() const;

  /// Stores `run.stored_form()` and returns its id: in a transaction of its own, or in the
  /// open batch's. Safe with other processes writing.
  std::int64_t record(const RunRecord& run);

  /// Runs recorded from now until `end_batch` share a transaction until `commit_batch`: far
  /// cheaper than one each. A batched run is seen by other connections, and survives a crash,
  /// only once committed; other writers wait while a batch has uncommitted runs, so commit
  /// often (`LedgerBatch` does the bracketing).
  void begin_batch();
  void commit_batch();
  /// Commits what is left and goes back to a transaction per run.
  void end_batch();
  /// The runs `filter` selects, newest first.
  [[nodiscard]] std::vector<RunRecord> runs(const RunFilter& filter) const;
  /// The runs `filter` selects, oldest first (a limit keeps the newest), each with its
  /// original's uid and its feedback, handed to `each` one at a time as they are read.
  void export_runs(const RunFilter& filter,
                   const std::function<void(const PortableRun&)>& each) const;
  /// The ids of the newest `limit` runs, newest first, without reading the runs.
  [[nodiscard]] std::vector<std::int64_t> newest_run_ids(std::size_t limit) const;
  [[nodiscard]] std::optional<RunRecord> find(std::int64_t id) const;
  /// The number of the run whose uid is `uid`, or nothing when this ledger has none.
  [[nodiscard]] std::optional<std::int64_t> id_of_uid(const std::string& uid) const;
  /// The run `id`; throws `Error` (not_found) when there is none.
  [[nodiscard]] RunRecord get(std::int64_t id) const;
  /// Records a score against a run and returns the entry as recorded (its id and time); throws
  /// `Error` (not_found) for an unknown run.
  Feedback add_feedback(std::int64_t run_id, double score, const std::string& comment,
                        const std::string& author);
  [[nodiscard]] std::vector<Feedback> feedback_for(std::int64_t run_id) const;
  /// The mean feedback score of each run `filter` selects that has feedback, by run id.
  [[nodiscard]] std::map<std::int64_t, double> mean_feedback(const RunFilter& filter) const;
  /// Statistics per group, groups sorted by name.
  [[nodiscard]] std::vector<RunStats> stats(const RunFilter& filter, StatsGrouping grouping) const;
  /// How many runs the response cache answered.
  [[nodiscard]] std::int64_t cached_runs() const;
  /// Removes the runs started before `cutoff_ms`, with their feedback, in one transaction.
  /// What they held is overwritten in the file and flushed out of the write-ahead log, not
  /// merely unlinked; later reruns of a removed run keep their own record but lose the link.
  /// With `dry_run`, only counts.
  PruneResult prune(std::int64_t cutoff_ms, bool dry_run);

 private:
  friend class LedgerImport;
  struct Impl;
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// Runs exported from another ledger, added in one transaction: nothing is kept unless
/// `finish(true)` runs, and other writers wait until then. A run is known by its uid, so
/// importing the same runs twice adds them once; for a run already present, only the feedback
/// it lacks (the same score, comment, author and time) is added. A run kept more fully than
/// `keep` allows is stored as `keep` would have stored it.
class LedgerImport {
 public:
  LedgerImport(Ledger& ledger, LedgerStore keep);
  ~LedgerImport();
  LedgerImport(const LedgerImport&) = delete;
  LedgerImport& operator=(const LedgerImport&) = delete;

  void add(const PortableRun& run);
  /// Links each rerun to its original where the original came later in the import, then
  /// commits (or, without `commit`, rolls everything back: a dry run).
  ImportResult finish(bool commit);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

/// The run `text` names: its number in `ledger`, or its uid (`run_uid`, the same on every
/// machine). Throws `Error`: usage for text that is neither, not_found for a uid this ledger
/// does not have. (An unknown number is found unknown where it is used.)
std::int64_t run_id_of(const Ledger& ledger, const std::string& text);

/// A ledger batch for as long as it lives: what is left is committed when it ends, even by an
/// exception, because the calls it records were made (and paid for).
class LedgerBatch {
 public:
  explicit LedgerBatch(Ledger& ledger) : m_ledger(ledger) { m_ledger.begin_batch(); }
  ~LedgerBatch();
  LedgerBatch(const LedgerBatch&) = delete;
  LedgerBatch& operator=(const LedgerBatch&) = delete;
  void commit() { m_ledger.commit_batch(); }

 private:
  Ledger& m_ledger;
};

}  // namespace promptctl
