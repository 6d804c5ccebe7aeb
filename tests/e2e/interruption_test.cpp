// Interruptions at random moments: commit, deploy, approve and run are killed (SIGKILL) or
// interrupted (SIGINT) somewhere between their start and their end. Afterwards git finds the
// repository whole (fsck, no lock left, the index agreeing with HEAD or the work tree), the
// ledger passes SQLite's integrity check, and the next command works without any repair.
//
// PROMPTCTL_INTERRUPTION_TRIALS sets the trials per command (default 10);
// bench/interruptions.sh runs the long form.
#include <sqlite3.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdlib>
#include <random>
#include <set>
#include <sstream>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

int trials() {
  const char* configured = std::getenv("PROMPTCTL_INTERRUPTION_TRIALS");
  return configured ? std::max(1, std::atoi(configured)) : 10;
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.insert(line);
  }
  return out;
}

std::string integrity_of(const std::filesystem::path& database) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(database.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(raw);
    return "cannot open " + database.string();
  }
  std::string verdict;
  sqlite3_exec(
      raw, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += values[0] ? values[0] : "";
        return 0;
      },
      &verdict, nullptr);
  sqlite3_close(raw);
  return verdict;
}

// The answer the ledger holds for run `id`, or null when it has no such run.
nlohmann::json output_of_run(const std::filesystem::path& database, std::int64_t id) {
  sqlite3* raw = nullptr;
  nlohmann::json output;
  if (sqlite3_open_v2(database.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* query = nullptr;
    sqlite3_prepare_v2(raw, "SELECT output FROM runs WHERE id = ?", -1, &query, nullptr);
    sqlite3_bind_int64(query, 1, id);
    if (sqlite3_step(query) == SQLITE_ROW) {
      output = reinterpret_cast<const char*>(sqlite3_column_text(query, 0));
    }
    sqlite3_finalize(query);
  }
  sqlite3_close(raw);
  return output;
}

class InterruptionTest : public ExecutionTest {
 protected:
  void SetUp() override {
    ExecutionTest::SetUp();
    ASSERT_EQ(run({"commit", "-m", "v1"}).exit_code, 0);
    m_versions.push_back(git(root(), {"rev-parse", "--short", "HEAD"}).substr(0, 7));
    write("prompts/hello.yaml", read("prompts/hello.yaml") + "# second version\n");
    ASSERT_EQ(run({"commit", "-m", "v2"}).exit_code, 0);
    m_versions.push_back(git(root(), {"rev-parse", "--short", "HEAD"}).substr(0, 7));
    std::random_device seed_source;
    m_seed = seed_source();
    m_random.seed(m_seed);
  }

  [[nodiscard]] std::string settings() const override {
    return ExecutionTest::settings() +
           "environments:\n"
           "  dev: {auto_approve: true}\n"
           "  production: {requires: [technical]}\n";
  }

  // Runs `args` once uninterrupted (which must succeed) and returns how long it took, the
  // span the interruptions are drawn from.
  std::chrono::microseconds duration_of(const std::vector<std::string>& args,
                                        const std::map<std::string, std::string>& env) {
    auto start = std::chrono::steady_clock::now();
    ProcessResult result = start_command(args, env, std::nullopt);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
  }

  ProcessResult start_command(const std::vector<std::string>& args,
                              const std::map<std::string, std::string>& env,
                              std::optional<Interruption> interruption) const {
    ProcessOptions options;
    options.cwd = root();
    options.env = provider_env();
    for (const auto& [key, value] : env) {
      options.env[key] = value;
    }
    options.interruption = interruption;
    return run_promptctl(args, options);
  }

  // A moment within `span`, and SIGKILL or SIGINT in turn.
  Interruption draw(std::chrono::microseconds span, int trial) {
    std::uniform_int_distribution<std::int64_t> moment(0, span.count());
    return {std::chrono::microseconds(moment(m_random)), trial % 2 == 0 ? SIGKILL : SIGINT};
  }

  // What must hold after any interruption, once the next promptctl command has run.
  void expect_whole(const std::string& what) const {
    SCOPED_TRACE(what + " (seed " + std::to_string(m_seed) + ")");
    ProcessResult status = run({"status"});
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_FALSE(std::filesystem::exists(root() / ".git/index.lock"));
    ProcessOptions options;
    options.cwd = root();
    ProcessResult fsck = run_process("git", {"fsck", "--strict", "--no-progress"}, options);
    EXPECT_EQ(fsck.exit_code, 0) << fsck.out << fsck.err;
    // A path staged with content that is neither HEAD's nor the work tree's is the state in
    // which a plain 'git commit' would silently undo a change.
    std::set<std::string> staged = lines_of(git(root(), {"diff", "--cached", "--name-only"}));
    std::set<std::string> unstaged = lines_of(git(root(), {"diff", "--name-only"}));
    for (const std::string& path : staged) {
      EXPECT_EQ(unstaged.count(path), 0U) << path << " is staged as neither HEAD nor the file";
    }
  }

  std::vector<std::string> m_versions;
  unsigned m_seed = 0;
  std::mt19937_64 m_random;
};

TEST_F(InterruptionTest, CommitsStayWhole) {
  std::string base = read("prompts/hello.yaml");
  write("prompts/hello.yaml", base + "# timing\n");
  auto span = duration_of({"commit", "-m", "timing"}, {});
  for (int trial = 0; trial < trials(); ++trial) {
    write("prompts/hello.yaml", base + "# trial " + std::to_string(trial) + "\n");
    start_command({"commit", "-m", "trial"}, {}, draw(span, trial));
    expect_whole("commit trial " + std::to_string(trial));
    ProcessResult again = run({"commit", "-m", "after the trial"});
    EXPECT_TRUE(again.exit_code == 0 || again.err.find("nothing to commit") != std::string::npos)
        << again.err;
    EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  }
}

TEST_F(InterruptionTest, DeploysStayWhole) {
  auto span = duration_of({"deploy", "hello@" + m_versions[0], "--env", "dev"}, {});
  for (int trial = 0; trial < trials(); ++trial) {
    std::string version = m_versions[static_cast<size_t>(trial + 1) % 2];
    start_command({"deploy", "hello@" + version, "--env", "dev"}, {}, draw(span, trial));
    expect_whole("deploy trial " + std::to_string(trial));
    ProcessResult again = run({"deploy", "hello@" + version, "--env", "dev"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
    EXPECT_NE(git(root(), {"show", "HEAD:deployments.yaml"}).find(version), std::string::npos);
  }
}

TEST_F(InterruptionTest, ApprovalsStayWhole) {
  auto identity = [](int trial) -> std::map<std::string, std::string> {
    return {{"GIT_AUTHOR_EMAIL", "approver" + std::to_string(trial) + "@example.com"}};
  };
  auto span = duration_of({"approve", "hello", "--stage", "technical"}, identity(-1));
  for (int trial = 0; trial < trials(); ++trial) {
    start_command({"approve", "hello", "--stage", "technical"}, identity(trial), draw(span, trial));
    expect_whole("approve trial " + std::to_string(trial));
    ProcessResult again =
        start_command({"approve", "hello", "--stage", "technical"}, identity(trial), std::nullopt);
    EXPECT_TRUE(again.exit_code == 0 || again.err.find("already") != std::string::npos)
        << again.err;
  }
  ProcessResult listed = run({"approvals", "hello", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  for (int trial = 0; trial < trials(); ++trial) {
    EXPECT_NE(listed.out.find("approver" + std::to_string(trial) + "@"), std::string::npos);
  }
}

TEST_F(InterruptionTest, RunsLeaveTheLedgerWhole) {
  std::vector<std::string> command = {"run", "hello", "--var", "who=x"};
  auto span = duration_of(command, {});
  for (int trial = 0; trial < trials(); ++trial) {
    start_command(command, {}, draw(span, trial));
    SCOPED_TRACE("run trial " + std::to_string(trial) + " (seed " + std::to_string(m_seed) + ")");
    EXPECT_EQ(integrity_of(root() / ".git/promptctl/ledger.db"), "ok");
    ProcessResult again = start_command(command, {}, std::nullopt);
    EXPECT_EQ(again.exit_code, 0) << again.err;
  }
  ProcessResult runs = run({"runs", "-n", "100000", "--json"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_GE(nlohmann::json::parse(runs.out)["runs"].size(), static_cast<size_t>(trials()) + 1);
}

// What a streamed batch promises whatever stops it: the output file holds whole lines (only
// the last may be cut short, and --resume runs that row again), every line's run is in the
// ledger with the same answer, and --resume finishes the batch with each row once.
TEST_F(InterruptionTest, StreamedBatchesKeepWholeLinesThatTheLedgerHolds) {
  constexpr std::size_t k_rows = 1000;
  std::string rows;
  for (std::size_t i = 1; i <= k_rows; ++i) {
    rows += "{\"who\": \"r" + std::to_string(i) + "\"}\n";
  }
  write("rows.jsonl", rows);
  std::vector<std::string> command = {"run", "hello", "--input", "rows.jsonl",
                                      "-j",  "16",    "-o",      "out.jsonl"};
  auto span = duration_of(command, {});
  for (int trial = 0; trial < std::max(2, trials() / 2); ++trial) {
    std::filesystem::remove(root() / "out.jsonl");
    start_command(command, {}, draw(span, trial));
    SCOPED_TRACE("batch trial " + std::to_string(trial) + " (seed " + std::to_string(m_seed) + ")");
    std::filesystem::path ledger = root() / ".git/promptctl/ledger.db";
    EXPECT_EQ(integrity_of(ledger), "ok");
    std::string written = std::filesystem::exists(root() / "out.jsonl") ? read("out.jsonl") : "";
    std::istringstream in(written);
    std::size_t checked = 0;
    for (std::string line; std::getline(in, line);) {
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
      if (in.eof() && written.back() != '\n') {
        break;  // the one line a kill may cut short
      }
      ASSERT_TRUE(parsed.is_object()) << "not a whole line: " << line;
      EXPECT_EQ(output_of_run(ledger, parsed["run_id"].get<std::int64_t>()), parsed["output"])
          << "row " << parsed["row"] << " is in the file but not in the ledger";
      ++checked;
    }
    ProcessResult resumed = start_command(
        {"run", "hello", "--input", "rows.jsonl", "-o", "out.jsonl", "--resume"}, {}, std::nullopt);
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    std::set<std::string> answered = lines_of(read("out.jsonl"));
    EXPECT_EQ(answered.size(), k_rows) << checked << " lines were whole before --resume";
  }
}

}  // namespace
}  // namespace promptctl::testing

namespace promptctl::testing {
namespace {

// The states a SIGKILL leaves in the moments the random trials rarely hit, made by hand: the
// journal the commit wrote, git's lock file it prepared, and a ref that moved or did not.
class InterruptedCommitTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/a.yaml", "template: one\n");
    ASSERT_EQ(run({"commit", "-m", "one"}).exit_code, 0);
    m_old = trimmed(git(root(), {"rev-parse", "HEAD"}));
    m_branch = trimmed(git(root(), {"symbolic-ref", "HEAD"}));
    // The next commit, made as promptctl makes it: objects and an index, nothing moved yet.
    write("prompts/a.yaml", "template: two\n");
    ProcessOptions options;
    options.cwd = root();
    options.env = {{"GIT_INDEX_FILE", (root() / ".git/next-index").string()}};
    ASSERT_EQ(run_process("git", {"read-tree", "HEAD"}, options).exit_code, 0);
    ASSERT_EQ(run_process("git", {"add", "prompts/a.yaml"}, options).exit_code, 0);
    std::string tree = trimmed(run_process("git", {"write-tree"}, options).out);
    m_new = trimmed(git(root(), {"commit-tree", tree, "-p", m_old, "-m", "two"}));
    std::filesystem::rename(root() / ".git/next-index", root() / ".git/index.lock");
  }

  static std::string trimmed(std::string text) {
    while (!text.empty() && text.back() == '\n') {
      text.pop_back();
    }
    return text;
  }

  void write_journal(const nlohmann::json& moves = nlohmann::json::array()) const {
    struct stat lock {};
    ASSERT_EQ(::stat((root() / ".git/index.lock").c_str(), &lock), 0);
    nlohmann::json record = {{"lock",
                              {{"dev", static_cast<std::uint64_t>(lock.st_dev)},
                               {"ino", static_cast<std::uint64_t>(lock.st_ino)}}},
                             {"ref", m_branch},
                             {"old", m_old},
                             {"new", m_new},
                             {"moves", moves}};
    m_dir.write("repo/.git/promptctl/commit.journal", record.dump());
  }

  std::string m_old;
  std::string m_new;
  std::string m_branch;
};

TEST_F(InterruptedCommitTest, KilledAfterHeadMovedTheNextCommandFinishesTheIndex) {
  write_journal();
  git(root(), {"update-ref", m_branch, m_new, m_old});
  // Before any promptctl command, git sees the lock and refuses rather than reverting.
  ProcessOptions options;
  options.cwd = root();
  EXPECT_NE(run_process("git", {"commit", "--allow-empty", "-m", "x"}, options).exit_code, 0);
  ASSERT_EQ(run({"status"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/index.lock"));
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/promptctl/commit.journal"));
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  EXPECT_EQ(trimmed(git(root(), {"rev-parse", "HEAD"})), m_new);
}

TEST_F(InterruptedCommitTest, KilledBeforeHeadMovedTheNextCommandUndoesIt) {
  write_journal();
  ASSERT_EQ(run({"status"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/index.lock"));
  EXPECT_EQ(trimmed(git(root(), {"rev-parse", "HEAD"})), m_old);
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), " M prompts/a.yaml\n");
  ProcessResult again = run({"commit", "-m", "two"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
}

TEST_F(InterruptedCommitTest, AFileWaitingForItsPlaceMovesInUnlessSomeoneChangedIt) {
  m_dir.write("repo/.git/promptctl/ready/file-1", "template: two\n");
  m_dir.write("repo/.git/promptctl/ready/file-2", "template: never\n");
  write("prompts/a.yaml", "template: one\n");  // the work tree as the killed commit left it
  write("prompts/b.yaml", "template: mine\n");
  std::string one_blob = trimmed(git(root(), {"hash-object", "prompts/a.yaml"}));
  write_journal({{{"from", (root() / ".git/promptctl/ready/file-1").string()},
                  {"to", (root() / "prompts/a.yaml").string()},
                  {"before", one_blob}},
                 {{"from", (root() / ".git/promptctl/ready/file-2").string()},
                  {"to", (root() / "prompts/b.yaml").string()},
                  {"before", one_blob}}});
  git(root(), {"update-ref", m_branch, m_new, m_old});
  ASSERT_EQ(run({"status"}).exit_code, 0);
  EXPECT_EQ(read("prompts/a.yaml"), "template: two\n");
  EXPECT_EQ(read("prompts/b.yaml"), "template: mine\n");  // changed since: left alone
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/promptctl/ready/file-2"));
  EXPECT_EQ(git(root(), {"diff", "--cached", "--name-only"}), "");
}

}  // namespace
}  // namespace promptctl::testing
