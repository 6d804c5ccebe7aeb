#include "util/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "promptctl/error.hpp"
#include "support/temp_dir.hpp"

namespace promptctl::util {
namespace {

TEST(RunProgram, ArgumentsReachTheProgramLiterallyWithoutAShell) {
  std::string hostile = "$(touch pwned); `id` | ; * \"'\n";
  ProgramResult result = run_program({"printf", "%s", hostile}, "");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, hostile);
}

TEST(RunProgram, LargeInputAndOutputDoNotDeadlock) {
  // More than a pipe holds in each direction, so writing and reading must interleave.
  std::string input(1 << 20, 'x');
  ProgramResult result = run_program({"cat"}, input);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), input.size());
}

TEST(RunProgram, ExitCodesAndStandardErrorAreKept) {
  ProgramResult result = run_program({"sh", "-c", "echo oops >&2; exit 3"}, "");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err, "oops\n");
}

TEST(RunProgram, AProgramThatStopsReadingDoesNotEndTheCaller) {
  ProgramResult result = run_program({"true"}, std::string(1 << 20, 'x'));
  EXPECT_EQ(result.exit_code, 0);
}

TEST(RunProgram, AMissingProgramIsNotFound) {
  try {
    (void)run_program({"promptctl-no-such-program"}, "");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_NE(std::string(e.what()).find("promptctl-no-such-program"), std::string::npos);
  }
}

TEST(UserCommand, RunsThroughTheShellWithArgumentsKeptApart) {
  testing::TempDir dir;
  std::filesystem::path target = dir.path() / "out";
  std::string hostile = "a $(touch " + (dir.path() / "pwned").string() + ") `id` b";
  pid_t pid = start_user_command("printf %s >" + target.string(), {hostile});
  EXPECT_EQ(wait_for_exit(pid), 0);
  EXPECT_EQ(dir.read("out"), hostile);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "pwned"));
  EXPECT_EQ(wait_for_exit(start_user_command("exit 4", {})), 4);
}

}  // namespace
}  // namespace promptctl::util
