// Text tables, warnings and prompt paths, the command line's own helpers.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli/output.hpp"
#include "cli/path_arguments.hpp"

namespace promptctl::cli {
namespace {

std::string printed(const Table& table) {
  Output out;
  out.configure(ColorMode::never);
  ::testing::internal::CaptureStdout();
  table.print(out);
  (void)out.flush();
  return ::testing::internal::GetCapturedStdout();
}

TEST(Table, ColumnsSizeToTheirWidestCellAndNeverRunTogether) {
  Table table({0, 8});
  table.header({"model", "latency"});
  table.row({"anthropic/claude-3-5-haiku-latest", "30 ms"});
  table.row({"é", "1234567890 ms", "last"});
  table.line("  a line of its own");
  EXPECT_EQ(printed(table),
            "model                              latency\n"
            "anthropic/claude-3-5-haiku-latest  30 ms\n"
            "é                                  1234567…  last\n"
            "  a line of its own\n");
}

TEST(Output, WarningsAndHintsWriteControlCharactersAsText) {
  Output out;
  out.configure(ColorMode::never);
  ::testing::internal::CaptureStderr();
  out.warn("prompt 'x\033[2J' is\tbroken\nsee below\a");
  out.hint("try 'y\r'");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "warning: prompt 'x\\x1b[2J' is\tbroken\nsee below\\x07\n"
            "hint: try 'y\\x0d'\n");
}

TEST(PromptArguments, APathToAPromptFileIsItsNameFromWhereTheCommandStarted) {
  std::filesystem::path top = "/repo";
  std::filesystem::path prompts = top / "prompts";
  EXPECT_EQ(prompt_argument("reply.yaml", prompts / "support", prompts), "support/reply");
  EXPECT_EQ(prompt_argument("../a.yaml@HEAD~1", prompts / "support", prompts), "a@HEAD~1");
  EXPECT_EQ(prompt_argument("./prompts/x.yaml", top, prompts), "x");
  EXPECT_EQ(prompt_argument("support/reply.yaml", top, prompts), "support/reply.yaml")
      << "outside prompts/: left for the name rules";
  EXPECT_EQ(prompt_argument("reply", prompts / "support", prompts), "reply");
  EXPECT_EQ(prompt_argument("reply.tests.yaml", prompts, prompts), "reply.tests.yaml");
}

}  // namespace
}  // namespace promptctl::cli
