// Which files of the prompts folder are prompts: the walk behind `ls`, `lint` and every command
// that lists prompts; and their stamps, which tell `ls` whether its cache still holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "prompt/file_stamps.hpp"
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

TEST(Listing, StampsAreTheFilesOwnWhoeverTakesThem) {
  // Enough files in enough folders for several chunks, and names whose folder ends a chunk.
  promptctl::testing::TempDir dir;
  std::vector<std::string> names;
  for (int folder = 0; folder < 7; ++folder) {
    for (int file = 0; file < 150; ++file) {
      names.push_back("f" + std::to_string(folder) + "/p" + std::to_string(1000 + file));
      dir.write("prompts/" + names.back() + ".yaml", std::string(folder * 150 + file, 'x'));
    }
  }
  names.push_back("top");
  dir.write("prompts/top.yaml", "t");
  names.push_back("zz/missing");
  std::sort(names.begin(), names.end());
  std::filesystem::path prompts = dir.path() / "prompts";

  prompt_detail::StampJob job(prompts, names);
  ASSERT_GT(job.chunks(), 2U);
  std::thread early([&] { job.help(); });
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    job.help();
  });
  job.help();
  early.join();
  late.join();
  std::vector<std::optional<prompt_detail::FileStamp>> stamps = std::move(job).stamps();
  ASSERT_EQ(stamps.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::filesystem::path file = prompts / (names[i] + ".yaml");
    if (!std::filesystem::exists(file)) {
      EXPECT_FALSE(stamps[i].has_value()) << names[i];
      continue;
    }
    ASSERT_TRUE(stamps[i].has_value()) << names[i];
    EXPECT_EQ(stamps[i]->size, std::filesystem::file_size(file)) << names[i];
  }
  EXPECT_EQ(prompt_detail::stamps_of(prompts, names), stamps);
}
