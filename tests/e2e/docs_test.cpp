// Keeps --help, man pages and completions in step with the command table.
#include <fstream>
#include <set>
#include <sstream>

#include "e2e/e2e.hpp"

using namespace promptctl::testing;

namespace {

std::filesystem::path source_dir() {
  return PROMPTCTL_SOURCE_DIR;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    out.push_back(line);
  }
  return out;
}

// Man pages write every '-' as "\-".
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c == '-' ? std::string("\\-") : std::string(1, c);
  }
  return out;
}

std::vector<std::string> commands() {
  ProcessOptions options;
  options.cwd = std::filesystem::temp_directory_path();
  return lines(run_promptctl({"__complete", ""}, options).out);
}

}  // namespace

TEST(Docs, TheCommandTableIsNotEmpty) {
  EXPECT_GE(commands().size(), 9u);
}

TEST(Docs, EveryCommandAnswersHelp) {
  for (const std::string& command : commands()) {
    ProcessOptions options;
    options.cwd = std::filesystem::temp_directory_path();
    ProcessResult help = run_promptctl({command, "--help"}, options);
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.out.find("Usage: promptctl " + command), std::string::npos) << help.out;
  }
}

TEST(Docs, EveryCommandHasAManPageDocumentingEachOption) {
  EXPECT_TRUE(std::filesystem::exists(source_dir() / "man/promptctl.1"));
  std::string overview = slurp(source_dir() / "man/promptctl.1");
  for (const std::string& command : commands()) {
    auto page = source_dir() / "man" / ("promptctl-" + command + ".1");
    ASSERT_TRUE(std::filesystem::exists(page)) << page;
    std::string text = slurp(page);
    EXPECT_NE(overview.find(roff("promptctl-" + command)), std::string::npos)
        << "promptctl.1 lists " << command;
    ProcessOptions options;
    options.cwd = std::filesystem::temp_directory_path();
    for (const std::string& option :
         lines(run_promptctl({"__complete", command, "-"}, options).out)) {
      if (option == "--help" || !option.starts_with("--")) {
        continue;
      }
      EXPECT_NE(text.find(roff(option)), std::string::npos)
          << page.filename() << " documents " << option;
    }
  }
}

// Every command that prints --json has its schema in docs/schemas: NAME.schema.json, or one
// for each of its actions, NAME-ACTION.schema.json.
TEST(Docs, EveryJsonOutputHasASchema) {
  std::set<std::string> schemas;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "docs/schemas")) {
    std::string file = entry.path().filename().string();
    schemas.insert(file.substr(0, file.find('.')));
  }
  ProcessOptions options;
  options.cwd = std::filesystem::temp_directory_path();
  int with_json = 0;
  for (const std::string& command : commands()) {
    if (run_promptctl({command, "--help"}, options).out.find("--json") == std::string::npos) {
      continue;
    }
    ++with_json;
    if (schemas.count(command)) {
      continue;
    }
    std::vector<std::string> actions =
        lines(run_promptctl({"__complete", command, ""}, options).out);
    EXPECT_FALSE(actions.empty()) << command << " prints --json without a schema";
    for (const std::string& action : actions) {
      EXPECT_TRUE(schemas.count(command + "-" + action))
          << command << " " << action << " prints --json without a schema";
    }
  }
  EXPECT_GE(with_json, 40);
}

TEST(Docs, EveryCommandAppearsInEachCompletionFile) {
  for (const char* file : {"promptctl.bash", "_promptctl", "promptctl.fish"}) {
    std::string text = slurp(source_dir() / "completions" / file);
    ASSERT_FALSE(text.empty()) << file;
    for (const std::string& command : commands()) {
      EXPECT_NE(text.find(command), std::string::npos) << file << " lacks " << command;
    }
  }
}

TEST_F(RepoTest, CompletionOffersCommandsOptionsAndPromptNames) {
  write("prompts/support/reply.yaml", "template: x\n");
  write("prompts/summary.yaml", "template: x\n");
  EXPECT_EQ(run({"__complete", "ren"}).out, "render\n");
  EXPECT_EQ(run({"__complete", "rel"}).out, "release\nreleases\n");
  EXPECT_EQ(run({"__complete", "render", "su"}).out, "summary\nsupport/reply\n");
  EXPECT_EQ(run({"__complete", "render", "--var-f"}).out, "--var-file\n");
  EXPECT_EQ(run({"__complete", "render", "--var-file", ""}).out, "");
  EXPECT_EQ(run({"__complete", "-C", ".", "show", "support/"}).out, "support/reply\n");
}

