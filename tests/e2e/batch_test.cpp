// run --input as people watch it: progress and a summary, a table at a terminal, a stop on
// Ctrl-C that keeps every line whole, and --resume of an output file.
#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/execution.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

class BatchTest : public ExecutionTest {
 protected:
  void write_rows(std::size_t count) const {
    std::string rows;
    for (std::size_t i = 1; i <= count; ++i) {
      rows += "{\"who\": \"r" + std::to_string(i) + "\"}\n";
    }
    write("rows.jsonl", rows);
  }

  [[nodiscard]] ProcessOptions options(bool terminal) const {
    ProcessOptions options;
    options.cwd = root();
    options.env = provider_env();
    options.stdout_is_terminal = terminal;
    options.stderr_is_terminal = terminal;
    return options;
  }

  // Every line of out.jsonl, parsed: a line that is not whole JSON fails the test.
  [[nodiscard]] std::vector<json> output_lines() const {
    std::vector<json> lines;
    std::istringstream stream(read("out.jsonl"));
    for (std::string line; std::getline(stream, line);) {
      json parsed = json::parse(line, nullptr, false);
      EXPECT_TRUE(parsed.is_object()) << "not a whole line: " << line;
      lines.push_back(parsed);
    }
    return lines;
  }

  [[nodiscard]] std::size_t ledger_runs() const {
    return json::parse(run({"runs", "--json", "-n", "1000"}).out)["runs"].size();
  }
};

