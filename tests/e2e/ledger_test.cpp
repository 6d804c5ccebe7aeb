// The ledger and the cache through the commands: runs, rerun, stats, feedback, cache, batches
// and several processes writing at once.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/execution.hpp"
#include "util/fs.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class LedgerTest : public ExecutionTest {};

TEST_F(LedgerTest, EveryRunIsRecordedWithItsLineage) {
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-qm", "prompts"});
  std::string head = git(root(), {"rev-parse", "HEAD"});
  head.pop_back();
  json result = run_json({"run", "hello", "--var", "who=Ann", "--env", "staging"});
  json show = json::parse(run_with_server({"runs", "show", "1", "--json"}).out);
  EXPECT_EQ(show["run_id"], 1);
  EXPECT_EQ(show["prompt"], "hello");
  EXPECT_EQ(show["commit"], head);
  EXPECT_EQ(show["content_hash"],
            json::parse(run({"show", "hello", "--json"}).out)["content_hash"]);
  EXPECT_EQ(show["environment"], "staging");
  EXPECT_EQ(show["variables"], json::parse(R"({"who":"Ann"})"));
  EXPECT_EQ(show["request"]["messages"], json::parse(R"([{"role":"user","content":"Hello Ann"}])"));
  EXPECT_EQ(show["request"]["parameters"]["temperature"], 0.7);
  EXPECT_EQ(show["output"], "echo: Hello Ann");
  EXPECT_EQ(show["status"], "ok");
  EXPECT_EQ(show["feedback"], json::array());
  EXPECT_EQ(show["dirty"], false);
  EXPECT_EQ(result["run_id"], 1);
  EXPECT_EQ(result["dirty"], false);

  // Edited since HEAD: the run says so, and still names the commit the edits start from.
  write("prompts/hello.yaml", read("prompts/hello.yaml") + "# edited\n");
  json edited = run_json({"run", "hello", "--var", "who=Ann"});
  EXPECT_EQ(edited["dirty"], true);
  EXPECT_EQ(edited["commit"], head);
  EXPECT_NE(edited["content_hash"], show["content_hash"]);
  EXPECT_EQ(run_json({"run", "hello@HEAD", "--var", "who=Ann"})["dirty"], false);
  write("prompts/fresh.yaml", read("prompts/hello.yaml"));
  EXPECT_EQ(run_json({"run", "fresh", "--var", "who=Ann"})["dirty"], true) << "never committed";
}

