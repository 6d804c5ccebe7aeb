// The command table runs in process: each run parses into options of its own, and each command
// gets only what its row declares.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "promptctl/error.hpp"
#include "support/temp_dir.hpp"

namespace promptctl::cli {
namespace {

// Runs the command line in this process and returns what it printed on stdout.
std::string stdout_of(std::vector<std::string> words, int* exit_code = nullptr) {
  std::vector<char*> argv;
  for (std::string& word : words) {
    argv.push_back(word.data());
  }
  ::testing::internal::CaptureStdout();
  int code = run_main(static_cast<int>(argv.size()), argv.data());
  std::string printed = ::testing::internal::GetCapturedStdout();
  if (exit_code) {
    *exit_code = code;
  }
  return printed;
}

TEST(CommandTable, AFlagGivenToOneRunDoesNotCarryOverToTheNext) {
  std::string json = stdout_of({"promptctl", "version", "--json"});
  ASSERT_FALSE(json.empty());
  EXPECT_EQ(json.front(), '{') << json;
  std::string text = stdout_of({"promptctl", "version"});
  EXPECT_EQ(text.rfind("promptctl ", 0), 0U) << text;
}

TEST(CommandTable, EveryCommandDeclaresWhatItNeeds) {
  std::vector<std::string> anywhere;
  for (const CommandSpec* spec : all_commands()) {
    if (spec->setup == Setup::none) {
      anywhere.emplace_back(spec->name);
    }
  }
  // Only these run without looking for a prompt repository: they make one, or need none.
  EXPECT_EQ(anywhere, (std::vector<std::string>{"init", "clone", "completion", "version",
                                                std::string(k_complete_command)}));
}

TEST(CommandTable, ASessionThatDeclaredNoRepositoryCannotOpenOne) {
  promptctl::testing::TempDir dir;
  Output out;
  Session session(out, dir.path(), Setup::none);
  try {
    (void)session.workspace();
    FAIL() << "a session without a declared repository opened one";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
  }
}

}  // namespace
}  // namespace promptctl::cli
