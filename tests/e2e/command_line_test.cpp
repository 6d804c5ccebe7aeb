// The command line as people type it: mistakes answered in promptctl's words with the nearest
// option and the command's own help, global options anywhere, and `help`.
#include "e2e/e2e.hpp"

namespace promptctl::testing {
namespace {

class CommandLine : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/hello.yaml", "variables:\n  who: {type: string}\ntemplate: Hello {{who}}\n");
  }

  // A usage error (exit 2) whose first line is `message`, and whose second is the command's
  // own help hint, with none of the parser's own phrases.
  void expect_usage_error(const std::vector<std::string>& args, const std::string& message,
                          const std::string& command) const {
    ProcessResult result = run(args);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.err, "promptctl: error: " + message + "\nRun 'promptctl " + command +
                              " --help' for its options.\n");
    for (const char* raw : {"The following", "Could not convert", " not in {", " required "}) {
      EXPECT_EQ(result.err.find(raw), std::string::npos) << raw;
    }
  }
};

TEST_F(CommandLine, MistakesAreNamedWithTheNearestOptionAndTheCommandsHelp) {
  expect_usage_error({"render", "hello", "--vra", "who=x"},
                     "unknown option '--vra' (did you mean '--var'?)", "render");
  expect_usage_error({"run", "hello", "--jsn"}, "unknown option '--jsn' (did you mean '--json'?)",
                     "run");
  expect_usage_error({"render", "hello", "x", "y"}, "unexpected arguments 'x', 'y'", "render");
  expect_usage_error({"test", "--repeat", "x"}, "--repeat takes a number from 1 to 1000, not 'x'",
                     "test");
  expect_usage_error({"runs", "-n", "x"}, "'x' is not a valid value for --max-count", "runs");
  expect_usage_error({"run", "hello", "--var"}, "--var needs a value: NAME=VALUE", "run");
  expect_usage_error({"cache", "stat"},
                     "'stat' is not a valid ACTION (did you mean 'stats'?): choose stats or clear",
                     "cache");
}

TEST_F(CommandLine, GlobalOptionsMayComeAfterTheCommand) {
  ProcessResult colour = run({"ls", "--color", "always"});
  EXPECT_EQ(colour.exit_code, 0) << colour.err;
  EXPECT_NE(colour.out.find("\033["), std::string::npos) << colour.out;
  ProcessResult elsewhere = run({"ls", "-C", root().string()}, root().parent_path());
  EXPECT_EQ(elsewhere.exit_code, 0) << elsewhere.err;
  EXPECT_NE(elsewhere.out.find("hello"), std::string::npos);
}

TEST_F(CommandLine, HelpShowsTheOverviewOrACommandsHelp) {
  ProcessResult overview = run({"help"});
  EXPECT_EQ(overview.exit_code, 0);
  EXPECT_NE(overview.out.find("Usage: promptctl"), std::string::npos) << overview.out;
  ProcessResult command = run({"help", "render"});
  EXPECT_EQ(command.exit_code, 0);
  EXPECT_EQ(command.out,
            run({"render", "--help"}).out + "\nThe manual has more: man promptctl-render\n");
  ProcessResult unknown = run({"help", "rendr"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("'rendr' is not a promptctl command (did you mean 'render'?)"),
            std::string::npos)
      << unknown.err;
  ProcessResult nothing = run({});
  EXPECT_EQ(nothing.exit_code, 2) << "no command is a usage error, as documented";
  EXPECT_EQ(nothing.out, overview.out);
}

// A repository without commits behaves as git's does: an empty history, no differences, and
// `ls` says how to begin.
TEST(CommandLineEmpty, ARepositoryWithoutCommitsHasAnEmptyHistory) {
  TempDir dir;
  ProcessOptions options;
  options.cwd = dir.path();
  ASSERT_EQ(run_promptctl({"init", "."}, options).exit_code, 0);
  ProcessResult log = run_promptctl({"log"}, options);
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_EQ(log.out, "");
  ProcessResult log_json = run_promptctl({"log", "--json"}, options);
  EXPECT_EQ(nlohmann::json::parse(log_json.out)["commits"], nlohmann::json::array());
  ProcessResult diff = run_promptctl({"diff"}, options);
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(diff.out, "");
  ProcessResult ls = run_promptctl({"ls"}, options);
  EXPECT_EQ(ls.exit_code, 0);
  EXPECT_EQ(ls.err, "hint: no prompts yet: create one with 'promptctl new NAME'\n");
}

TEST_F(CommandLine, CommitTakesItsMessageFromAFileOrStandardInput) {
  write("message.txt", "Greet by name\n\nThe body explains why.\n");
  ProcessResult from_file = run({"commit", "-F", "message.txt", "hello"});
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%B"}),
            "Greet by name\n\nThe body explains why.\n\n");
  write("prompts/hello.yaml", "variables:\n  who: {type: string}\ntemplate: Hi {{who}}\n");
  ProcessResult from_stdin = run({"commit", "-F", "-"}, {}, "Say hi\n");
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%s"}), "Say hi\n");
  ProcessResult neither = run({"commit"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("give it with -m TEXT or -F FILE"), std::string::npos) << neither.err;
  expect_usage_error({"commit", "-m", "x", "-F", "message.txt"},
                     "--message and --file do not go together", "commit");
}

}  // namespace
}  // namespace promptctl::testing