TEST_F(LedgerTest, OldRunsArePrunedOnRequestAndByTheRetentionSetting) {
  run_json({"run", "hello", "--var", "who=Ann"});
  run_json({"run", "hello", "--var", "who=Bo"});
  json dry = json::parse(run({"runs", "prune", "--older-than", "1d", "--json"}).out);
  EXPECT_EQ(dry["runs"], 0);
  EXPECT_EQ(run({"runs", "prune"}).exit_code, 2) << "no age and no retention setting";
  EXPECT_EQ(run({"runs", "--dry-run"}).exit_code, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  json counted =
      json::parse(run({"runs", "prune", "--older-than", "1s", "--dry-run", "--json"}).out);
  EXPECT_EQ(counted["runs"], 2);
  EXPECT_EQ(counted["dry_run"], true);
  EXPECT_EQ(json::parse(run({"runs", "--json"}).out)["runs"].size(), 2U);

  // With a retention period, a command that records runs first removes those past it.
  write("promptctl.yaml", settings() + "ledger: {retention: 1s}\n");
  run_json({"run", "hello", "--var", "who=Cy"});
  json left = json::parse(run({"runs", "--json"}).out)["runs"];
  ASSERT_EQ(left.size(), 1U) << left;
  EXPECT_EQ(left[0]["output"], "echo: Hello Cy");
  write("promptctl.yaml", settings() + "ledger: {retention: soon}\n");
  ProcessResult bad = run({"runs"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("promptctl.yaml:"), std::string::npos) << bad.err;
}

TEST_F(LedgerTest, RunsAtARevisionRecordThatRevision) {
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-qm", "v1"});
  write("prompts/hello.yaml", "template: \"changed {{who}}\"\nvariables:\n  who: {type: string}\n");
  json old = run_json({"run", "hello@HEAD", "--var", "who=x"});
  EXPECT_EQ(old["output"], "echo: Hello x");
  EXPECT_EQ(old["revision"], "HEAD");
  json now = run_json({"run", "hello", "--var", "who=x"});
  EXPECT_EQ(now["output"], "changed x");  // no model in the working tree: the echo provider
  EXPECT_NE(now["content_hash"], old["content_hash"]);
}

TEST_F(LedgerTest, RunsFiltersAndShowsFeedback) {
  run_json({"run", "hello", "--var", "who=a"});
  run_json({"run", "hello", "--var", "who=b", "--model", "openai/gpt-test~500"});
  write("prompts/other.yaml", "template: other\n");
  run_json({"run", "other"});
  EXPECT_EQ(json::parse(run({"runs", "--json"}).out)["runs"].size(), 3U);
  EXPECT_EQ(json::parse(run({"runs", "hello", "--json"}).out)["runs"].size(), 2U);
  json failed = json::parse(run({"runs", "--status", "error", "--json"}).out)["runs"];
  ASSERT_EQ(failed.size(), 1U);
  EXPECT_EQ(failed[0]["run_id"], 2);
  EXPECT_EQ(json::parse(run({"runs", "-n", "1", "--json"}).out)["runs"][0]["prompt"], "other");
  EXPECT_EQ(json::parse(run({"runs", "--since", "2099-01-01", "--json"}).out)["runs"].size(), 0U);
  ProcessResult feedback = run({"feedback", "1", "--score", "4", "-m", "helpful", "--json"});
  ASSERT_EQ(feedback.exit_code, 0) << feedback.err;
  json recorded = json::parse(feedback.out);
  EXPECT_EQ(recorded["run_id"], 1);
  EXPECT_EQ(recorded["feedback_id"], 1);
  json shown = json::parse(run({"runs", "show", "1", "--json"}).out);
  ASSERT_EQ(shown["feedback"].size(), 1U);
  recorded.erase("schema_version");
  EXPECT_EQ(shown["feedback"][0], recorded) << "the same feedback in both shapes";
  EXPECT_EQ(shown["feedback"][0]["score"], 4.0);
  EXPECT_EQ(shown["feedback"][0]["comment"], "helpful");
  EXPECT_EQ(shown["feedback"][0]["author"],
            json({{"name", "Test Author"}, {"email", "author@example.com"}}));
  ProcessResult missing = run({"feedback", "99", "--score", "1"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no run 99 in the ledger"), std::string::npos);
  EXPECT_EQ(run({"runs", "show", "x1"}).exit_code, 2);
}

// Runs leave one clone's ledger as JSON lines and arrive in another's, once however often they
// are imported, all or none, and the statistics there are the same.
TEST_F(LedgerTest, RunsTravelBetweenLedgersByExportAndImport) {
  run_json({"run", "hello", "--var", "who=Ann"});
  run_json({"run", "hello", "--var", "who=Bo", "--env", "staging"});
  ASSERT_EQ(run({"feedback", "1", "--score", "1", "-m", "good"}).exit_code, 0);
  json rerun = run_json({"rerun", "1"});
  ProcessResult exported = run({"runs", "export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::vector<json> lines;
  std::istringstream stream(exported.out);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(json::parse(line));
  }
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[2]["parent_run_uid"], lines[0]["run_uid"]);
  EXPECT_EQ(lines[0]["feedback"][0]["comment"], "good");
  EXPECT_EQ(json::parse(run({"runs", "export", "--env", "staging"}).out), lines[1])
      << "filters as runs does: only the second run";
  EXPECT_EQ(run({"runs", "export", "--json"}).exit_code, 2);

  std::filesystem::path other = root().parent_path() / "other";
  ASSERT_EQ(run({"init", "other"}, root().parent_path()).exit_code, 0);
  // A damaged line: nothing is imported, and the message names the file and the line.
  std::filesystem::path damaged = root().parent_path() / "damaged.jsonl";
  std::ofstream(damaged) << lines[0].dump() << "\n\n"
                         << R"({"run_uid": "x"})"
                         << "\n";
  ProcessResult refused = run({"runs", "import", damaged.string()}, other);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("damaged.jsonl:3: error: field 'run_uid' is not a UUIDv7: \"x\""),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(json::parse(run({"runs", "--json"}, other).out)["runs"].size(), 0U);

  json dry =
      json::parse(run({"runs", "import", "-", "--dry-run", "--json"}, other, exported.out).out);
  EXPECT_EQ(dry["imported"], 3);
  EXPECT_EQ(json::parse(run({"runs", "--json"}, other).out)["runs"].size(), 0U);
  ProcessResult imported = run({"runs", "import", "-"}, other, exported.out);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(imported.out, "Imported 3 runs and 1 feedback entry\n");
  json again = json::parse(run({"runs", "import", "-", "--json"}, other, exported.out).out);
  EXPECT_EQ(again["imported"], 0);
  EXPECT_EQ(again["present"], 3);
  EXPECT_EQ(again["feedback"], 0);

  EXPECT_EQ(run({"stats", "--json"}, other).out, run({"stats", "--json"}).out);
  EXPECT_EQ(run({"stats", "--by", "env", "--json"}, other).out,
            run({"stats", "--by", "env", "--json"}).out);
  EXPECT_EQ(run({"runs", "export"}, other).out, exported.out)
      << "the same numbers here too, since this ledger was empty";
  json shown =
      json::parse(run({"runs", "show", rerun["run_uid"].get<std::string>(), "--json"}, other).out);
  EXPECT_EQ(shown["parent_run_id"], 1);
}

TEST_F(LedgerTest, ARunIsNamedByItsUidAsByItsNumber) {
  run_json({"run", "hello", "--var", "who=a"});
  json second = run_json({"run", "hello", "--var", "who=b"});
  std::string uid = second["run_uid"];
  EXPECT_EQ(run({"runs", "show", uid, "--json"}).out, run({"runs", "show", "2", "--json"}).out);
  ProcessResult scored = run({"feedback", uid, "--score", "1", "--json"});
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  EXPECT_EQ(json::parse(scored.out)["run_id"], 2);
  json rerun = run_json({"rerun", uid});
  EXPECT_EQ(rerun["parent_run_id"], 2) << rerun.dump(2);
  // Another ledger's run: a well-formed uid this one does not have.
  std::string elsewhere = "01890a5d-ac96-774b-bcce-b302099a8057";
  ProcessResult unknown = run({"runs", "show", elsewhere});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no run with uid '" + elsewhere + "'"), std::string::npos)
      << unknown.err;
  ProcessResult malformed = run({"feedback", "01890a5d-not-a-uid", "--score", "1"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("a positive number or a run uid"), std::string::npos)
      << malformed.err;
}

TEST_F(LedgerTest, RerunSendsTheSameRequestAndLinksTheRuns) {
  run_json({"run", "hello", "--var", "who=Zed"});
  std::string first = m_server.requests().back().body;
  json again = run_json({"rerun", "1"});
  EXPECT_EQ(again["run_id"], 2);
  EXPECT_EQ(again["parent_run_id"], 1);
  EXPECT_EQ(again["output"], "echo: Hello Zed");
  EXPECT_EQ(m_server.requests().back().body, first);
  json shown = json::parse(run({"runs", "show", "2", "--json"}).out);
  EXPECT_EQ(shown["variables"], json::parse(R"({"who":"Zed"})"));
  EXPECT_EQ(shown["prompt"], "hello");
}

TEST_F(LedgerTest, DeterministicRequestsAreCachedAndReplayedWithoutKeys) {
  json first = run_json({"run", "hello", "--var", "who=x", "--param", "temperature=0"});
  EXPECT_FALSE(first["cached"]);
  json second = run_json({"run", "hello", "--var", "who=x", "--param", "temperature=0"});
  EXPECT_TRUE(second["cached"]);
  EXPECT_EQ(second["output"], first["output"]);
  EXPECT_EQ(second["cost"], 0.0);
  EXPECT_EQ(m_server.request_count(), 1U);
  // Replay needs neither the key nor the server.
  ProcessResult replay =
      run({"run", "hello", "--var", "who=x", "--param", "temperature=0", "--cache", "replay"});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(replay.out, "echo: Hello x");
  ProcessResult missing =
      run({"run", "hello", "--var", "who=y", "--param", "temperature=0", "--cache", "replay"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no recorded answer for this request"), std::string::npos);
  EXPECT_NE(missing.err.find("not recorded in the ledger: no call was made"), std::string::npos)
      << missing.err;
  EXPECT_EQ(m_server.request_count(), 1U);
  // A miss made no call: it is not a failed run, and the success rate does not fall.
  json runs = json::parse(run({"runs", "--json"}).out)["runs"];
  ASSERT_EQ(runs.size(), 3U);
  for (const json& recorded : runs) {
    EXPECT_EQ(recorded["status"], "ok");
  }
  json missed =
      run_json({"run", "hello", "--var", "who=z", "--param", "temperature=0", "--cache", "replay"});
  EXPECT_EQ(missed["run_id"], nullptr);
  EXPECT_EQ(missed["status"], "error");
}

TEST_F(LedgerTest, NonZeroTemperatureIsNotCachedUnlessAsked) {
  run_json({"run", "hello", "--var", "who=x"});
  run_json({"run", "hello", "--var", "who=x"});
  EXPECT_EQ(m_server.request_count(), 2U);
  run_json({"run", "hello", "--var", "who=x", "--cache", "on"});
  json cached = run_json({"run", "hello", "--var", "who=x", "--cache", "on"});
  EXPECT_TRUE(cached["cached"]);
  EXPECT_EQ(m_server.request_count(), 3U);
  run_json({"run", "hello", "--var", "who=x", "--no-cache"});
  EXPECT_EQ(m_server.request_count(), 4U);
  json stats = json::parse(run({"cache", "stats", "--json"}).out);
  EXPECT_EQ(stats["entries"], 1);
  EXPECT_EQ(stats["cached_runs"], 1);
  EXPECT_EQ(json::parse(run({"cache", "clear", "--json"}).out)["removed"], 1);
  EXPECT_EQ(json::parse(run({"cache", "stats", "--json"}).out)["entries"], 0);
}

TEST_F(LedgerTest, BatchResultsComeInInputOrderAndFailuresDoNotStopOthers) {
  std::string rows =
      "{\"who\": \"r1\"}\n{\"nobody\": 1}\n\n{\"who\": \"r3\"}\n[1]\n{\"who\": \"r5\"}\n";
  ProcessResult result = run_with_server(
      {"run", "hello", "--input", "-", "-j", "4", "--model", "openai/gpt-test~slow=20"}, {}, rows);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  std::vector<json> lines;
  std::istringstream stream(result.out);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(json::parse(line));
  }
  ASSERT_EQ(lines.size(), 5U);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["row"], i + 1);
    EXPECT_EQ(lines[i].size(), lines[0].size()) << "every line has the same keys";
  }
  EXPECT_EQ(lines[0]["output"], "echo: Hello r1");
  EXPECT_EQ(lines[1]["status"], "error");
  EXPECT_NE(lines[1]["error"].get<std::string>().find("unknown variable 'nobody'"),
            std::string::npos);
  EXPECT_EQ(lines[2]["output"], "echo: Hello r3");
  EXPECT_EQ(lines[3]["error"], "<stdin>:5: not a JSON object of variables");
  EXPECT_EQ(lines[4]["output"], "echo: Hello r5");
  EXPECT_EQ(json::parse(run({"runs", "--json"}).out)["runs"].size(), 3U);
}

// Outputs of a batch whose rows give `who` and whose command line gives `greeting`.
std::vector<std::string> batch_outputs(const ProcessResult& result) {
  std::vector<std::string> outputs;
  std::istringstream stream(result.out);
  for (std::string line; std::getline(stream, line);) {
    json parsed = json::parse(line);
    outputs.push_back(parsed["status"] == "ok" ? parsed["output"].get<std::string>()
                                               : parsed["error"].get<std::string>());
  }
  return outputs;
}

class BatchInputsTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    write("prompts/greet.yaml",
          "variables:\n  who: {type: string}\n  greeting: {type: string}\n"
          "model: {provider: openai, name: gpt-test, temperature: 0}\n"
          "template: \"{{greeting}} {{who}}\"\n");
    write("rows.jsonl", "{\"who\": \"r1\"}\n{\"who\": \"r2\"}\n{\"who\": \"r3\"}\n");
  }
  const std::vector<std::string> m_expected{"echo: Hi r1", "echo: Hi r2", "echo: Hi r3"};
};

TEST_F(BatchInputsTest, AVariablesFileOnStandardInputServesEveryRow) {
  ProcessResult result = run_with_server(
      {"run", "greet", "--input", "rows.jsonl", "--var-file", "-"}, {}, "greeting: Hi\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(batch_outputs(result), m_expected);
}

TEST_F(BatchInputsTest, AVariableFromStandardInputServesEveryRow) {
  ProcessResult result =
      run_with_server({"run", "greet", "--input", "rows.jsonl", "--var", "greeting=@-"}, {}, "Hi");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(batch_outputs(result), m_expected);
}

TEST_F(BatchInputsTest, AVariablesFileIsReadOnceForTheWholeBatch) {
  // A pipe gives its content to the first reader only: a second read would find it empty.
  ProcessResult result = run_with_server(
      {"run", "greet", "--input", "rows.jsonl", "--var-file", "/dev/stdin"}, {}, "greeting: Hi\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(batch_outputs(result), m_expected);
}

TEST_F(BatchInputsTest, StandardInputCannotServeTwoPurposes) {
  ProcessResult result = run_with_server({"run", "greet", "--input", "-", "--var-file", "-"}, {},
                                         "{\"who\": \"r1\"}\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("both read standard input"), std::string::npos) << result.err;
  EXPECT_EQ(m_server.request_count(), 0U);
}

TEST_F(BatchInputsTest, ABrokenVariablesFileStopsTheBatchBeforeAnyCall) {
  write("vars.yaml", "greeting: [unclosed\n");
  ProcessResult result =
      run_with_server({"run", "greet", "--input", "rows.jsonl", "--var-file", "vars.yaml"});
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_NE(result.err.find("vars.yaml:"), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(m_server.request_count(), 0U);
}

TEST_F(LedgerTest, ConcurrentProcessesNeverLoseARow) {
  std::string rows;
  for (int i = 0; i < 25; ++i) {
    rows += "{\"who\": \"p" + std::to_string(i) + "\"}\n";
  }
  std::vector<std::thread> processes;
  std::vector<int> codes(4, -1);
  std::vector<std::string> errors(4);
  for (int p = 0; p < 4; ++p) {
    processes.emplace_back([&, p] {
      ProcessResult result = run_with_server({"run", "hello", "--input", "-", "-j", "5"}, {}, rows);
      codes[p] = result.exit_code;
      errors[p] = result.err;
    });
  }
  for (std::thread& process : processes) {
    process.join();
  }
  EXPECT_EQ(codes, std::vector<int>(4, 0)) << ::testing::PrintToString(errors);
  json runs = json::parse(run({"runs", "-n", "1000", "--json"}).out)["runs"];
  EXPECT_EQ(runs.size(), 100U);
  std::set<std::int64_t> ids;
  for (const json& entry : runs) {
    ids.insert(entry["run_id"].get<std::int64_t>());
  }
  EXPECT_EQ(ids.size(), 100U);
  // The ledger lives under the git directory: git never sees it as a change.
  EXPECT_EQ(git(root(), {"status", "--porcelain"}).find("ledger"), std::string::npos);
}

TEST_F(LedgerTest, StatsGroupAndExportPrometheus) {
  run_json({"run", "hello", "--var", "who=a"});
  run_json({"run", "hello", "--var", "who=b"});
  run_json({"run", "hello", "--var", "who=c", "--model", "openai/gpt-test~malformed"});
  run_json({"run", "hello", "--var", "who=d", "--provider", "echo"});
  json by_model = json::parse(run({"stats", "--by", "model", "--json"}).out);
  ASSERT_EQ(by_model["groups"].size(), 3U);
  EXPECT_EQ(by_model["groups"][0]["group"], "echo/echo");
  EXPECT_EQ(by_model["groups"][1]["group"], "openai/gpt-test");
  EXPECT_EQ(by_model["groups"][1]["count"], 2);
  EXPECT_EQ(by_model["groups"][1]["success_rate"], 1.0);
  EXPECT_EQ(by_model["groups"][1]["input_tokens"], 4);
  EXPECT_EQ(by_model["groups"][2]["success_rate"], 0.0);
  json by_prompt = json::parse(run({"stats", "hello", "--json"}).out);
  ASSERT_EQ(by_prompt["groups"].size(), 1U);
  EXPECT_EQ(by_prompt["groups"][0]["count"], 4);
  EXPECT_EQ(by_prompt["groups"][0]["succeeded"], 3);
  // The runs of test suites and comparisons are left out unless asked for.
  run_json({"run", "hello", "--var", "who=e", "--env", "test"});
  run_json({"run", "hello", "--var", "who=f", "--env", "compare"});
  auto count = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"stats", "hello", "--json"});
    return json::parse(run(args).out)["groups"][0]["count"].get<int>();
  };
  EXPECT_EQ(count({}), 4);
  EXPECT_EQ(count({"--all"}), 6);
  EXPECT_EQ(count({"--env", "test"}), 1);
  ProcessResult prometheus = run({"stats", "--format", "prometheus"});
  EXPECT_NE(prometheus.out.find("# TYPE promptctl_runs_total counter\n"
                                "promptctl_runs_total{prompt=\"hello\",status=\"ok\"} 3\n"
                                "promptctl_runs_total{prompt=\"hello\",status=\"error\"} 1\n"),
            std::string::npos)
      << prometheus.out;
  EXPECT_NE(prometheus.out.find("# TYPE promptctl_provider_latency_seconds histogram\n"),
            std::string::npos);
  EXPECT_NE(prometheus.out.find("promptctl_provider_latency_seconds_bucket{prompt=\"hello\","
                                "le=\"+Inf\"} "),
            std::string::npos)
      << prometheus.out;
  EXPECT_EQ(run({"stats", "--by", "week"}).exit_code, 2);
}

// The value of every sample line ("name{labels} value") by its name and labels.
std::map<std::string, double> samples(const std::string& exposition) {
  std::map<std::string, double> values;
  std::istringstream stream(exposition);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty() && line[0] != '#') {
      size_t space = line.rfind(' ');
      values[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
  }
  return values;
}

TEST_F(LedgerTest, PrometheusCountersOnlyGrowAndWindowsAreGauges) {
  run_json({"run", "hello", "--var", "who=a"});
  run_json({"run", "hello", "--var", "who=b", "--model", "openai/gpt-test~500"});
  std::map<std::string, double> before = samples(run({"stats", "--format", "prometheus"}).out);
  run_json({"run", "hello", "--var", "who=c", "--model", "openai/gpt-test~slow=20"});
  std::map<std::string, double> after = samples(run({"stats", "--format", "prometheus"}).out);
  ASSERT_FALSE(before.empty());
  for (const auto& [sample, value] : before) {
    ASSERT_TRUE(after.count(sample)) << sample;
    EXPECT_GE(after[sample], value) << sample;
  }
  EXPECT_EQ(after["promptctl_runs_total{prompt=\"hello\",status=\"ok\"}"], 2);
  EXPECT_EQ(after["promptctl_provider_latency_seconds_count{prompt=\"hello\"}"], 3);
  EXPECT_GT(after["promptctl_provider_latency_seconds_sum{prompt=\"hello\"}"], 0.02);
  EXPECT_GE(after["promptctl_provider_latency_seconds_bucket{prompt=\"hello\",le=\"+Inf\"}"],
            after["promptctl_provider_latency_seconds_bucket{prompt=\"hello\",le=\"0.05\"}"]);

  std::string windowed = run({"stats", "--format", "prometheus", "--since", "1 day ago"}).out;
  EXPECT_EQ(windowed.find("_total"), std::string::npos) << windowed;
  EXPECT_NE(windowed.find("# TYPE promptctl_runs_window gauge\n"
                          "promptctl_runs_window{prompt=\"hello\",since=\"1 day ago\","
                          "status=\"ok\"} 2\n"),
            std::string::npos)
      << windowed;
}

TEST_F(LedgerTest, PrometheusOutputPassesPromtool) {
  const std::string promtool = PROMPTCTL_PROMTOOL;
  ASSERT_TRUE(std::filesystem::exists(promtool))
      << promtool << " is missing: scripts/dev.sh test fetches it from Debian's prometheus package";
  run_json({"run", "hello", "--var", "who=a"});
  run_json({"run", "hello", "--var", "who=b", "--model", "anthropic/claude-test"});
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"stats", "--format", "prometheus"},
           {"stats", "--by", "model", "--format", "prometheus", "--since", "1 day ago"}}) {
    ProcessResult exposition = run(args);
    ASSERT_EQ(exposition.exit_code, 0) << exposition.err;
    ProcessResult checked =
        run_process(promtool, {"check", "metrics"}, {root(), exposition.out, {}});
    EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err << exposition.out;
    EXPECT_EQ(checked.out + checked.err, "") << exposition.out;
  }
}

