#include "util/process.hpp"

#include <gtest/gtest.h>

#include "promptctl/error.hpp"

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

}  // namespace
}  // namespace promptctl::util
