// The ledger on PostgreSQL, through the built binary: clones of one repository recording into
// one database at once, `ledger status` and `ledger migrate`, the URLs that are refused, and
// runs kept in the spool when the database goes away while they are made (by a command, or by
// the server, which goes back to the database once it is there again).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/e2e.hpp"
#include "e2e/execution.hpp"
#include "ledger/connection.hpp"
#include "support/http_client.hpp"
#include "support/postgres_server.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

constexpr int k_processes = 8;
constexpr int k_rows = 200;

class SharedLedgerTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    m_url = new_postgres_database();
    ASSERT_FALSE(m_url.empty());
    write("prompts/greet.yaml",
          "variables:\n  who: {type: string}\n"
          "model: {provider: echo, name: echo}\n"
          "template: \"Hello {{who}}\"\n");
    git(root(), {"add", "-A"});
    git(root(), {"commit", "-qm", "greet"});
  }

  [[nodiscard]] std::map<std::string, std::string> shared() const {
    return {{"PROMPTCTL_LEDGER_URL", m_url}};
  }

  json json_of(const std::vector<std::string>& args, const std::filesystem::path& cwd = {}) const {
    ProcessResult result = run(args, cwd, {}, shared());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    json parsed = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
    return parsed;
  }

  std::string m_url;
};

TEST_F(SharedLedgerTest, ClonesWritingAtOnceLoseNoRunAndSeeEachOthers) {
  std::filesystem::path other = m_dir.path() / "other";
  git(m_dir.path(), {"clone", "-q", root().string(), other.string()});
  std::string rows;
  for (int i = 0; i < k_rows; ++i) {
    rows += "{\"who\": \"guest " + std::to_string(i) + "\"}\n";
  }
  m_dir.write("rows.jsonl", rows);
  std::string input = (m_dir.path() / "rows.jsonl").string();
  std::vector<std::unique_ptr<BackgroundProcess>> writers;
  for (int p = 0; p < k_processes; ++p) {
    std::map<std::string, std::string> env = shared();
    env["PROMPTCTL_ENV"] = p % 2 ? "clone-b" : "clone-a";
    writers.push_back(std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"run", "greet", "--input", input, "-j", "4", "--json"},
        ProcessOptions{p % 2 ? other : root(), {}, env}));
  }
  for (auto& writer : writers) {
    EXPECT_EQ(writer->wait(std::chrono::seconds(120)), 0) << writer->err();
  }
  // Both clones see every run, by environment.
  for (const std::filesystem::path& clone : {root(), other}) {
    json stats = json_of({"stats", "--by", "env", "--json"}, clone);
    ASSERT_EQ(stats["groups"].size(), 2U) << stats;
    for (const json& group : stats["groups"]) {
      EXPECT_EQ(group["count"], k_processes / 2 * k_rows) << group;
    }
  }
  json status = json_of({"ledger", "status", "--json"});
  EXPECT_EQ(status["kind"], "postgresql");
  EXPECT_EQ(status["runs"], k_processes * k_rows);
  EXPECT_EQ(status["ledger_schema_version"], status["written_ledger_schema_version"]);
  // Nothing went to the file ledger.
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/promptctl/ledger.db"));
  // A run is found by its uid from either clone, with its feedback.
  json runs = json_of({"runs", "greet", "-n", "1", "--json"}, other);
  std::string uid = runs["runs"][0]["run_uid"];
  EXPECT_EQ(run({"feedback", uid, "--score", "1", "--comment", "good"}, {}, {}, shared()).exit_code,
            0);
  json shown = json_of({"runs", "show", uid, "--json"});
  EXPECT_EQ(shown["feedback"][0]["comment"], "good");
}

TEST_F(SharedLedgerTest, StatusReadsWithoutChangingAndMigrateUpgradesWhenAsked) {
  json before = json_of({"ledger", "status", "--json"});
  EXPECT_EQ(before["ledger_schema_version"], 0);
  EXPECT_EQ(before["runs"], 0);
  EXPECT_EQ(before["location"].get<std::string>().find("postgresql:///"), 0U);
  json migrated = json_of({"ledger", "migrate", "--json"});
  EXPECT_EQ(migrated["ledger_schema_version_before"], 0);
  int current = migrated["ledger_schema_version"];
  // A ledger an older promptctl made is not upgraded behind its other users' backs.
  ledger_detail::connect_postgresql(m_url)->execute("UPDATE promptctl_schema SET version = " +
                                                    std::to_string(current - 1));
  ProcessResult refused = run({"run", "greet", "--var", "who=Ann"}, {}, {}, shared());
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("'promptctl ledger migrate'"), std::string::npos) << refused.err;
  EXPECT_EQ(json_of({"ledger", "status", "--json"})["ledger_schema_version"], current - 1);
  ProcessResult upgraded = run({"ledger", "migrate"}, {}, {}, shared());
  EXPECT_EQ(upgraded.exit_code, 0) << upgraded.err;
  EXPECT_EQ(upgraded.out, "migrated the ledger from schema version " + std::to_string(current - 1) +
                              " to " + std::to_string(current) + "\n");
  EXPECT_EQ(run({"run", "greet", "--var", "who=Ann"}, {}, {}, shared()).exit_code, 0);
  // Without a PostgreSQL URL the file under the git directory is the ledger.
  json file = json_of({"ledger", "status", "--json"});
  EXPECT_EQ(file["kind"], "postgresql");
  ProcessResult local = run({"ledger", "status", "--json"});
  EXPECT_EQ(json::parse(local.out)["kind"], "sqlite") << local.out << local.err;
}

