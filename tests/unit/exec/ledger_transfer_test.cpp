// Runs moving between ledgers: export, import, idempotence, links between reruns, feedback,
// and what an import may keep.
#include <gtest/gtest.h>

#include "promptctl/error.hpp"
#include "promptctl/ledger.hpp"
#include "support/temp_dir.hpp"
#include "util/uuid.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

std::vector<PortableRun> exported(const Ledger& ledger, RunFilter filter = {}) {
  std::vector<PortableRun> runs;
  ledger.export_runs(filter, [&](const PortableRun& run) { runs.push_back(run); });
  return runs;
}

// What an export says about runs, less the numbers local to each ledger.
std::vector<json> travelling(const std::vector<PortableRun>& runs) {
  std::vector<json> lines;
  for (PortableRun run : runs) {
    json line = run.to_json();
    for (const char* local : {"run_id", "parent_run_id"}) {
      line.erase(local);
    }
    for (json& entry : line["feedback"]) {
      entry.erase("feedback_id");
      entry.erase("run_id");
    }
    lines.push_back(line);
  }
  return lines;
}

RunRecord run_of(const std::string& prompt, const std::string& output) {
  RunRecord run;
  run.prompt = prompt;
  run.provider = "echo";
  run.model = "echo";
  run.variables = {{"who", "Ann"}};
  run.request = {{"messages", json::array({{{"role", "user"}, {"content", "Hi Ann"}}})}};
  run.output = output;
  run.attempts = 1;
  run.latency_ms = 12.5;
  run.input_tokens = 3;
  return run;
}

class LedgerTransfer : public ::testing::Test {
 protected:
  LedgerTransfer()
      : source(Ledger::open(dir.path() / "a.db")), target(Ledger::open(dir.path() / "b.db")) {
    std::int64_t first = source.record(run_of("greet", "Hello Ann"));
    RunRecord again = run_of("greet", "Hi Ann");
    again.parent_id = first;
    source.add_feedback(source.record(again), 1, "better", "Bo <bo@example.com>");
    source.add_feedback(first, 0.25, "", "");
    source.record(run_of("other", "x"));
  }

  ImportResult import(const std::vector<PortableRun>& runs, bool commit = true,
                      LedgerStore keep = LedgerStore::full) {
    LedgerImport import(target, keep);
    for (const PortableRun& run : runs) {
      import.add(run);
    }
    return import.finish(commit);
  }

  testing::TempDir dir;
  Ledger source;
  Ledger target;
};

TEST_F(LedgerTransfer, AnImportedLedgerExportsWhatItWasGiven) {
  std::vector<PortableRun> runs = exported(source);
  ASSERT_EQ(runs.size(), 3U);
  EXPECT_EQ(runs[0].run.output, "Hello Ann") << "oldest first";
  EXPECT_EQ(runs[1].parent_uid, runs[0].run.uid);
  EXPECT_EQ(runs[1].feedback.size(), 1U);
  ImportResult result = import(runs);
  EXPECT_EQ(result.imported, 3);
  EXPECT_EQ(result.feedback, 2);
  EXPECT_EQ(result.present, 0);
  EXPECT_EQ(travelling(exported(target)), travelling(runs));
  EXPECT_EQ(target.find(2)->parent_id, 1);
}

TEST_F(LedgerTransfer, ImportingAgainAddsNothingButTheFeedbackTheLedgerLacks) {
  std::vector<PortableRun> runs = exported(source);
  import(runs);
  runs[0].feedback.push_back({0, 0, 0.75, "late", "Cy", 1000});
  ImportResult again = import(runs);
  EXPECT_EQ(again.imported, 0);
  EXPECT_EQ(again.present, 3);
  EXPECT_EQ(again.feedback, 1);
  EXPECT_EQ(target.feedback_for(1).size(), 2U);
  EXPECT_EQ(target.newest_run_ids(10).size(), 3U);
}

TEST_F(LedgerTransfer, ARerunArrivingBeforeItsOriginalIsLinkedAtTheEnd) {
  std::vector<PortableRun> runs = exported(source);
  std::swap(runs[0], runs[1]);
  ImportResult result = import(runs);
  EXPECT_EQ(result.unlinked, 0);
  std::int64_t rerun = *target.id_of_uid(runs[0].run.uid);
  EXPECT_EQ(target.find(rerun)->parent_id, target.id_of_uid(runs[1].run.uid));
}

TEST_F(LedgerTransfer, ARerunWhoseOriginalIsNowhereIsKeptWithoutTheLink) {
  RunFilter only_reruns;
  only_reruns.limit = 2;  // the newest two: the rerun and "other"
  std::vector<PortableRun> runs = exported(source, only_reruns);
  ASSERT_EQ(runs.size(), 2U);
  ImportResult result = import(runs);
  EXPECT_EQ(result.unlinked, 1);
  EXPECT_FALSE(target.find(1)->parent_id);
}

TEST_F(LedgerTransfer, NothingIsKeptUnlessTheImportIsCommitted) {
  ImportResult dry = import(exported(source), false);
  EXPECT_EQ(dry.imported, 3);
  EXPECT_TRUE(target.newest_run_ids(10).empty());
  {
    LedgerImport abandoned(target, LedgerStore::full);
    abandoned.add(exported(source)[0]);
  }
  EXPECT_TRUE(target.newest_run_ids(10).empty());
}

TEST_F(LedgerTransfer, ALedgerThatKeepsLessStoresImportedRunsAsItWould) {
  import(exported(source), true, LedgerStore::hashes);
  RunRecord kept = *target.find(1);
  EXPECT_EQ(kept.store, LedgerStore::hashes);
  EXPECT_EQ(kept.output, "");
  EXPECT_FALSE(kept.output_sha256.empty());
  EXPECT_EQ(kept.variables.dump().find("Ann"), std::string::npos);
  EXPECT_EQ(kept.request.dump().find("Ann"), std::string::npos);
}

TEST(PortableRun, ALineThatIsNotARunNamesWhatIsWrong) {
  PortableRun run;
  run.run = run_of("greet", "Hi");
  run.run.uid = util::uuid_v7(0);
  json line = run.to_json();
  auto problem = [](const json& value) {
    try {
      (void)PortableRun::from_json(value);
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::invalid_input);
      return error.message();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(problem(json::array()), "a run must be a JSON object");
  json changed = line;
  changed.erase("model");
  EXPECT_EQ(problem(changed), "has no field 'model'");
  changed = line;
  changed["run_uid"] = "42";
  EXPECT_EQ(problem(changed), "field 'run_uid' is not a UUIDv7: \"42\"");
  changed = line;
  changed["started_at"] = "yesterday";
  EXPECT_EQ(problem(changed),
            "field 'started_at' is not a time such as 2026-01-31T11:00:00.250Z: \"yesterday\"");
  changed = line;
  changed["feedback"] = json::array({{{"score", "high"}}});
  EXPECT_EQ(problem(changed), "feedback: field 'score' is not a number: \"high\"");
  EXPECT_EQ(problem(line), "accepted");
}

}  // namespace
}  // namespace promptctl