// Every byte promptctl keeps for the repository (ledger, write-ahead log, cache), as one text.
std::string kept_state(const std::filesystem::path& root) {
  std::string all;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root / ".git" / "promptctl")) {
    if (entry.is_regular_file()) {
      all += util::read_file(entry.path());
    }
  }
  return all;
}

TEST_F(LedgerTest, ARedactedLedgerKeepsTheTemplateButNoVariableText) {
  write("promptctl.yaml", settings() + "ledger: {store: redacted}\n");
  // A prompt cannot ask for more than the repository allows.
  write("prompts/hello.yaml", read("prompts/hello.yaml") + "ledger: {store: full}\n");
  json result = run_json({"run", "hello", "--var", "who=Zanzibar-7", "--param", "temperature=0"});
  EXPECT_EQ(result["output"], "echo: Hello Zanzibar-7") << "the answer is the user's to see";
  EXPECT_EQ(result["store"], "redacted");
  json shown = json::parse(run({"runs", "show", "1", "--json"}).out);
  EXPECT_EQ(shown["store"], "redacted");
  EXPECT_EQ(shown["variables"], json::parse(R"({"who":"[redacted:who]"})"));
  EXPECT_EQ(shown["request"]["messages"][0]["content"], "Hello [redacted:who]");
  EXPECT_EQ(shown["output"], "echo: Hello [redacted:who]");
  EXPECT_EQ(kept_state(root()).find("Zanzibar-7"), std::string::npos);
  EXPECT_NE(m_server.requests().back().body.find("Zanzibar-7"), std::string::npos)
      << "the provider still gets the real request";
  // Not cached either, so the same deterministic request goes out again.
  run_json({"run", "hello", "--var", "who=Zanzibar-7", "--param", "temperature=0"});
  EXPECT_EQ(m_server.request_count(), 2U);

  ProcessResult rerun = run_with_server({"rerun", "1"});
  EXPECT_EQ(rerun.exit_code, 2);
  EXPECT_NE(rerun.err.find("recorded with ledger store 'redacted'"), std::string::npos)
      << rerun.err;
  EXPECT_EQ(m_server.request_count(), 2U);
}

