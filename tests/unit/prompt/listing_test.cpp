// Which files of the prompts folder are prompts: the walk behind `ls`, `lint` and every command
// that lists prompts.
#include <gtest/gtest.h>

#include <filesystem>

#include "promptctl/workspace.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;

TEST(Listing, PromptFilesAtAnyDepthLinksToFilesAndNotHiddenFolders) {
  promptctl::testing::TempDir dir;
  dir.write("promptctl.yaml", "version: 1\n");
  dir.write("prompts/top.yaml", "template: a\n");
  dir.write("prompts/team/deep/er/one.yaml", "template: b\n");
  dir.write("prompts/team/one.tests.yaml", "tests: []\n");
  dir.write("prompts/team/notes.md", "not a prompt\n");
  dir.write("prompts/.drafts/hidden.yaml", "template: c\n");
  dir.write("prompts/.odd.yaml", "template: d\n");
  dir.write("prompts/Bad Name.yaml", "template: e\n");
  dir.write("elsewhere/linked.yaml", "template: f\n");
  dir.write("elsewhere/folder/inside.yaml", "template: g\n");
  std::filesystem::create_symlink(dir.path() / "elsewhere/linked.yaml",
                                  dir.path() / "prompts/link.yaml");
  std::filesystem::create_symlink(dir.path() / "elsewhere/folder", dir.path() / "prompts/folder");
  std::filesystem::create_directories(dir.path() / "prompts/folder.yaml");  // a folder, not a file

  Workspace workspace = Workspace::open(dir.path());
  EXPECT_EQ(workspace.list_names(), (std::vector<std::string>{"link", "team/deep/er/one", "top"}));
  EXPECT_EQ(workspace.invalid_files(),
            (std::vector<std::string>{"prompts/.odd.yaml", "prompts/Bad Name.yaml"}));
}

TEST(Listing, NoPromptsFolderIsAnEmptyList) {
  promptctl::testing::TempDir dir;
  dir.write("promptctl.yaml", "version: 1\n");
  EXPECT_TRUE(Workspace::open(dir.path()).list_names().empty());
}
