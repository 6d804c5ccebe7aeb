// Reading files at a revision: the repository keeps the trees of folders it has read from, so
// each answer must still be that commit's.
#include <gtest/gtest.h>

#include "promptctl/repo.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;
using promptctl::testing::git;

TEST(ReadFile, EachCommitsFilesEvenAfterTheSameFolderWasReadAtAnother) {
  promptctl::testing::TempDir dir;
  git(dir.path(), {"init", "-q", "-b", "main"});
  dir.write("prompts/a.yaml", "one\n");
  dir.write("prompts/b.yaml", "bee\n");
  dir.write("top.txt", "top\n");
  git(dir.path(), {"add", "-A"});
  git(dir.path(), {"commit", "-q", "-m", "first"});
  dir.write("prompts/a.yaml", "two\n");
  dir.write("prompts/deeper/c.yaml", "sea\n");
  git(dir.path(), {"add", "-A"});
  git(dir.path(), {"commit", "-q", "-m", "second"});

  repo::Repository repository = repo::Repository::discover(dir.path());
  repo::Revision first = repository.resolve("HEAD~1");
  repo::Revision second = repository.resolve("HEAD");
  for (int round = 0; round < 2; ++round) {  // the second round reads from kept trees
    EXPECT_EQ(repository.read_file(first, "prompts/a.yaml"), "one\n");
    EXPECT_EQ(repository.read_file(second, "prompts/a.yaml"), "two\n");
    EXPECT_EQ(repository.read_file(second, "prompts/b.yaml"), "bee\n");
    EXPECT_EQ(repository.read_file(second, "top.txt"), "top\n");
    EXPECT_EQ(repository.read_file(second, "prompts/deeper/c.yaml"), "sea\n");
    EXPECT_EQ(repository.read_file(first, "prompts/deeper/c.yaml"), std::nullopt);
    EXPECT_EQ(repository.read_file(second, "prompts/missing.yaml"), std::nullopt);
    EXPECT_EQ(repository.read_file(second, "prompts/deeper"), std::nullopt) << "a folder";
    EXPECT_EQ(repository.read_file(second, "top.txt/inside"), std::nullopt) << "under a file";
  }
  EXPECT_EQ(repository.list_files(first, "prompts/"),
            (std::vector<std::string>{"prompts/a.yaml", "prompts/b.yaml"}));
  EXPECT_EQ(
      repository.list_files(second, "prompts"),
      (std::vector<std::string>{"prompts/a.yaml", "prompts/b.yaml", "prompts/deeper/c.yaml"}));
  EXPECT_EQ(repository.list_files(second, "nowhere"), std::vector<std::string>{});
}