TEST_F(BatchTest, AtATerminalABatchShowsProgressATableAndASummary) {
  write_rows(3);
  write("rows.jsonl", read("rows.jsonl") + "{\"who\": 3\n");
  ProcessResult result = run_promptctl(
      {"run", "hello", "--input", "rows.jsonl", "-j", "1", "--model", "openai/gpt-test~slow=30"},
      options(true));
  EXPECT_EQ(result.exit_code, 2) << result.err;
  result.out = std::regex_replace(result.out, std::regex("\033\\[[0-9;]*m"), "");
  EXPECT_NE(result.out.find("1  ok     echo: Hello r1"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("3  ok     echo: Hello r3"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("4  error  rows.jsonl:4: not valid JSON"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find('{'), std::string::npos) << "a table, not JSON lines";
  // Rows are read as the calls need them: the bad last row is met after the others.
  EXPECT_NE(result.err.find("1/4 rows, 1 ok, 0 failed"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("4 rows: 3 ok, 1 failed (bad row: 1) in "), std::string::npos)
      << result.err;
}

TEST_F(BatchTest, NoColorKeepsTheProgressLine) {
  write_rows(2);
  ProcessOptions terminal = options(true);
  terminal.env["NO_COLOR"] = "1";
  ProcessResult result =
      run_promptctl({"run", "hello", "--input", "rows.jsonl", "--json"}, terminal);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("\r\033[K0/2 rows"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("\033["), std::string::npos) << "no colour";
}

TEST_F(BatchTest, APipedBatchPrintsJsonLinesAndSaysOnStderrWhatFailed) {
  write_rows(3);
  ProcessResult result = run_with_server(
      {"run", "hello", "--input", "rows.jsonl", "-j", "1", "--model", "openai/gpt-test~429"});
  EXPECT_EQ(result.exit_code, 5);
  std::istringstream stream(result.out);
  std::size_t lines = 0;
  for (std::string line; std::getline(stream, line); ++lines) {
    EXPECT_EQ(json::parse(line)["status"], "error");
  }
  EXPECT_EQ(lines, 3U);
  EXPECT_NE(result.err.find("3 rows: 0 ok, 3 failed (HTTP 429 after retries: 3) in "),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find('\r'), std::string::npos) << "no progress into a pipe";
}

// SIGINT stops sending, lets the calls under way finish, writes only whole lines (every row
// in the ledger is in the file) and exits 130; --resume then runs exactly the rest.
TEST_F(BatchTest, CtrlCKeepsWholeLinesAndResumeRunsOnlyTheRest) {
  write_rows(24);
  std::vector<std::string> args = {
      "run", "hello", "--input",   "rows.jsonl", "-j",
      "3",   "-o",    "out.jsonl", "--model",    "openai/gpt-test~slow=300"};
  ProcessOptions interrupted = options(false);
  interrupted.interruption = Interruption{std::chrono::milliseconds(1200), SIGINT};
  ProcessResult stopped = run_promptctl(args, interrupted);
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("not run (stopped by SIGINT)"), std::string::npos) << stopped.err;
  std::vector<json> first = output_lines();
  ASSERT_GT(first.size(), 0U);
  ASSERT_LT(first.size(), 24U);
  EXPECT_EQ(first.size(), ledger_runs()) << "each row in the ledger is in the file";
  EXPECT_EQ(m_server.request_count(), first.size()) << "calls in flight were let finish";
  std::string counted = "24 rows: " + std::to_string(first.size()) + " ok, 0 failed, " +
                        std::to_string(24 - first.size()) + " not run (stopped by SIGINT)";
  EXPECT_NE(stopped.err.find(counted), std::string::npos) << "rows never read count too";

  args.push_back("--resume");
  ProcessResult resumed = run_promptctl(args, options(false));
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find(std::to_string(first.size()) + " already answered"), std::string::npos)
      << resumed.err;
  std::vector<json> all = output_lines();
  std::set<std::size_t> rows;
  for (const json& line : all) {
    EXPECT_EQ(line["output"], "echo: Hello r" + std::to_string(line["row"].get<std::size_t>()));
    rows.insert(line["row"].get<std::size_t>());
  }
  EXPECT_EQ(all.size(), 24U);
  EXPECT_EQ(rows.size(), 24U) << "each row once";
  EXPECT_EQ(m_server.request_count(), 24U) << "no row was asked twice";
}

TEST_F(BatchTest, ResumeRunsAgainWhatFailedChangedOrWasCutShort) {
  write_rows(4);
  std::vector<std::string> args = {"run", "hello", "--input", "rows.jsonl", "-o", "out.jsonl"};
  ASSERT_EQ(run_with_server(args).exit_code, 0);
  std::vector<json> lines = output_lines();
  ASSERT_EQ(lines.size(), 4U);
  // Row 2's input changes, row 3's line is lost and row 4's is cut short by a crash.
  write("rows.jsonl",
        "{\"who\": \"r1\"}\n{\"who\": \"new\"}\n{\"who\": \"r3\"}\n{\"who\": \"r4\"}\n");
  write("out.jsonl",
        lines[0].dump() + "\n" + lines[1].dump() + "\n" + lines[3].dump().substr(0, 40));
  std::size_t before = m_server.request_count();

  ProcessResult refused = run_with_server(args);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("out.jsonl already has results"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--resume"), std::string::npos);

  args.push_back("--resume");
  ProcessResult resumed = run_with_server(args);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  std::vector<json> now = output_lines();
  ASSERT_EQ(now.size(), 4U);
  EXPECT_EQ(now[0]["row"], 1);
  std::set<std::string> outputs;
  for (const json& line : now) {
    outputs.insert(line["output"].get<std::string>());
  }
  EXPECT_EQ(outputs, (std::set<std::string>{"echo: Hello r1", "echo: Hello new", "echo: Hello r3",
                                            "echo: Hello r4"}));
  EXPECT_EQ(m_server.request_count() - before, 3U) << "rows 2, 3 and 4 ran again";
  EXPECT_EQ(ledger_runs(), 4U + 3U);
}

TEST_F(BatchTest, OutputAndResumeAreForBatches) {
  ProcessResult result = run_with_server({"run", "hello", "--var", "who=x", "--resume"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--resume is for batches"), std::string::npos) << result.err;
  write_rows(1);
  result = run_with_server({"run", "hello", "--input", "rows.jsonl", "--resume"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("give it with -o FILE"), std::string::npos) << result.err;
}

// A key file is read at most once a second, not for every row: a batch that outlasts the
// file's replacement sends the new key from then on, and never goes back to the old one.
TEST_F(BatchTest, ARunningBatchTakesUpAReplacedKeyFile) {
  ProviderServer slow{ProviderServer::Options{"", 300, 0}};
  std::filesystem::path key_file = m_dir.path() / "key";
  auto write_key = [&](const std::string& key) {
    m_dir.write("key.new", key + "\n");
    std::filesystem::permissions(m_dir.path() / "key.new", std::filesystem::perms::owner_read |
                                                               std::filesystem::perms::owner_write);
    std::filesystem::rename(m_dir.path() / "key.new", key_file);  // whole, at once
  };
  write_key("sk-first-key-0001");
  m_dir.write(".config/promptctl/config.yaml",
              "providers:\n  slow: {type: openai-compatible, base_url: '" + slow.url() +
                  "/v1', key_file: '" + key_file.string() + "'}\n");
  write_rows(8);
  std::thread replace([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // during the second row
    write_key("sk-second-key-0002");
  });
  ProcessResult result = run_with_server(
      {"run", "hello", "--input", "rows.jsonl", "-j", "1", "--model", "slow/m", "--no-cache"},
      {{"XDG_CONFIG_HOME", (m_dir.path() / ".config").string()}});
  replace.join();
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<HttpRequest> requests = slow.requests();
  ASSERT_EQ(requests.size(), 8U);
  EXPECT_EQ(requests.front().header("authorization"), "Bearer sk-first-key-0001");
  EXPECT_EQ(requests.back().header("authorization"), "Bearer sk-second-key-0002");
  bool replaced = false;
  for (const HttpRequest& request : requests) {
    std::string key = request.header("authorization");
    EXPECT_TRUE(key == "Bearer sk-first-key-0001" || key == "Bearer sk-second-key-0002") << key;
    EXPECT_FALSE(replaced && key == "Bearer sk-first-key-0001") << "went back to the old key";
    replaced = replaced || key == "Bearer sk-second-key-0002";
  }
}

}  // namespace
}  // namespace promptctl::testing
