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

  // Without -m or -F, the message is written in the editor; '#' lines are left out.
  write("editor.sh",
        "#!/bin/sh\ngrep -q 'prompts/hello.yaml' \"$1\" || exit 3\n"
        "printf 'Written in the editor\\n# a comment\\n\\n' > \"$1\"\n");
  std::filesystem::permissions(root() / "editor.sh", std::filesystem::perms::owner_all);
  write("prompts/hello.yaml", "variables:\n  who: {type: string}\ntemplate: Hey {{who}}\n");
  std::string editor = (root() / "editor.sh").string();
  ProcessResult edited = run({"commit"}, {}, {}, {{"EDITOR", editor}});
  EXPECT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%B"}), "Written in the editor\n\n");
  write("prompts/hello.yaml", "variables:\n  who: {type: string}\ntemplate: Yo {{who}}\n");
  ProcessResult emptied = run({"commit"}, {}, {}, {{"GIT_EDITOR", "truncate -s 0"}});
  EXPECT_EQ(emptied.exit_code, 1);
  EXPECT_NE(emptied.err.find("the commit message is empty: nothing committed"), std::string::npos)
      << emptied.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%s"}), "Written in the editor\n");
}

// A prompt written as the path to its file is read from the directory the command started in,
// as git reads paths; a name is always the name from the top.
TEST_F(CommandLine, PromptFilesArePathsFromTheCurrentDirectory) {
  write("prompts/support/reply.yaml", "template: Dear customer\n");
  std::filesystem::path support = root() / "prompts" / "support";
  ProcessResult here = run({"render", "reply.yaml"}, support);
  EXPECT_EQ(here.exit_code, 0) << here.err;
  EXPECT_EQ(here.out, "Dear customer");
  EXPECT_EQ(run({"show", "../hello.yaml", "--json"}, support).exit_code, 0);
  EXPECT_EQ(run({"render", "./prompts/support/reply.yaml"}).out, "Dear customer");
  EXPECT_EQ(run({"render", "support/reply.yaml"}).out, "Dear customer")
      << "a path outside prompts/ is read as before: the name with .yaml";
  EXPECT_EQ(run({"render", "support/reply"}, support).out, "Dear customer")
      << "a name is the name from the top wherever the command starts";
  ASSERT_EQ(run({"commit", "-m", "reply", "reply.yaml"}, support).exit_code, 0);
  write("prompts/support/reply.yaml", "template: Dear client\n");
  EXPECT_EQ(run({"render", "reply.yaml@HEAD"}, support).out, "Dear customer");
  ProcessResult elsewhere =
      run({"render", "-C", support.string(), "reply.yaml"}, root().parent_path());
  EXPECT_EQ(elsewhere.out, "Dear client") << elsewhere.err;
  ProcessResult outside = run({"render", "../../../x.yaml"}, support);
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("x"), std::string::npos) << outside.err;
}

// At a terminal, long output goes through the user's pager, as git's does; never into a pipe.
TEST_F(CommandLine, LongOutputGoesThroughThePagerAtATerminal) {
  ASSERT_EQ(run({"commit", "-m", "hello"}).exit_code, 0);
  auto at_terminal = [&](const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) {
    ProcessOptions options;
    options.cwd = root();
    options.stdout_is_terminal = true;
    options.env = env;
    return run_promptctl(args, options);
  };
  std::map<std::string, std::string> pager = {{"PROMPTCTL_PAGER", "sed 's/^/paged: /'"},
                                              {"PAGER", "false"}};
  ProcessResult paged = at_terminal({"log"}, pager);
  EXPECT_EQ(paged.exit_code, 0) << paged.err;
  EXPECT_NE(paged.out.find("paged: "), std::string::npos) << paged.out;
  EXPECT_NE(paged.out.find("hello"), std::string::npos) << paged.out;
  EXPECT_EQ(at_terminal({"log", "--no-pager"}, pager).out.find("paged: "), std::string::npos);
  EXPECT_EQ(at_terminal({"ls"}, pager).out.find("paged: "), std::string::npos)
      << "a short listing is not paged";
  ProcessResult from_pager = at_terminal({"show", "hello"}, {{"PAGER", "sed 's/^/pager: /'"}});
  EXPECT_NE(from_pager.out.find("pager: "), std::string::npos) << from_pager.out;
  EXPECT_EQ(at_terminal({"log"}, {{"PROMPTCTL_PAGER", "cat"}}).out.find("paged: "),
            std::string::npos);
  ProcessResult piped = run({"log"}, {}, {}, pager);
  EXPECT_EQ(piped.out.find("paged: "), std::string::npos) << "never into a pipe";
  EXPECT_NE(piped.out.find("hello"), std::string::npos);
}

}  // namespace
}  // namespace promptctl::testing
