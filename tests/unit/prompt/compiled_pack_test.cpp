// The pack a server keeps its compiled prompts in: read back as written, rewritten only when a
// load used other entries than it holds, and never trusted when damaged.
#include "prompt/compiled_pack.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "support/temp_dir.hpp"
#include "util/fs.hpp"

using namespace promptctl;
namespace fs = std::filesystem;

namespace {

SourceFile prompt_file(const std::string& name, const std::string& greeting) {
  return {"HEAD:prompts/" + name + ".yaml", "template: '" + greeting + " {{name}}'\n"};
}

// Loads `name` through `pack` as a server does, keeping what it parses.
std::string loaded_template(const prompt_detail::CompiledPack& pack, const std::string& name,
                            const std::string& greeting) {
  LoadResult loaded = prompt_detail::load_compiled(pack, name, prompt_file(name, greeting),
                                                   std::nullopt, KeepCompiled::yes);
  EXPECT_TRUE(loaded.prompt && loaded.diagnostics.empty());
  return loaded.prompt ? loaded.prompt->template_text->content : "";
}

bool holds(const fs::path& file, const std::string& name, const std::string& greeting) {
  prompt_detail::CompiledPack pack(file);
  return pack
      .find(name,
            prompt_detail::CompiledPrompts::key_of(name, prompt_file(name, greeting), std::nullopt))
      .has_value();
}

ino_t inode_of(const fs::path& file) {
  struct stat status {};
  EXPECT_EQ(::stat(file.c_str(), &status), 0);
  return status.st_ino;
}

}  // namespace

TEST(CompiledPack, HoldsWhatALoadUsedAndKept) {
  promptctl::testing::TempDir dir;
  fs::path file = dir.path() / "cache" / "served-x";
  {
    prompt_detail::CompiledPack pack(file);
    EXPECT_EQ(loaded_template(pack, "a", "Hello"), "Hello {{name}}");
    EXPECT_EQ(loaded_template(pack, "b", "Hi"), "Hi {{name}}");
    pack.finish(true);
  }
  EXPECT_TRUE(holds(file, "a", "Hello"));
  EXPECT_TRUE(holds(file, "b", "Hi"));
  EXPECT_FALSE(holds(file, "a", "Hi")) << "an entry stands only for its own bytes";
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  // A load that uses exactly the entries held leaves the file as it is.
  ino_t written = inode_of(file);
  {
    prompt_detail::CompiledPack pack(file);
    EXPECT_EQ(loaded_template(pack, "a", "Hello"), "Hello {{name}}");
    EXPECT_EQ(loaded_template(pack, "b", "Hi"), "Hi {{name}}");
    pack.finish(true);
  }
  EXPECT_EQ(inode_of(file), written);

  // One that changed a prompt and dropped another keeps only what it used.
  {
    prompt_detail::CompiledPack pack(file);
    EXPECT_EQ(loaded_template(pack, "a", "Howdy"), "Howdy {{name}}");
    pack.finish(true);
  }
  EXPECT_TRUE(holds(file, "a", "Howdy"));
  EXPECT_FALSE(holds(file, "a", "Hello"));
  EXPECT_FALSE(holds(file, "b", "Hi"));
}

TEST(CompiledPack, KeepsNothingUnlessToldAndLetsGoWhenFinished) {
  promptctl::testing::TempDir dir;
  fs::path file = dir.path() / "served-x";
  prompt_detail::CompiledPack pack(file);
  (void)loaded_template(pack, "a", "Hello");
  pack.finish(false);
  EXPECT_FALSE(fs::exists(file));
  // After finishing, loads parse and keep nothing.
  EXPECT_EQ(loaded_template(pack, "a", "Hello"), "Hello {{name}}");
  EXPECT_FALSE(pack.find(
      "a", prompt_detail::CompiledPrompts::key_of("a", prompt_file("a", "Hello"), std::nullopt)));
}

TEST(CompiledPack, ADamagedPackIsReadAsEmpty) {
  promptctl::testing::TempDir dir;
  fs::path file = dir.path() / "served-x";
  {
    prompt_detail::CompiledPack pack(file);
    (void)loaded_template(pack, "a", "Hello");
    (void)loaded_template(pack, "b", "Hi");
    pack.finish(true);
  }
  std::string text = util::read_file(file);
  std::string key_b =
      prompt_detail::CompiledPrompts::key_of("b", prompt_file("b", "Hi"), std::nullopt);
  std::size_t b_at = text.find(key_b);
  ASSERT_NE(b_at, std::string::npos);
  for (std::string damaged :
       {text.substr(0, text.size() - 1), text.substr(0, b_at) + key_b + " 99999\nx",
        text.substr(0, b_at) + key_b + " 1x\nx",
        "promptctl-compiled-pack 0\n" + text.substr(text.find('\n') + 1), std::string("\xff"),
        text.substr(0, text.size() - 5) + "\xff\xff\xff\xff\xff"}) {
    util::write_file_atomic(file, damaged);
    EXPECT_FALSE(holds(file, "a", "Hello") && holds(file, "b", "Hi"));
    prompt_detail::CompiledPack pack(file);
    EXPECT_EQ(loaded_template(pack, "a", "Hello"), "Hello {{name}}");
    EXPECT_EQ(loaded_template(pack, "b", "Hi"), "Hi {{name}}");
  }
}
