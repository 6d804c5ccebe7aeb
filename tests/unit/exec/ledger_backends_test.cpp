// The ledger on PostgreSQL behaves as the ledger on SQLite: the same runs, figures, feedback
// and exports from the same operations, against a real server (tests/support/postgres_server).
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <tuple>

#include "ledger/connection.hpp"
#include "promptctl/error.hpp"
#include "promptctl/ledger.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"
#include "util/uuid.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

// A varied day of runs: prompts, environments, experiments, failures, cache hits, unknown
// tokens and costs, tool calls, a redacted run, exact fractions, and a rerun of the second.
std::vector<RunRecord> sample_runs() {
  std::vector<RunRecord> runs;
  const std::int64_t day = 86'400'000;
  for (int i = 0; i < 24; ++i) {
    RunRecord run;
    run.started_ms = 1'700'000'000'000 + (i % 3) * day + i * 1000;
    run.finished_ms = run.started_ms + 40 + i;
    run.prompt = i % 4 == 0 ? "summarize" : "greet";
    run.revision = i % 5 == 0 ? "v1.2.0" : "";
    run.commit = "c0ffee" + std::to_string(i % 2);
    run.content_hash = i % 2 ? "aaaaaaaaaaaaaaaa1111" : "bbbbbbbbbbbbbbbb2222";
    run.dirty = i % 7 == 0;
    run.environment = i % 3 == 0 ? "production" : (i % 3 == 1 ? "staging" : "");
    run.variables = {{"who", i % 2 ? "Ann" : "Bo \"the\" Builder"}, {"n", i}};
    run.request = {
        {"model", "m"},
        {"messages",
         json::array({{{"role", "user"}, {"content", "Hello Needle " + std::to_string(i)}}})}};
    run.request_hash = "h" + std::to_string(i);
    run.provider = i % 2 ? "openai" : "local";
    run.model = i % 2 ? "gpt-4o-mini" : "llama";
    run.output = i % 6 == 0 ? "The HAYSTACK ünïcode answer" : "answer " + std::to_string(i);
    if (i % 8 == 3) {
      run.tool_calls = json::array({{{"id", "t1"}, {"name", "lookup"}, {"arguments", "{}"}}});
    }
    run.finish_reason = "stop";
    if (i % 5 != 4) {
      run.input_tokens = 10 + i;
      run.output_tokens = 3 * i;
    }
    run.latency_ms = 12.345 + i * 7.1;
    if (i % 4 != 2) {
      run.cost = 0.000123 * (i + 1);
    }
    run.status = i % 9 == 5 ? "error" : "ok";
    run.error = run.status == "error" ? "HTTP 500: the server's fault" : "";
    run.attempts = i % 9 == 5 ? 3 : 1;
    run.cached = i % 10 == 7;
    run.experiment = i % 2 ? "tone" : "";
    run.variant = i % 2 ? (i % 4 == 1 ? "a" : "b") : "";
    run.store = i == 11 ? LedgerStore::redacted : LedgerStore::full;
    run.uid = util::uuid_v7(run.started_ms);
    runs.push_back(run);
  }
  RunRecord rerun = runs[1];
  rerun.uid = util::uuid_v7(rerun.started_ms + 5);
  rerun.parent_id = 2;
  runs.push_back(rerun);
  return runs;
}

// Records the sample in `ledger` in a batch, as `run` does, and gives some runs feedback.
void fill(Ledger& ledger, const std::vector<RunRecord>& runs) {
  {
    LedgerBatch batch(ledger);
    for (const RunRecord& run : runs) {
      ledger.record(run);
    }
  }
  ledger.add_feedback(2, 0.75, "good", "Ann <ann@example.com>");
  ledger.add_feedback(2, 0.5, "", "");
  ledger.add_feedback(7, 1, "ü", "Bo <bo@example.com>");
}