TEST_F(SharedLedgerTest, URLsThatMustNotBeUsedAreRefusedBeforeAnythingIsSent) {
  // A password in the committed settings, named at its line and never quoted.
  write("promptctl.yaml", "version: 1\nledger:\n  url: postgresql://ann:s3cret@127.0.0.1/runs\n");
  ProcessResult secret = run({"run", "greet", "--var", "who=Ann"});
  EXPECT_EQ(secret.exit_code, 2) << secret.err;
  EXPECT_NE(secret.err.find("promptctl.yaml:3:"), std::string::npos) << secret.err;
  EXPECT_NE(secret.err.find("PGPASSWORD"), std::string::npos) << secret.err;
  EXPECT_EQ(secret.err.find("s3cret"), std::string::npos) << secret.err;
  // A database on another machine that the repository chose, and the user did not trust.
  write("promptctl.yaml", "version: 1\nledger:\n  url: postgresql://ci@db.example.com/runs\n");
  ProcessResult elsewhere = run({"run", "greet", "--var", "who=Ann"});
  EXPECT_EQ(elsewhere.exit_code, 2) << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("refusing to record runs at postgresql://ci@db.example.com/runs"),
            std::string::npos)
      << elsewhere.err;
  EXPECT_NE(elsewhere.err.find("PROMPTCTL_TRUSTED_ENDPOINTS"), std::string::npos);
  // The same repository on this machine's server is used as it is.
  std::string local = m_url;
  write("promptctl.yaml", "version: 1\nledger:\n  url: '" + local + "'\n");
  ProcessResult here = run({"run", "greet", "--var", "who=Ann"});
  EXPECT_EQ(here.exit_code, 0) << here.err;
  EXPECT_EQ(json_of({"ledger", "status", "--json"})["runs"], 1);
  // An unreachable database is an error naming it, without its password; exit 3.
  ProcessResult down = run({"run", "greet", "--var", "who=Ann"}, {}, {},
                           {{"PROMPTCTL_LEDGER_URL", missing_postgres_database()}});
  EXPECT_EQ(down.exit_code, 3) << down.err;
  EXPECT_NE(down.err.find("no_such_database"), std::string::npos) << down.err;
  ProcessResult wrong = run({"runs"}, {}, {}, {{"PROMPTCTL_LEDGER_URL", "mysql://x:y@h/db"}});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_EQ(wrong.err.find(":y@"), std::string::npos) << wrong.err;
}

// A database that goes away while runs are made: the answers are printed all the same, and
// what the ledger did not take is kept in the spool for `runs import`.
class LostLedgerTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    m_url = new_postgres_database();
    ASSERT_FALSE(m_url.empty());
    write("prompts/slow.yaml",
          "variables:\n  who: {type: string}\n"
          "model: {provider: openai, name: 'gpt-test~slow=" +
              std::to_string(k_slow_ms) +
              "'}\n"
              "template: \"Hello {{who}}\"\n");
    git(root(), {"add", "-A"});
    git(root(), {"commit", "-qm", "slow"});
  }

  [[nodiscard]] std::map<std::string, std::string> env() const {
    std::map<std::string, std::string> env = provider_env();
    env["PROMPTCTL_LEDGER_URL"] = m_url;
    return env;
  }

  // Waits until the command has made the ledger's tables and recorded `runs` runs, then ends
  // every connection but the test's, as a server restart or a network failure would.
  void drop_connections_after(std::int64_t runs) const {
    auto db = ledger_detail::connect_postgresql(m_url);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      ledger_detail::Query others(*db,
                                  "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                  "current_database() AND pid <> pg_backend_pid()");
      ASSERT_TRUE(others.step());
      bool connected = others.integer(0) > 0;
      std::optional<std::int64_t> recorded;  // once the command has made the tables
      if (connected) {
        ledger_detail::Query count(*db, "SELECT count(*) FROM pg_tables WHERE tablename = 'runs'");
        ASSERT_TRUE(count.step());
        if (count.integer(0) > 0) {
          ledger_detail::Query in_runs(*db, "SELECT count(*) FROM runs");
          ASSERT_TRUE(in_runs.step());
          recorded = in_runs.integer(0);
        }
      }
      if (recorded && *recorded >= runs) {
        db->execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND pid <> pg_backend_pid()");
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the command never recorded " << runs << " runs";
  }

  // The spool's files: there must be exactly one.
  [[nodiscard]] std::filesystem::path spool_file() const {
    std::vector<std::filesystem::path> files;
    std::filesystem::path folder = root() / ".git/promptctl/unrecorded";
    if (std::filesystem::exists(folder)) {
      for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        files.push_back(entry.path());
      }
    }
    EXPECT_EQ(files.size(), 1U);
    return files.empty() ? std::filesystem::path() : files.front();
  }

  static constexpr int k_slow_ms = 20;
  std::string m_url;
};

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(json::parse(line));
  }
  return lines;
}

