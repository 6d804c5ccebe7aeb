// The recorder keeps every run: in the ledger while it works, in the spool once it fails, and
// never both a number and a spooled line for one run.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "ledger/connection.hpp"
#include "promptctl/recorder.hpp"
#include "support/postgres_server.hpp"
#include "support/temp_dir.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

RunRecord a_run(int n, LedgerStore store = LedgerStore::full) {
  RunRecord run;
  run.started_ms = 1'760'000'000'000 + n;
  run.finished_ms = run.started_ms + 5;
  run.prompt = "greet";
  run.variables = {{"who", "secret name " + std::to_string(n)}};
  run.request = {
      {"messages",
       json::array({{{"role", "user"}, {"content", "Hello secret name " + std::to_string(n)}}})}};
  run.provider = "openai";
  run.model = "m";
  run.output = "answer for secret name " + std::to_string(n);
  run.status = "ok";
  run.store = store;
  return run;
}

std::vector<json> lines_of(const std::filesystem::path& file) {
  std::vector<json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(json::parse(line));
  }
  return lines;
}

// Ends the connections of every other client of the database, as a server restart would.
void drop_other_connections(const std::string& url) {
  ledger_detail::connect_postgresql(url)->execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
      "current_database() AND pid <> pg_backend_pid()");
}

class RecorderTest : public testing::PostgresDatabaseTest {};

TEST_F(RecorderTest, AGroupTheLedgerLosesGoesToTheSpoolWithEveryLaterRun) {
  Ledger ledger = Ledger::connect(url);
  RunRecorder recorder(&ledger, dir.path() / "spool", Grouping::in_groups);
  int announced = 0;
  recorder.on_failure([&] { ++announced; });
  std::vector<RunRecord> runs;
  for (int n = 0; n < 6; ++n) {
    runs.push_back(a_run(n));
  }
  for (int n = 0; n < 2; ++n) {
    recorder.record(runs[n]);
    EXPECT_GT(runs[n].id, 0);
  }
  EXPECT_TRUE(recorder.commit());
  recorder.record(runs[2]);
  recorder.record(runs[3]);
  EXPECT_GT(runs[3].id, 0);  // not committed yet
  drop_other_connections(url);
  recorder.record(runs[4]);  // the ledger fails here, and the open group with it
  EXPECT_EQ(runs[4].id, 0);
  ASSERT_TRUE(recorder.failure());
  EXPECT_EQ(recorder.failure()->kind(), ErrorKind::io);
  recorder.record(runs[5]);
  EXPECT_EQ(runs[5].id, 0);
  EXPECT_FALSE(recorder.commit());  // the numbers of 2 and 3 are void
  EXPECT_TRUE(recorder.commit());   // and only theirs
  EXPECT_EQ(announced, 1);
  EXPECT_NE(recorder.failure_text().find(recorder.spool().file().string()), std::string::npos);
  std::vector<json> kept = lines_of(recorder.spool().file());
  ASSERT_EQ(kept.size(), 4U);
  EXPECT_EQ(recorder.spool().kept(), 4U);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i]["run_uid"], runs[i + 2].uid);
    EXPECT_EQ(kept[i]["output"], runs[i + 2].output);
  }
  EXPECT_NE(recorder.unrecorded_text().find("4 runs were not recorded in the ledger: "),
            std::string::npos);
  EXPECT_NE(recorder.where_kept_text().find("'promptctl runs import " +
                                            recorder.spool().file().string() + "'"),
            std::string::npos);
  // The ledger kept the first group only; the spool adds the rest, once.
  Ledger again = Ledger::connect(url);
  EXPECT_EQ(again.runs({}).size(), 2U);
  LedgerImport import(again, LedgerStore::full);
  for (const json& line : kept) {
    import.add(PortableRun::from_json(line));
  }
  EXPECT_EQ(import.finish(true).imported, 4);
  EXPECT_EQ(again.runs({}).size(), 6U);
}