std::vector<RunFilter> sample_filters() {
  std::vector<RunFilter> filters(12);
  filters[1].prompt = "greet";
  filters[2].status = "error";
  filters[3].environment = "production";
  filters[4].other_than_environments = {"production", "staging"};
  filters[5].experiment = "tone";
  filters[6].grep = "needle 1";  // in the messages, in another case
  filters[7].grep = "haystack ü";
  filters[8].grep = "\"THE\" builder";  // a variable's text, not its JSON escapes
  filters[9].since_ms = 1'700'000'000'000 + 86'400'000;
  filters[10].limit = 5;
  filters[11].prompt = "greet";
  filters[11].since_ms = 1'700'000'000'000;
  filters[11].grep = "%";  // a character, not a wildcard
  return filters;
}

// The same groups with the same figures: counts, percentiles and histogram buckets exactly;
// sums of fractions (cost, latency) to the last bits, which depend on the order of addition
// (PostgreSQL adds up in the database, in an order of its choosing).
void expect_same_figures(const std::vector<RunStats>& found,
                         const std::vector<RunStats>& expected) {
  ASSERT_EQ(found.size(), expected.size());
  for (std::size_t i = 0; i < found.size(); ++i) {
    const RunStats& a = found[i];
    const RunStats& b = expected[i];
    EXPECT_EQ(a.group, b.group);
    EXPECT_EQ(std::tie(a.count, a.succeeded, a.cached, a.input_tokens, a.output_tokens,
                       a.runs_without_cost, a.latency_count),
              std::tie(b.count, b.succeeded, b.cached, b.input_tokens, b.output_tokens,
                       b.runs_without_cost, b.latency_count))
        << a.group;
    EXPECT_EQ(std::tie(a.latency_p50_ms, a.latency_p95_ms, a.latency_p99_ms),
              std::tie(b.latency_p50_ms, b.latency_p95_ms, b.latency_p99_ms))
        << a.group;
    EXPECT_EQ(a.latency_buckets, b.latency_buckets) << a.group;
    EXPECT_DOUBLE_EQ(a.cost, b.cost) << a.group;
    EXPECT_DOUBLE_EQ(a.latency_sum_ms, b.latency_sum_ms) << a.group;
  }
}

std::vector<json> listed(const std::vector<RunRecord>& runs) {
  std::vector<json> out;
  for (const RunRecord& run : runs) {
    out.push_back(run.to_json());
  }
  return out;
}

// Every run as exported, less the time its feedback was given (the clock's, not the data's).
std::vector<json> exported(const Ledger& ledger) {
  std::vector<json> lines;
  ledger.export_runs({}, [&](const PortableRun& run) {
    json line = run.to_json();
    for (json& entry : line["feedback"]) {
      entry.erase("created_at");
    }
    lines.push_back(line);
  });
  return lines;
}

class LedgerOnPostgres : public testing::PostgresDatabaseTest {};

TEST_F(LedgerOnPostgres, TheSameOperationsGiveTheSameAnswersAsOnSqlite) {
  Ledger lite = Ledger::open(dir.path() / "ledger.db");
  Ledger shared = Ledger::connect(url);
  std::vector<RunRecord> runs = sample_runs();
  fill(lite, runs);
  fill(shared, runs);

  for (const RunFilter& filter : sample_filters()) {
    EXPECT_EQ(listed(shared.runs(filter)), listed(lite.runs(filter)))
        << "grep '" << filter.grep << "'";
    EXPECT_EQ(shared.mean_feedback(filter), lite.mean_feedback(filter));
    for (StatsGrouping grouping :
         {StatsGrouping::prompt, StatsGrouping::version, StatsGrouping::model,
          StatsGrouping::provider, StatsGrouping::env, StatsGrouping::day}) {
      expect_same_figures(shared.stats(filter, grouping), lite.stats(filter, grouping));
    }
  }
  EXPECT_EQ(lite.runs(sample_filters()[6]).size(), 12U);  // the filters select something
  EXPECT_EQ(lite.runs(sample_filters()[8]).size(), 12U);
  EXPECT_EQ(lite.runs(sample_filters()[11]).size(), 0U);
  EXPECT_EQ(shared.find(3)->to_json(), lite.find(3)->to_json());
  EXPECT_EQ(shared.find(3)->latency_ms, runs[2].latency_ms);  // doubles travel exactly
  EXPECT_EQ(shared.find(3)->cost, runs[2].cost);
  EXPECT_FALSE(shared.find(999));
  EXPECT_EQ(shared.feedback_for(2).size(), 2U);
  EXPECT_EQ(shared.newest_run_ids(4), lite.newest_run_ids(4));
  EXPECT_EQ(shared.id_of_uid(runs[5].uid), 6);
  EXPECT_EQ(shared.cached_runs(), lite.cached_runs());
  EXPECT_EQ(exported(shared), exported(lite));
  EXPECT_THROW((void)shared.get(999), Error);
  EXPECT_THROW(shared.add_feedback(999, 1, "", ""), Error);

  std::int64_t cutoff = 1'700'000'000'000 + 86'400'000;
  EXPECT_EQ(shared.prune(cutoff, true).runs, lite.prune(cutoff, true).runs);
  PruneResult pruned = shared.prune(cutoff, false);
  EXPECT_EQ(pruned.runs, lite.prune(cutoff, false).runs);
  EXPECT_GT(pruned.runs, 0);
  EXPECT_EQ(exported(shared), exported(lite));
}

