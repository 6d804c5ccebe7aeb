// The ledger on PostgreSQL, through the built binary: clones of one repository recording into
// one database at once, `ledger status` and `ledger migrate`, and the URLs that are refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"
#include "ledger/connection.hpp"
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

}  // namespace
}  // namespace promptctl::testing