TEST_F(LostLedgerTest, ABatchWhoseDatabaseGoesAwayKeepsEveryRunItDidNotRecord) {
  constexpr int k_batch = 300;
  std::string rows;
  for (int i = 0; i < k_batch; ++i) {
    rows += "{\"who\": \"guest " + std::to_string(i) + "\"}\n";
  }
  write("rows.jsonl", rows);
  BackgroundProcess batch(
      {"run", "slow", "--input", "rows.jsonl", "-j", "4", "--output", "out.jsonl"},
      ProcessOptions{root(), {}, env()});
  drop_connections_after(40);
  EXPECT_EQ(batch.wait(std::chrono::seconds(120)), 3) << batch.err();
  EXPECT_NE(batch.err().find("the ledger failed"), std::string::npos) << batch.err();
  std::filesystem::path spool = spool_file();
  ASSERT_FALSE(spool.empty());
  EXPECT_NE(batch.err().find("'promptctl runs import " + spool.string() + "'"), std::string::npos)
      << batch.err();
  EXPECT_EQ(std::filesystem::status(spool).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // Every row was answered, and a line names a run number only when the ledger kept it.
  std::vector<json> lines = json_lines(read("out.jsonl"));
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(k_batch));
  std::set<std::string> uids;
  std::size_t numbered = 0;
  for (const json& line : lines) {
    EXPECT_EQ(line["status"], "ok") << line;
    uids.insert(line["run_uid"].get<std::string>());
    numbered += line["run_id"].is_number() ? 1 : 0;
  }
  EXPECT_EQ(uids.size(), static_cast<std::size_t>(k_batch));
  std::vector<json> kept = json_lines(read(spool.lexically_relative(root()).string()));
  EXPECT_EQ(numbered + kept.size(), static_cast<std::size_t>(k_batch));
  EXPECT_GE(numbered, 40U);
  // `ledger status` lists the spool file until an import has put its runs in the ledger.
  ProcessResult status = run({"ledger", "status", "--json"}, {}, {}, env());
  ASSERT_EQ(status.exit_code, 0) << status.err;
  json waiting = json::parse(status.out)["unrecorded"];
  ASSERT_EQ(waiting.size(), 1U) << status.out;
  EXPECT_EQ(waiting[0]["file"], spool.string());
  EXPECT_EQ(waiting[0]["runs"], kept.size());
  std::filesystem::path copy = m_dir.path() / "copy.jsonl";
  std::filesystem::copy_file(spool, copy);
  // The ledger has the numbered runs; the import adds the others, once.
  ProcessResult imported = run({"runs", "import", spool.string(), "--json"}, {}, {}, env());
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["imported"], kept.size());
  EXPECT_EQ(json::parse(imported.out)["removed_spool_files"], json::array({spool.string()}));
  EXPECT_FALSE(std::filesystem::exists(spool));
  status = run({"ledger", "status", "--json"}, {}, {}, env());
  EXPECT_EQ(json::parse(status.out)["unrecorded"], json::array()) << status.out;
  ProcessResult again = run({"runs", "import", copy.string(), "--json"}, {}, {}, env());
  EXPECT_EQ(json::parse(again.out)["present"], kept.size()) << again.out << again.err;
  EXPECT_TRUE(std::filesystem::exists(copy));  // not promptctl's to remove
  ProcessResult exported = run({"runs", "export"}, {}, {}, env());
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::set<std::string> recorded;
  for (const json& run : json_lines(exported.out)) {
    recorded.insert(run["run_uid"].get<std::string>());
  }
  EXPECT_EQ(recorded, uids);
}

