// What a user of an installed promptctl meets first: the version it reports and the completion
// scripts it prints, which must never run text that comes from a repository.
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"

using namespace promptctl::testing;

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ProcessResult run_outside(const std::vector<std::string>& args) {
  ProcessOptions options;
  options.cwd = std::filesystem::temp_directory_path();
  return run_promptctl(args, options);
}

}  // namespace

TEST(Version, ShortAndLongFlagsAndTheCommandAgree) {
  ProcessResult command = run_outside({"version"});
  ASSERT_EQ(command.exit_code, 0) << command.err;
  EXPECT_TRUE(std::regex_match(command.out, std::regex("promptctl [0-9]+\\.[0-9]+\\.[0-9]+\\S*\n")))
      << command.out;
  EXPECT_EQ(run_outside({"--version"}).out, command.out);
  EXPECT_EQ(run_outside({"-V"}).out, command.out);
  EXPECT_EQ(run_outside({"-C", "/nonexistent", "-V"}).out, command.out);
}

TEST(Version, JsonNamesTheCommitTheBuildAndTheLoadedLibraries) {
  ProcessResult result = run_outside({"version", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json version = nlohmann::json::parse(result.out);
  EXPECT_EQ("promptctl " + version["promptctl"].get<std::string>() + "\n",
            run_outside({"version"}).out);
  if (!version["commit"].is_null()) {
    std::string commit = version["commit"];
    EXPECT_TRUE(std::regex_match(commit, std::regex("[0-9a-f]{40}"))) << commit;
    // Without a release tag the version carries the commit as build metadata.
    std::string text = version["promptctl"];
    if (text.find('+') != std::string::npos) {
      EXPECT_NE(text.find("+g" + commit.substr(0, 12)), std::string::npos) << text;
    }
  }
  EXPECT_FALSE(version["build_type"].get<std::string>().empty());
  const std::regex dotted("[0-9]+\\.[0-9]+\\.[0-9]+.*");
  for (const char* library : {"libgit2", "libcurl", "sqlite", "yaml-cpp"}) {
    ASSERT_TRUE(version["libraries"][library].is_string()) << library << ": " << result.out;
    EXPECT_TRUE(std::regex_match(version["libraries"][library].get<std::string>(), dotted))
        << library << ": " << result.out;
  }
  EXPECT_EQ(run_outside({"--version", "--json"}).out, result.out);
  EXPECT_EQ(run_outside({"-V", "--json"}).out, result.out);
}

TEST(Completion, PrintsTheScriptsThatAreInstalled) {
  const std::filesystem::path dir = std::filesystem::path(PROMPTCTL_SOURCE_DIR) / "completions";
  EXPECT_EQ(run_outside({"completion", "bash"}).out, slurp(dir / "promptctl.bash"));
  EXPECT_EQ(run_outside({"completion", "zsh"}).out, slurp(dir / "_promptctl"));
  EXPECT_EQ(run_outside({"completion", "fish"}).out, slurp(dir / "promptctl.fish"));
  ProcessResult unknown = run_outside({"completion", "tcsh"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no completion script for the shell 'tcsh'"), std::string::npos)
      << unknown.err;
  EXPECT_EQ(run_outside({"completion"}).exit_code, 2);
}

// Branch names come from any remote. Every shell must offer them as text and never evaluate
// them: each completion script runs in its real shell, with hostile names on the branches.
class CompletionTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/p.yaml", "template: Hello\n");
    ASSERT_EQ(run({"commit", "-m", "p"}).exit_code, 0);
    for (const std::string& name : m_hostile) {
      git(root(), {"branch", name});
    }
  }

  // Runs `script` in `shell` in the repository, with the completion file `file` in $SCRIPT.
  [[nodiscard]] ProcessResult run_shell(const std::string& shell, const std::string& file,
                                        const std::string& script) const {
    ProcessOptions options;
    options.cwd = root();
    options.env["PATH"] = std::filesystem::path(PROMPTCTL_BINARY).parent_path().string() +
                          ":/usr/local/bin:/usr/bin:/bin";
    options.env["SCRIPT"] =
        (std::filesystem::path(PROMPTCTL_SOURCE_DIR) / "completions" / file).string();
    return run_process(shell, {"-c", script}, options);
  }

  // Runs `script` and checks that it offered every hostile name after "p@" and ran none of
  // them.
  void expect_literal_candidates(const std::string& shell, const std::string& file,
                                 const std::string& script) const {
    ProcessResult completed = run_shell(shell, file, script);
    ASSERT_EQ(completed.exit_code, 0) << shell << ": " << completed.err;
    for (const std::string& name : m_hostile) {
      EXPECT_NE(completed.out.find("p@" + name + "\n"), std::string::npos)
          << shell << ": " << name << " in " << completed.out;
    }
    for (const char* created : {"PWNED", "PWNED2", "PWNED3"}) {
      EXPECT_FALSE(std::filesystem::exists(root() / created)) << shell << " ran " << created;
    }
  }

  const std::vector<std::string> m_hostile = {"$(touch${IFS}PWNED)", "`touch${IFS}PWNED2`",
                                              "a;touch${IFS}PWNED3", "quote'\"s"};
};

TEST_F(CompletionTest, BashNeverRunsBranchNames) {
  expect_literal_candidates("bash", "promptctl.bash",
                            "source \"$SCRIPT\"; COMP_WORDS=(promptctl show 'p@'); COMP_CWORD=2; "
                            "_promptctl; printf '%s\\n' \"${COMPREPLY[@]}\"");
}

TEST_F(CompletionTest, FishNeverRunsBranchNames) {
  expect_literal_candidates("fish", "promptctl.fish",
                            "source $SCRIPT; complete -C 'promptctl show p@'");
}

// fish offers file names only where promptctl offers nothing (--var-file), never mixed into the
// environments it knows.
TEST_F(CompletionTest, FishOffersFileNamesOnlyWherePromptctlHasNothing) {
  write("promptctl.yaml", read("promptctl.yaml") + "environments:\n  dev: {auto_approve: true}\n");
  ProcessResult env = run_shell("fish", "promptctl.fish",
                                "source $SCRIPT; complete -C 'promptctl deploy p --env '");
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(env.out, "dev\n");
  ProcessResult file = run_shell("fish", "promptctl.fish",
                                 "source $SCRIPT; complete -C 'promptctl render p --var-file '");
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_NE(file.out.find("promptctl.yaml\n"), std::string::npos) << file.out;
}

// zsh's completion builtins exist only inside its completion system: compadd is replaced by
// a function that prints what it is given, so the script's own code runs as it would.
TEST_F(CompletionTest, ZshNeverRunsBranchNames) {
  expect_literal_candidates("zsh", "_promptctl",
                            "compdef() { :; }; _files() { :; }; "
                            "compadd() { [[ $1 == -a ]] && print -rl -- \"${(@P)2}\"; }; "
                            "source $SCRIPT; words=(promptctl show 'p@'); CURRENT=3; _promptctl");
}