TEST_F(LedgerTest, AHashesPromptKeepsOnlyDigestsThroughRunAndTest) {
  write("prompts/vault.yaml",
        "variables:\n  who: {type: string}\n"
        "model: {provider: openai, name: gpt-test, temperature: 0}\n"
        "template: \"Hello {{who}}\"\n"
        "ledger: {store: hashes}\n"
        "tests:\n"
        "  - name: greets\n"
        "    vars: {who: Quokka-9}\n"
        "    assert: [{type: contains, value: Quokka-9}]\n");
  json result = run_json({"run", "vault", "--var", "who=Quokka-9"});
  EXPECT_EQ(result["output"], "echo: Hello Quokka-9");
  ProcessResult tested = run_with_server({"test", "vault"});
  EXPECT_EQ(tested.exit_code, 0) << tested.out << tested.err;
  json shown = json::parse(run({"runs", "show", "1", "--json"}).out);
  EXPECT_EQ(shown["store"], "hashes");
  EXPECT_EQ(shown["output"], nullptr);
  EXPECT_EQ(shown["output_sha256"].get<std::string>().size(), 64U);
  EXPECT_TRUE(shown["variables"]["who"].get<std::string>().starts_with("sha256:"));
  EXPECT_EQ(shown["status"], "ok");
  EXPECT_EQ(json::parse(run({"runs", "--json"}).out)["runs"].size(), 2U)
      << "both runs are recorded";
  EXPECT_EQ(kept_state(root()).find("Quokka-9"), std::string::npos);
  EXPECT_EQ(m_server.request_count(), 2U) << "the test's call was not answered from a cache";
  EXPECT_NE(run({"runs", "show", "1"}).out.find("not kept; its SHA-256 is"), std::string::npos);

  write("prompts/vault.yaml", read("prompts/vault.yaml") + "# edited\n");
  write("promptctl.yaml", settings() + "ledger: {store: all}\n");
  ProcessResult bad = run({"runs"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("promptctl.yaml:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("'all' is not a ledger store: full, redacted or hashes"),
            std::string::npos)
      << bad.err;
}

TEST_F(LedgerTest, ARepositoryWithoutGitCannotRecordRuns) {
  std::filesystem::remove_all(root() / ".git");
  ProcessResult result = run({"run", "hello", "--var", "who=x"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("runs are recorded under the git directory"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace promptctl::testing