// A batch hands its runs over: it sees each whole, with its number, and a group the ledger then
// loses reaches the spool as the ledger would have kept it, without the void numbers.
TEST_F(RecorderTest, RunsHandedToAGroupAreSpooledAsTheLedgerWouldKeepThem) {
  Ledger ledger = Ledger::connect(url);
  RunRecorder recorder(&ledger, dir.path() / "spool", Grouping::in_groups);
  std::vector<RunRecord> seen;
  auto hand_over = [&](int n) {
    recorder.record(a_run(n, LedgerStore::hashes), "parent " + std::to_string(n),
                    [&](const RunRecord& run) { seen.push_back(run); });
  };
  hand_over(0);
  hand_over(1);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_GT(seen[0].id, 0);
  EXPECT_GT(seen[1].id, seen[0].id);
  EXPECT_EQ(seen[1].output, "answer for secret name 1");  // the caller's line shows it all
  drop_other_connections(url);
  hand_over(2);  // the ledger fails here, and the open group with it
  ASSERT_EQ(seen.size(), 3U);
  EXPECT_EQ(seen[2].id, 0);
  EXPECT_FALSE(recorder.commit());
  std::vector<json> kept = lines_of(recorder.spool().file());
  ASSERT_EQ(kept.size(), 3U);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i]["run_uid"], seen[i].uid);
    EXPECT_EQ(kept[i]["run_id"], 0);
    EXPECT_EQ(kept[i]["parent_run_uid"], "parent " + std::to_string(i));
    EXPECT_EQ(kept[i].dump().find("secret name"), std::string::npos) << kept[i].dump();
  }
}

TEST_F(RecorderTest, TheSpoolKeepsNoMoreThanTheLedgerWould) {
  Ledger ledger = Ledger::connect(url);
  RunRecorder recorder(&ledger, dir.path() / "spool", Grouping::each_run);
  drop_other_connections(url);
  RunRecord hashed = a_run(1, LedgerStore::hashes);
  recorder.record(hashed);
  EXPECT_EQ(hashed.id, 0);
  ASSERT_TRUE(recorder.failure());
  EXPECT_TRUE(recorder.commit());
  std::string kept = lines_of(recorder.spool().file()).at(0).dump();
  EXPECT_EQ(kept.find("secret name"), std::string::npos) << kept;
  EXPECT_EQ(
      std::filesystem::status(recorder.spool().file()).permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(RecorderTest, AWorkingLedgerLeavesNoSpool) {
  Ledger ledger = Ledger::connect(url);
  {
    RunRecorder recorder(&ledger, dir.path() / "spool", Grouping::in_groups);
    RunRecord run = a_run(1);
    recorder.record(run);
    EXPECT_FALSE(recorder.failure());
  }  // commits on the way out
  EXPECT_EQ(ledger.runs({}).size(), 1U);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "spool"));
}

// A server's recorder: while the ledger is away its runs go to the spool; at a later run it
// opens the ledger again and records there, and says both.
TEST_F(RecorderTest, AServerKeepsRunsWhileItsLedgerIsAwayAndGoesBackToIt) {
  std::filesystem::path spool = dir.path() / "spool";
  ReconnectingRecorder recorder(Ledger::connect(url), {{}, url}, spool,
                                std::chrono::milliseconds(0));
  std::vector<std::string> events;
  recorder.on_event([&](const std::string& line) { events.push_back(line); });
  std::vector<RunRecord> runs = {a_run(0), a_run(1), a_run(2)};
  recorder.record(runs[0]);
  EXPECT_GT(runs[0].id, 0);
  drop_other_connections(url);
  recorder.record(runs[1]);
  EXPECT_EQ(runs[1].id, 0);
  recorder.record(runs[2]);  // the pause is over at once: a new connection
  EXPECT_GT(runs[2].id, 0);
  EXPECT_EQ(recorder.spooled(), 1U);
  std::vector<SpooledRuns> kept = spooled_runs(spool);
  ASSERT_EQ(kept.size(), 1U);
  EXPECT_EQ(kept[0].runs, 1U);
  EXPECT_EQ(lines_of(kept[0].file).at(0)["run_uid"], runs[1].uid);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].rfind("the ledger failed: ", 0), 0U) << events[0];
  EXPECT_NE(events[0].find(kept[0].file.string()), std::string::npos) << events[0];
  EXPECT_EQ(events[1].rfind("the ledger is back; 1 run is kept in " + kept[0].file.string(), 0), 0U)
      << events[1];
  Feedback given = recorder.add_feedback(runs[2].uid, 1, "", "");
  EXPECT_EQ(given.run_id, runs[2].id);
  EXPECT_EQ(Ledger::connect(url).runs({}).size(), 2U);
}