TEST_F(LedgerOnPostgres, RunsTravelBetweenSqliteAndPostgresUnchanged) {
  Ledger lite = Ledger::open(dir.path() / "a.db");
  fill(lite, sample_runs());
  Ledger shared = Ledger::connect(url);
  for (int pass = 0; pass < 2; ++pass) {  // the second import adds nothing
    LedgerImport import(shared, LedgerStore::full);
    lite.export_runs({}, [&](const PortableRun& run) { import.add(run); });
    ImportResult result = import.finish(true);
    EXPECT_EQ(result.imported, pass == 0 ? 25 : 0);
    EXPECT_EQ(result.present, pass == 0 ? 0 : 25);
  }
  Ledger back = Ledger::open(dir.path() / "b.db");
  LedgerImport import(back, LedgerStore::full);
  shared.export_runs({}, [&](const PortableRun& run) { import.add(run); });
  import.finish(true);
  EXPECT_EQ(exported(back), exported(lite));
  expect_same_figures(shared.stats({}, StatsGrouping::version),
                      lite.stats({}, StatsGrouping::version));
}

TEST_F(LedgerOnPostgres, CostsAddUpTheSameWhateverTheirSize) {
  Ledger lite = Ledger::open(dir.path() / "ledger.db");
  Ledger shared = Ledger::connect(url);
  std::vector<RunRecord> runs = sample_runs();
  for (std::optional<double> cost : {std::optional(0.1), std::optional(0.2), std::optional(3e-9),
                                     std::optional(2.5e6), std::optional<double>()}) {
    runs.push_back(runs.front());
    runs.back().uid = util::uuid_v7(runs.back().started_ms);
    runs.back().cost = cost;
  }
  fill(lite, runs);
  fill(shared, runs);
  std::vector<RunStats> found = shared.stats({}, StatsGrouping::prompt);
  expect_same_figures(found, lite.stats({}, StatsGrouping::prompt));
  // Added up the same way each time, however the server splits the work.
  std::vector<RunStats> again = shared.stats({}, StatsGrouping::prompt);
  for (std::size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].cost, again[i].cost);
  }
}

TEST_F(LedgerOnPostgres, WritersOnManyConnectionsLoseNothing) {
  constexpr int k_writers = 4;
  constexpr int k_runs = 50;
  std::vector<std::thread> writers;
  for (int w = 0; w < k_writers; ++w) {
    writers.emplace_back([this, w] {
      Ledger ledger = Ledger::connect(url);  // each migrates, or waits for the one that does
      LedgerBatch batch(ledger);
      for (int i = 0; i < k_runs; ++i) {
        RunRecord run = sample_runs()[static_cast<std::size_t>(i % 24)];
        run.parent_id.reset();
        run.uid = util::uuid_v7(run.started_ms);
        run.prompt = "writer" + std::to_string(w);
        ledger.record(run);
        if (i % 10 == 9) {
          batch.commit();
        }
      }
    });
  }
  for (std::thread& writer : writers) {
    writer.join();
  }
  Ledger ledger = Ledger::connect(url);
  std::vector<RunRecord> all = ledger.runs({});
  ASSERT_EQ(all.size(), static_cast<std::size_t>(k_writers * k_runs));
  std::set<std::string> uids;
  for (const RunRecord& run : all) {
    uids.insert(run.uid);
  }
  EXPECT_EQ(uids.size(), all.size());
  for (int w = 0; w < k_writers; ++w) {
    RunFilter mine;
    mine.prompt = "writer" + std::to_string(w);
    EXPECT_EQ(ledger.stats(mine, StatsGrouping::prompt).at(0).count, k_runs);
  }
}

