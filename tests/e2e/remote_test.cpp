// clone, remote, fetch, pull and push over file paths and bare repositories.
#include <map>

#include "e2e/e2e.hpp"
#include "support/git_http_server.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

class Remotes : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    git(m_dir.path(), {"init", "-q", "--bare", "hub.git"});
    write("prompts/greet.yaml", "template: hello\n");
    ASSERT_EQ(run({"commit", "-m", "base"}).exit_code, 0);
    git(root(), {"branch", "-M", "main"});
    ASSERT_EQ(run({"release", "greet", "--bump", "minor"}).exit_code, 0);
    git(root(), {"notes", "--ref=promptctl", "add", "-m", "approved: staging", "HEAD"});
    ProcessResult added = run({"remote", "add", "origin", hub().string(), "--json"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    ASSERT_EQ(json::parse(added.out)["added"], "origin");
  }
  [[nodiscard]] std::filesystem::path hub() const { return m_dir.path() / "hub.git"; }
  [[nodiscard]] std::filesystem::path second() const { return m_dir.path() / "second"; }
  ProcessResult run_in_second(const std::vector<std::string>& args) const {
    return run(args, second());
  }
};

}  // namespace

TEST_F(Remotes, PushCarriesTheBranchTagsAndNotes) {
  json remotes = json::parse(run({"remote", "--json"}).out);
  EXPECT_EQ(remotes["remotes"], json({{{"name", "origin"}, {"url", hub().string()}}}));
  EXPECT_EQ(run({"remote", "add", "origin", "elsewhere"}).exit_code, 2);
  ProcessResult pushed = run({"push", "--json"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(json::parse(pushed.out)["refs"],
            json({"refs/heads/main", "refs/notes/promptctl", "refs/tags/greet@1.0.0"}));
  std::string refs = git(hub(), {"for-each-ref", "--format=%(refname)"});
  EXPECT_EQ(refs, "refs/heads/main\nrefs/notes/promptctl\nrefs/tags/greet@1.0.0\n");
  EXPECT_EQ(git(root(), {"rev-parse", "--abbrev-ref", "main@{upstream}"}), "origin/main\n");
  ProcessResult fsck = run_process("git", {"fsck", "--strict"}, ProcessOptions{hub(), {}, {}});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
}

TEST_F(Remotes, CloneBringsReleasesAndNotes) {
  ASSERT_EQ(run({"push"}).exit_code, 0);
  ProcessResult cloned = run({"clone", hub().string(), "second", "--json"}, m_dir.path());
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  EXPECT_EQ(json::parse(cloned.out)["prompt_repository"], true);
  EXPECT_EQ(run_in_second({"render", "greet@1.0.0"}).out, "hello");
  EXPECT_EQ(git(second(), {"notes", "--ref=promptctl", "show", "HEAD"}), "approved: staging\n");
  EXPECT_EQ(git(second(), {"log", "--format=%H"}), git(root(), {"log", "--format=%H"}));
  ProcessResult again = run({"clone", hub().string(), "second"}, m_dir.path());
  EXPECT_EQ(again.exit_code, 2) << "the folder exists";
  ProcessResult missing =
      run({"clone", (m_dir.path() / "nowhere.git").string(), "third"}, m_dir.path());
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(m_dir.path() / "third")) << "no half-made clone";
}

TEST_F(Remotes, PullFastForwardsAndMerges) {
  ASSERT_EQ(run({"push"}).exit_code, 0);
  ASSERT_EQ(run({"clone", hub().string(), "second"}, m_dir.path()).exit_code, 0);
  m_dir.write("second/prompts/greet.yaml", "template: hello from second\n");
  ASSERT_EQ(run_in_second({"commit", "-m", "second's change"}).exit_code, 0);
  ASSERT_EQ(run_in_second({"release", "greet", "--bump", "patch"}).exit_code, 0);
  ASSERT_EQ(run_in_second({"push"}).exit_code, 0);

  json pulled = json::parse(run({"pull", "--json"}).out);
  EXPECT_EQ(pulled["outcome"], "fast-forward");
  EXPECT_EQ(read("prompts/greet.yaml"), "template: hello from second\n");
  EXPECT_EQ(git(root(), {"tag", "-l"}), "greet@1.0.0\ngreet@1.0.1\n");

  write("prompts/mine.yaml", "template: mine\n");
  ASSERT_EQ(run({"commit", "-m", "mine"}).exit_code, 0);
  m_dir.write("second/prompts/theirs.yaml", "template: theirs\n");
  ASSERT_EQ(run_in_second({"commit", "-m", "theirs"}).exit_code, 0);
  ASSERT_EQ(run_in_second({"push"}).exit_code, 0);
  ProcessResult pulled_again = run({"pull"});
  ASSERT_EQ(pulled_again.exit_code, 0) << pulled_again.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%s"}), "Merge branch 'main' of origin\n");
  EXPECT_EQ(read("prompts/theirs.yaml"), "template: theirs\n");
  ASSERT_EQ(run({"push"}).exit_code, 0);
  EXPECT_EQ(git(hub(), {"rev-parse", "main"}), git(root(), {"rev-parse", "HEAD"}));
}

TEST_F(Remotes, NonFastForwardPushIsRefusedAndChangesNothing) {
  ASSERT_EQ(run({"push"}).exit_code, 0);
  ASSERT_EQ(run({"clone", hub().string(), "second"}, m_dir.path()).exit_code, 0);
  m_dir.write("second/prompts/greet.yaml", "template: theirs\n");
  ASSERT_EQ(run_in_second({"commit", "-m", "theirs"}).exit_code, 0);
  ASSERT_EQ(run_in_second({"push"}).exit_code, 0);
  std::string hub_main = git(hub(), {"rev-parse", "main"});
  write("prompts/greet.yaml", "template: mine\n");
  ASSERT_EQ(run({"commit", "-m", "mine"}).exit_code, 0);
  ProcessResult rejected = run({"push"});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_NE(rejected.err.find("rejected the push"), std::string::npos) << rejected.err;
  EXPECT_NE(rejected.err.find("promptctl pull"), std::string::npos) << rejected.err;
  EXPECT_EQ(git(hub(), {"rev-parse", "main"}), hub_main);
}

TEST_F(Remotes, MistakesGetClearErrors) {
  EXPECT_EQ(run({"fetch", "upstream"}).exit_code, 2);
  EXPECT_EQ(run({"remote", "add", "bad name", "x"}).exit_code, 2);
  EXPECT_EQ(run({"remote", "rename", "a", "b"}).exit_code, 2);
  git(root(), {"checkout", "-q", "--detach"});
  ProcessResult detached = run({"push"});
  EXPECT_EQ(detached.exit_code, 2);
  EXPECT_NE(detached.err.find("HEAD is detached"), std::string::npos) << detached.err;
  // History and versions still read on a detached HEAD.
  EXPECT_EQ(run({"log", "greet"}).exit_code, 0);
  EXPECT_EQ(run({"branch", "--json"}).exit_code, 0);
  EXPECT_EQ(json::parse(run({"branch", "--json"}).out)["current"], nullptr);
}

TEST_F(Remotes, PasswordsInRemoteUrlsAreNeverShown) {
  ASSERT_EQ(
      run({"remote", "add", "secret", "https://user:s3cr3t-token@127.0.0.1:9/x.git"}).exit_code, 0);
  std::string listed = run({"remote"}).out;
  EXPECT_EQ(listed.find("s3cr3t-token"), std::string::npos) << listed;
  EXPECT_NE(listed.find("https://user:***@127.0.0.1:9/x.git"), std::string::npos) << listed;
  ProcessResult failed = run({"fetch", "secret"});
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_EQ(failed.err.find("s3cr3t-token"), std::string::npos) << failed.err;
}

TEST_F(Remotes, NotesAddedOnBothSidesAreMergedNotLost) {
  ASSERT_EQ(run({"push"}).exit_code, 0);
  ASSERT_EQ(run({"clone", hub().string(), "second"}, m_dir.path()).exit_code, 0);
  git(second(), {"notes", "--ref=promptctl", "append", "-m", "approved: production", "HEAD"});
  ASSERT_EQ(run_in_second({"push"}).exit_code, 0);
  git(root(), {"notes", "--ref=promptctl", "append", "-m", "approved: qa", "HEAD"});
  ProcessResult pushed_first = run({"push"});
  EXPECT_EQ(pushed_first.exit_code, 1) << "the notes diverged";

  ProcessResult fetched = run({"fetch", "--json"});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_EQ(json::parse(fetched.out)["notices"].size(), 1u);
  EXPECT_EQ(git(root(), {"notes", "--ref=promptctl", "show", "HEAD"}),
            "\napproved: production\napproved: qa\napproved: staging\n");
  EXPECT_EQ(git(root(), {"rev-list", "--count", "--merges", "refs/notes/promptctl"}), "1\n");
  ASSERT_EQ(run({"push"}).exit_code, 0);
  ASSERT_EQ(run_in_second({"fetch"}).exit_code, 0);
  EXPECT_EQ(git(second(), {"rev-parse", "refs/notes/promptctl"}),
            git(root(), {"rev-parse", "refs/notes/promptctl"}))
      << "a fast-forward on the other side";
  ProcessResult fsck = run_process("git", {"fsck", "--strict"}, ProcessOptions{root(), {}, {}});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
}

TEST_F(Remotes, HttpRemotesTakeATokenFromTheEnvironment) {
  const std::string token = "tok3n-s3cret";
  GitHttpServer server(m_dir.path(), "ci-bot", token);
  ASSERT_EQ(run({"remote", "add", "web", server.url("hub.git")}).exit_code, 0);
  const std::map<std::string, std::string> credentials = {{"PROMPTCTL_GIT_TOKEN", token},
                                                          {"PROMPTCTL_GIT_USERNAME", "ci-bot"}};

  ProcessResult anonymous = run({"push", "web"});
  EXPECT_EQ(anonymous.exit_code, 3);
  EXPECT_NE(anonymous.err.find("cannot push to 'web'"), std::string::npos) << anonymous.err;
  ProcessResult wrong =
      run({"push", "web"}, {}, {},
          {{"PROMPTCTL_GIT_TOKEN", "not-it"}, {"PROMPTCTL_GIT_USERNAME", "ci-bot"}});
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_EQ(wrong.err.find("not-it"), std::string::npos) << wrong.err;
  EXPECT_GT(server.refused(), 0);
  EXPECT_EQ(git(hub(), {"for-each-ref", "--format=%(refname)"}), "");

  ProcessResult pushed = run({"push", "web"}, {}, {}, credentials);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(git(hub(), {"rev-parse", "main"}), git(root(), {"rev-parse", "HEAD"}));
  ProcessResult cloned =
      run({"clone", server.url("hub.git"), "second"}, m_dir.path(), {}, credentials);
  ASSERT_EQ(cloned.exit_code, 0) << cloned.err;
  EXPECT_EQ(run_in_second({"render", "greet@1.0.0"}).out, "hello");
  // The token is used, never stored.
  EXPECT_EQ(m_dir.read("second/.git/config").find(token), std::string::npos);
  EXPECT_EQ(read(".git/config").find(token), std::string::npos);
}

TEST(ShortIds, AnAmbiguousShortIdIsRefused) {
  TempDir dir;
  ASSERT_EQ(run_promptctl({"init", "repo"}, ProcessOptions{dir.path(), {}, {}}).exit_code, 0);
  std::filesystem::path root = dir.path() / "repo";
  dir.write("repo/prompts/a.yaml", "template: a\n");
  git(root, {"add", "-A"});
  git(root, {"commit", "-q", "-m", "one"});
  // Store blobs until two ids share their first four digits (deterministic content).
  std::vector<std::string> files;
  for (int i = 0; i < 600; ++i) {
    std::string name = "blob" + std::to_string(i);
    dir.write(name, std::to_string(i) + "\n");
    files.push_back((dir.path() / name).string());
  }
  std::vector<std::string> args = {"hash-object", "-w"};
  args.insert(args.end(), files.begin(), files.end());
  std::string ids = git(root, args);
  std::map<std::string, int> by_prefix;
  std::string prefix;
  for (size_t at = 0; at + 40 <= ids.size(); at += 41) {
    if (++by_prefix[ids.substr(at, 4)] == 2) {
      prefix = ids.substr(at, 4);
      break;
    }
  }
  ASSERT_FALSE(prefix.empty()) << "600 blobs share no 4-digit prefix";
  ProcessResult shown = run_promptctl({"show", "a@" + prefix}, ProcessOptions{root, {}, {}});
  EXPECT_EQ(shown.exit_code, 2);
  EXPECT_NE(shown.err.find("short commit id '" + prefix + "' is ambiguous"), std::string::npos)
      << shown.err;
}