// While the pause lasts, runs go to the spool without a try at the ledger, and feedback is
// refused as unavailable.
TEST_F(RecorderTest, AServerWaitsOutItsPauseBeforeOpeningTheLedgerAgain) {
  ReconnectingRecorder recorder(Ledger::connect(url), {{}, url}, dir.path() / "spool",
                                std::chrono::hours(1));
  RunRecord first = a_run(0);
  recorder.record(first);
  drop_other_connections(url);
  std::vector<RunRecord> runs = {a_run(1), a_run(2)};
  for (RunRecord& run : runs) {
    recorder.record(run);
    EXPECT_EQ(run.id, 0);
  }
  EXPECT_EQ(recorder.spooled(), 2U);
  try {
    (void)recorder.add_feedback(first.uid, 1, "", "");
    ADD_FAILURE() << "feedback was taken while the ledger is away";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::io);
    EXPECT_EQ(error.message().rfind("the ledger is unavailable: ", 0), 0U) << error.message();
  }
  EXPECT_EQ(Ledger::connect(url).runs({}).size(), 1U);
}

// A run that neither the ledger nor the spool takes is lost: the error, and the server's line,
// say why the ledger did not take it as well as why the spool did not.
TEST_F(RecorderTest, ARunNeitherTheLedgerNorTheSpoolTakesIsAnErrorNamingBoth) {
  std::filesystem::path spool = dir.path() / "spool";
  dir.write("spool", "a file where the spool's folder would be\n");
  auto expect_both_named = [&](const std::string& message) {
    EXPECT_EQ(message.rfind("the ledger failed (", 0), 0U) << message;
    EXPECT_NE(message.find("cannot be kept in the spool either: "), std::string::npos) << message;
    EXPECT_NE(message.find(spool.string()), std::string::npos) << message;
  };
  Ledger ledger = Ledger::connect(url);
  RunRecorder recorder(&ledger, spool, Grouping::each_run);
  ReconnectingRecorder server(Ledger::connect(url), {{}, url}, spool, std::chrono::hours(1));
  std::vector<std::string> events;
  server.on_event([&](const std::string& line) { events.push_back(line); });
  drop_other_connections(url);

  auto expect_lost = [&](const std::function<void()>& record, const char* what) {
    try {
      record();
      ADD_FAILURE() << what << " was neither recorded nor kept, and nothing said so";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::io);
      expect_both_named(error.message());
    }
  };
  RunRecord run = a_run(1);
  expect_lost([&] { recorder.record(run); }, "a run");
  EXPECT_EQ(run.id, 0);
  RunRecord served = a_run(2);
  expect_lost([&] { server.record(served); }, "a served run");
  ASSERT_EQ(events.size(), 1U);
  expect_both_named(events[0]);
  EXPECT_EQ(server.spooled(), 0U);
  EXPECT_TRUE(std::filesystem::is_regular_file(spool)) << "nothing was written over it";
}

}  // namespace
}  // namespace promptctl