TEST_F(LedgerOnPostgres, TextPostgresCannotHoldIsRecordedWithReplacementCharacters) {
  Ledger shared = Ledger::connect(url);
  RunRecord run = sample_runs()[0];
  run.output = std::string("nul\0 and \xff byte, then \xc3\xa9", 24);
  {
    LedgerBatch batch(shared);
    shared.record(run);
    run.uid = util::uuid_v7(run.started_ms);
    run.output = "next";
    shared.record(run);  // the batch goes on
  }
  std::vector<RunRecord> kept = shared.runs({});
  ASSERT_EQ(kept.size(), 2U);
  EXPECT_EQ(kept[1].output, "nul\xEF\xBF\xBD and \xEF\xBF\xBD byte, then \xc3\xa9");
  EXPECT_EQ(kept[0].output, "next");
}

TEST_F(LedgerOnPostgres, ALedgerOfANewerSchemaIsRefusedAndAnUnreachableOneNamedWithoutItsPassword) {
  { (void)Ledger::connect(url); }
  ledger_detail::connect_postgresql(url)->execute("UPDATE promptctl_schema SET version = 99");
  try {
    (void)Ledger::connect(url);
    ADD_FAILURE() << "a newer ledger was opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
  try {
    (void)Ledger::connect("postgresql://ann:s3cret@127.0.0.1:1/ledger?connect_timeout=5");
    ADD_FAILURE() << "connected to a closed port";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    std::string message = e.what();
    EXPECT_NE(message.find("127.0.0.1:1/ledger"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
  try {
    (void)Ledger::connect(testing::missing_postgres_database());
    ADD_FAILURE() << "connected to a database that does not exist";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_database"), std::string::npos) << e.what();
  }
}

TEST(LedgerUrl, PasswordsAreFoundAndMaskedWhereverTheyAre) {
  EXPECT_TRUE(ledger_url_has_password("postgresql://ann:s3cret@db/runs"));
  EXPECT_TRUE(ledger_url_has_password("postgresql://db/runs?sslmode=require&password=s3cret"));
  EXPECT_FALSE(ledger_url_has_password("postgresql://ann@db:5433/runs?host=/run/pg"));
  EXPECT_FALSE(ledger_url_has_password("postgresql:///runs?user=ann"));
  EXPECT_EQ(printable_ledger_url("postgresql://ann:s3cret@db/runs"),
            "postgresql://ann:***@db/runs");
  EXPECT_EQ(printable_ledger_url("postgres://db/runs?password=s3cret&sslmode=require"),
            "postgres://db/runs?password=***&sslmode=require");
  EXPECT_TRUE(is_postgresql_url("postgres://db/runs"));
  EXPECT_FALSE(is_postgresql_url("mysql://db/runs"));
}

TEST(LedgerUrl, OnlyHostsOfThisMachineAreLocal) {
  EXPECT_TRUE(ledger_url_names_only_this_machine("postgresql:///runs?host=%2Frun%2Fpg"));
  EXPECT_TRUE(ledger_url_names_only_this_machine("postgresql://ann@127.0.0.1:5433,[::1]/runs"));
  EXPECT_FALSE(ledger_url_names_only_this_machine("postgresql://ann@db.example.com/runs"));
  EXPECT_FALSE(
      ledger_url_names_only_this_machine("postgresql://localhost/runs?host=db.example.com"));
  EXPECT_FALSE(ledger_url_names_only_this_machine("postgresql:///runs?hostaddr=10.0.0.7"));
  EXPECT_FALSE(ledger_url_names_only_this_machine("not a url"));
}

}  // namespace
}  // namespace promptctl