TEST_F(RepoTest, CompletionKnowsTheValuesOfOptionsAndActions) {
  EXPECT_EQ(run({"__complete", "test", "--format", ""}).out, "text\njson\njunit\ntap\ngithub\n");
  EXPECT_EQ(run({"__complete", "stats", "--by", "m"}).out, "model\n");
  EXPECT_EQ(run({"__complete", "compare", "--metric", "l"}).out, "latency_ms\n");
  EXPECT_EQ(run({"__complete", "release", "x", "--bump", "m"}).out, "major\nminor\n");
  EXPECT_EQ(run({"__complete", "run", "x", "--cache", "re"}).out, "replay\nrefresh\n");
  EXPECT_EQ(run({"__complete", "ls", "--color", "a"}).out, "auto\nalways\n");
  EXPECT_EQ(run({"__complete", "--color", "n"}).out, "never\n");
  EXPECT_EQ(run({"__complete", "run", "x", "--provider", "an"}).out, "anthropic\n");
  EXPECT_EQ(run({"__complete", "cache", ""}).out, "stats\nclear\n");
  EXPECT_EQ(run({"__complete", "remote", ""}).out, "list\nadd\n");
  EXPECT_EQ(run({"__complete", "experiment", "st"}).out, "start\nstop\nstatus\n");
  EXPECT_EQ(run({"__complete", "experiment", "start", "st"}).out, "") << "the action is given";
  write("promptctl.yaml", read("promptctl.yaml") + "environments:\n  staging: {}\n");
  EXPECT_EQ(run({"__complete", "serve", "--env", "st"}).out, "staging\n");
  std::string options = run({"__complete", "render", "--"}).out;
  EXPECT_EQ(options.find("--help"), options.rfind("--help")) << "--help once: " << options;
  // Help shows the values the same way, without CLI11's "TEXT:{…}".
  std::string help = run({"render", "--help"}).out;
  EXPECT_NE(help.find("--escape html|none"), std::string::npos) << help;
  EXPECT_EQ(help.find(":{"), std::string::npos) << help;
}

TEST_F(RepoTest, CompletionOffersThePromptsVariablesAfterVar) {
  write("prompts/reply.yaml",
        "template: \"{{inquiry}} {{tone}}\"\nvariables:\n  inquiry: {type: string}\n"
        "  tone: {type: string, default: warm}\n");
  EXPECT_EQ(run({"__complete", "run", "reply", "--var", ""}).out, "inquiry=\ntone=\n");
  EXPECT_EQ(run({"__complete", "render", "--var-file", "x.yaml", "reply", "--var", "t"}).out,
            "tone=\n")
      << "an option's value is not the prompt";
  EXPECT_EQ(run({"__complete", "run", "nosuch", "--var", ""}).out, "");
  ASSERT_EQ(run({"commit", "-m", "reply"}).exit_code, 0);
  write("prompts/reply.yaml", "template: \"{{only}}\"\nvariables:\n  only: {type: string}\n");
  EXPECT_EQ(run({"__complete", "run", "reply@HEAD", "--var", ""}).out, "inquiry=\ntone=\n")
      << "the variables at the revision";
}

TEST_F(RepoTest, CompletionOffersRunIdsAndOnlyThisPromptsReleases) {
  write("prompts/a.yaml", "template: A\n");
  write("prompts/b.yaml", "template: B\n");
  EXPECT_EQ(run({"__complete", "rerun", ""}).out, "") << "no runs yet";
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/promptctl/ledger.db"))
      << "completing never creates the ledger";
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(run({"run", "a", "--provider", "echo"}).exit_code, 0);
  }
  EXPECT_EQ(run({"__complete", "rerun", ""}).out, "2\n1\n") << "newest first";
  EXPECT_EQ(run({"__complete", "feedback", "1"}).out, "1\n");
  EXPECT_EQ(run({"__complete", "runs", "show", ""}).out, "2\n1\n");
  EXPECT_EQ(run({"__complete", "rerun", "2", ""}).out, "") << "the id was given";
  ASSERT_EQ(run({"commit", "-m", "two prompts"}).exit_code, 0);
  ASSERT_EQ(run({"release", "a", "--bump", "minor"}).exit_code, 0);
  ASSERT_EQ(run({"release", "b", "--bump", "minor"}).exit_code, 0);
  std::string after_at = run({"__complete", "show", "a@"}).out;
  EXPECT_NE(after_at.find("a@1.0.0\n"), std::string::npos) << after_at;
  EXPECT_NE(after_at.find("a@HEAD\n"), std::string::npos) << after_at;
  EXPECT_EQ(after_at.find("b@"), std::string::npos) << "another prompt's release: " << after_at;
}

// A clone has nothing beside it: no test, benchmark, example or build file may read outside the
// repository (conformance data lives in tests/conformance/data).
TEST(Docs, NothingReadsOutsideTheRepository) {
  const std::string outside = std::string("..") + "/shared";
  for (const char* folder : {"tests", "bench", "examples", "scripts", "fuzz", "cmake", "src"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(source_dir() / folder)) {
      if (entry.is_regular_file() && entry.file_size() < 1'000'000) {
        EXPECT_EQ(slurp(entry.path()).find(outside), std::string::npos) << entry.path();
      }
    }
  }
  for (const char* file : {"CMakeLists.txt", ".ci/run"}) {
    EXPECT_EQ(slurp(source_dir() / file).find(outside), std::string::npos) << file;
  }
}
