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

}  // namespace
}  // namespace promptctl::testing