TEST_F(LostLedgerTest, ASingleRunWhoseDatabaseGoesAwayIsPrintedAndKept) {
  write("prompts/slow.yaml",
        "variables:\n  who: {type: string}\n"
        "model: {provider: openai, name: 'gpt-test~slow=1500'}\n"
        "template: \"Hello {{who}}\"\n");
  BackgroundProcess single({"run", "slow", "--var", "who=Ann", "--json"},
                           ProcessOptions{root(), {}, env()});
  drop_connections_after(0);  // while the model is still thinking
  EXPECT_EQ(single.wait(std::chrono::seconds(60)), 3) << single.err();
  EXPECT_NE(single.err().find("1 run was not recorded in the ledger"), std::string::npos)
      << single.err();
  // The answer is printed all the same, with no number and the uid it is kept under.
  json printed = json::parse(single.out(), nullptr, false);
  ASSERT_FALSE(printed.is_discarded()) << single.out();
  EXPECT_TRUE(printed["run_id"].is_null()) << printed;
  EXPECT_EQ(printed["status"], "ok");
  std::filesystem::path spool = spool_file();
  ASSERT_FALSE(spool.empty());
  std::vector<json> kept = json_lines(read(spool.lexically_relative(root()).string()));
  ASSERT_EQ(kept.size(), 1U);
  EXPECT_EQ(kept[0]["run_uid"], printed["run_uid"]);
  EXPECT_EQ(kept[0]["output"], printed["output"]);
  EXPECT_EQ(kept[0]["variables"]["who"], "Ann");
  EXPECT_EQ(kept[0]["status"], "ok");
  ProcessResult imported = run({"runs", "import", spool.string()}, {}, {}, env());
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  ProcessResult shown = run({"runs", "show", kept[0]["run_uid"], "--json"}, {}, {}, env());
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
}

TEST_F(LostLedgerTest, AServerKeepsItsRunsWhileTheDatabaseIsAwayAndGoesBackToIt) {
  BackgroundProcess server({"serve", "--port", "0", "--allow-run"},
                           ProcessOptions{root(), {}, env()});
  ASSERT_TRUE(server.wait_for_err(" on http://", std::chrono::seconds(20))) << server.err();
  std::smatch found;
  std::string said = server.err();
  ASSERT_TRUE(std::regex_search(said, found, std::regex(R"(on http://127\.0\.0\.1:(\d+))")));
  int port = std::stoi(found[1]);
  std::vector<json> answers;
  auto run_once = [&] {
    HttpResponse answer =
        http_request(port, "POST", "/v1/prompts/slow/run", R"({"variables": {"who": "Ann"}})");
    EXPECT_EQ(answer.status, 200) << answer.error << answer.body;
    answers.push_back(json::parse(answer.body, nullptr, false));
    return answers.back();
  };
  EXPECT_TRUE(run_once()["run_id"].is_number()) << answers.back();
  drop_connections_after(1);
  EXPECT_TRUE(run_once()["run_id"].is_null()) << answers.back();
  EXPECT_TRUE(server.wait_for_err("the ledger failed", std::chrono::seconds(10))) << server.err();
  // A second later, a run opens a new connection and is recorded there again.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!run_once()["run_id"].is_number() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(answers.back()["run_id"].is_number()) << server.err();
  std::size_t unrecorded = 0;
  std::set<std::string> uids;
  for (const json& answer : answers) {
    EXPECT_EQ(answer["status"], "ok") << answer;
    unrecorded += answer["run_id"].is_null() ? 1 : 0;
    uids.insert(answer["run_uid"].get<std::string>());
  }
  EXPECT_EQ(uids.size(), answers.size());
  std::filesystem::path spool = spool_file();
  ASSERT_FALSE(spool.empty());
  EXPECT_TRUE(server.wait_for_err("the ledger is back", std::chrono::seconds(10))) << server.err();
  EXPECT_NE(server.err().find(" kept in " + spool.string()), std::string::npos) << server.err();
  HttpResponse metrics = http_request(port, "GET", "/metrics", {});
  EXPECT_NE(metrics.body.find("promptctl_runs_unrecorded_total " + std::to_string(unrecorded)),
            std::string::npos)
      << metrics.body;
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(std::chrono::seconds(30)), 0) << server.err();
  // The spool holds exactly the runs answered without a number; the import completes the
  // ledger.
  EXPECT_EQ(json_lines(read(spool.lexically_relative(root()).string())).size(), unrecorded);
  ProcessResult imported = run({"runs", "import", spool.string(), "--json"}, {}, {}, env());
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(json::parse(imported.out)["imported"], unrecorded);
  ProcessResult exported = run({"runs", "export"}, {}, {}, env());
  std::set<std::string> recorded;
  for (const json& line : json_lines(exported.out)) {
    recorded.insert(line["run_uid"].get<std::string>());
  }
  EXPECT_EQ(recorded, uids);
}

}  // namespace
}  // namespace promptctl::testing
