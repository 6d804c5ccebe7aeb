// branch, switch and merge, checked against the git CLI, with merges made by either tool.
#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

class Branching : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/greet.yaml", "description: Greets\ntemplate: |\n  Hello\n  there\n");
    write("prompts/other.yaml", "template: other\n");
    ASSERT_EQ(run({"commit", "-m", "base"}).exit_code, 0);
    git(root(), {"branch", "-M", "main"});
  }
  void commit(const std::string& message) {
    ProcessResult made = run({"commit", "-m", message});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  std::string rev(const std::string& expression) const {
    return git(root(), {"rev-parse", expression}).substr(0, 40);
  }
  void expect_fsck_clean() const {
    ProcessResult fsck = run_process("git", {"fsck", "--strict"}, ProcessOptions{root(), {}, {}});
    EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
  }
  // A conflicting change of greet's description on branch "side" and on main.
  void make_conflict() {
    ASSERT_EQ(run({"switch", "-c", "side"}).exit_code, 0);
    write("prompts/greet.yaml", "description: Side\ntemplate: |\n  Hello\n  there\n");
    commit("side");
    ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
    write("prompts/greet.yaml", "description: Main\ntemplate: |\n  Hello\n  there\n");
    commit("main");
  }
};

}  // namespace

TEST_F(Branching, BranchesAreGitBranches) {
  ProcessResult created = run({"branch", "feature"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(git(root(), {"branch", "--format=%(refname:short)"}), "feature\nmain\n");
  json listed = json::parse(run({"branch", "--json"}).out);
  EXPECT_EQ(listed["current"], "main");
  EXPECT_EQ(listed["branches"][0],
            (json{{"name", "feature"}, {"commit", rev("HEAD")}, {"current", false}}));
  EXPECT_EQ(run({"branch"}).out, "  feature                  " + rev("HEAD").substr(0, 7) +
                                     "\n* main                     " + rev("HEAD").substr(0, 7) +
                                     "\n");
  EXPECT_EQ(run({"branch", "feature"}).exit_code, 2) << "already exists";
  EXPECT_EQ(run({"branch", "bad..name"}).exit_code, 2);
  EXPECT_EQ(run({"branch", "-d", "main"}).exit_code, 1) << "the current branch";

  ProcessResult switched = run({"switch", "feature", "--json"});
  ASSERT_EQ(switched.exit_code, 0) << switched.err;
  EXPECT_EQ(json::parse(switched.out)["branch"], "feature");
  EXPECT_EQ(json::parse(switched.out)["created"], false);
  EXPECT_EQ(git(root(), {"symbolic-ref", "--short", "HEAD"}), "feature\n");
  write("prompts/greet.yaml", "template: on feature\n");
  commit("feature work");
  ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
  EXPECT_EQ(read("prompts/greet.yaml"), "description: Greets\ntemplate: |\n  Hello\n  there\n");
  ProcessResult unmerged = run({"branch", "-d", "feature"});
  EXPECT_EQ(unmerged.exit_code, 1);
  EXPECT_NE(unmerged.err.find("-D"), std::string::npos) << unmerged.err;
  EXPECT_EQ(run({"branch", "-D", "feature"}).exit_code, 0);
  EXPECT_EQ(git(root(), {"branch", "--format=%(refname:short)"}), "main\n");
  EXPECT_EQ(run({"switch", "nowhere"}).exit_code, 2);
  expect_fsck_clean();
}

TEST_F(Branching, SwitchRefusesToOverwriteUncommittedChanges) {
  ASSERT_EQ(run({"switch", "-c", "feature"}).exit_code, 0);
  write("prompts/greet.yaml", "template: feature\n");
  commit("feature");
  ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
  write("prompts/greet.yaml", "template: precious edit\n");
  ProcessResult refused = run({"switch", "feature"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("prompts/greet.yaml"), std::string::npos) << refused.err;
  EXPECT_EQ(read("prompts/greet.yaml"), "template: precious edit\n");
  EXPECT_EQ(git(root(), {"symbolic-ref", "--short", "HEAD"}), "main\n");
  // A change to a file both branches share unchanged travels along, as with git.
  write("prompts/greet.yaml", "description: Greets\ntemplate: |\n  Hello\n  there\n");
  write("prompts/other.yaml", "template: carried\n");
  ProcessResult switched = run({"switch", "feature", "--json"});
  ASSERT_EQ(switched.exit_code, 0) << switched.err;
  EXPECT_EQ(json::parse(switched.out)["branch"], "feature");
  EXPECT_EQ(json::parse(switched.out)["created"], false);
  EXPECT_EQ(read("prompts/other.yaml"), "template: carried\n");
}

TEST_F(Branching, FastForwardAndThreeWayMergesAreOrdinaryGitCommits) {
  ASSERT_EQ(run({"switch", "-c", "feature"}).exit_code, 0);
  write("prompts/greet.yaml", "description: Greets\ntemplate: |\n  Hello\n  there, friend\n");
  commit("feature");
  ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
  json ff = json::parse(run({"merge", "feature", "--json"}).out);
  EXPECT_EQ(ff["outcome"], "fast-forward");
  EXPECT_EQ(rev("HEAD"), rev("feature"));
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  EXPECT_EQ(json::parse(run({"merge", "feature", "--json"}).out)["outcome"], "up-to-date");

  ProcessResult switched = run({"switch", "feature", "--json"});
  ASSERT_EQ(switched.exit_code, 0) << switched.err;
  EXPECT_EQ(json::parse(switched.out)["branch"], "feature");
  EXPECT_EQ(json::parse(switched.out)["created"], false);
  write("prompts/other.yaml", "template: other changed on feature\n");
  commit("feature again");
  ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
  write("prompts/greet.yaml",
        "description: Greets warmly\ntemplate: |\n  Hello\n  there, friend\n");
  commit("main change");
  ProcessResult merged = run({"merge", "feature"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%s|%P"}),
            "Merge branch 'feature'|" + rev("HEAD^1") + " " + rev("feature") + "\n");
  EXPECT_EQ(read("prompts/other.yaml"), "template: other changed on feature\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  EXPECT_EQ(git(root(), {"diff", "HEAD^1", "HEAD", "--name-only"}), "prompts/other.yaml\n");
  expect_fsck_clean();
}

TEST_F(Branching, ConflictsAreLeftWithMarkersThatLintReports) {
  make_conflict();
  std::string before = rev("HEAD");
  ProcessResult merged = run({"merge", "side", "--json"});
  EXPECT_EQ(merged.exit_code, 1);
  json result = json::parse(merged.out);
  EXPECT_EQ(result["outcome"], "conflicts");
  EXPECT_EQ(result["conflicts"], json({{{"name", "greet"}, {"paths", {"prompts/greet.yaml"}}}}));
  EXPECT_EQ(read("prompts/greet.yaml"),
            "<<<<<<< HEAD\ndescription: Main\n=======\ndescription: Side\n>>>>>>> side\n"
            "template: |\n  Hello\n  there\n");
  ProcessResult lint = run({"lint", "greet"});
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_NE(lint.out.find("prompts/greet.yaml:1:1: error: unresolved merge conflict marker"),
            std::string::npos)
      << lint.out;
  EXPECT_EQ(json::parse(run({"status", "--json"}).out)["changes"][0]["status"], "conflicted");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "UU prompts/greet.yaml\n");
  ProcessResult again = run({"merge", "side"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already in progress"), std::string::npos);
  ProcessResult early = run({"merge", "--continue"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("prompts/greet.yaml:1:1"), std::string::npos) << early.err;

  ASSERT_EQ(run({"merge", "--abort"}).exit_code, 0);
  EXPECT_EQ(rev("HEAD"), before);
  EXPECT_EQ(read("prompts/greet.yaml"), "description: Main\ntemplate: |\n  Hello\n  there\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  EXPECT_FALSE(std::filesystem::exists(root() / ".git/MERGE_HEAD"));
  EXPECT_EQ(run({"merge", "--abort"}).exit_code, 1) << "nothing to abort";
}

TEST_F(Branching, ResolvedConflictsAreCommittedWithContinue) {
  make_conflict();
  ASSERT_EQ(run({"merge", "side"}).exit_code, 1);
  write("prompts/greet.yaml", "description: Both\ntemplate: |\n  Hello\n  there\n");
  ProcessResult done = run({"merge", "--continue"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(git(root(), {"log", "-1", "--format=%s|%P"}),
            "Merge branch 'side'|" + rev("HEAD^1") + " " + rev("side") + "\n");
  EXPECT_EQ(git(root(), {"show", "HEAD:prompts/greet.yaml"}),
            "description: Both\ntemplate: |\n  Hello\n  there\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  json log = json::parse(run({"log", "greet", "--json"}).out);
  EXPECT_EQ(log["versions"][0]["commit"], rev("HEAD"));
  EXPECT_EQ(log["versions"][0]["parents"].size(), 2u);
  expect_fsck_clean();
}

TEST_F(Branching, MergeRefusesADirtyTreeAndLeavesItAlone) {
  ASSERT_EQ(run({"switch", "-c", "side"}).exit_code, 0);
  write("prompts/other.yaml", "template: side\n");
  commit("side");
  ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
  write("prompts/greet.yaml", "template: unsaved\n");
  ProcessResult refused = run({"merge", "side"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("uncommitted changes"), std::string::npos) << refused.err;
  EXPECT_EQ(read("prompts/greet.yaml"), "template: unsaved\n");
  EXPECT_EQ(read("prompts/other.yaml"), "template: other\n");
}

TEST_F(Branching, MergeAndSwitchRefuseALockedRepository) {
  ASSERT_EQ(run({"branch", "side"}).exit_code, 0);
  write(".git/index.lock", "");
  ProcessResult switched = run({"switch", "side"});
  EXPECT_EQ(switched.exit_code, 3);
  EXPECT_NE(switched.err.find("locked by another git process"), std::string::npos);
  EXPECT_EQ(git(root(), {"symbolic-ref", "--short", "HEAD"}), "main\n");
  std::filesystem::remove(root() / ".git/index.lock");
}

TEST_F(Branching, MergeMadeWithGitIsReadAndOneMadeHereIsReadByGit) {
  git(root(), {"switch", "-q", "-c", "side"});
  write("prompts/other.yaml", "template: side\n");
  git(root(), {"commit", "-q", "-am", "side"});
  git(root(), {"switch", "-q", "main"});
  write("prompts/greet.yaml", "template: main\n");
  git(root(), {"commit", "-q", "-am", "main"});
  git(root(), {"merge", "-q", "--no-edit", "side"});
  json log = json::parse(run({"log", "--json"}).out);
  EXPECT_EQ(log["commits"][0]["parents"], json({rev("HEAD^1"), rev("HEAD^2")}));
  EXPECT_EQ(run({"show", "other@HEAD", "--json"}).exit_code, 0);
  EXPECT_EQ(json::parse(run({"diff", "HEAD^1", "HEAD", "--json"}).out)["changes"][0]["name"],
            "other");

  ASSERT_EQ(run({"switch", "-c", "second"}).exit_code, 0);
  write("prompts/other.yaml", "template: second\n");
  commit("second");
  ASSERT_EQ(run({"switch", "main"}).exit_code, 0);
  write("prompts/greet.yaml", "template: main again\n");
  commit("main again");
  ASSERT_EQ(run({"merge", "second"}).exit_code, 0);
  EXPECT_EQ(git(root(), {"log", "--format=%s", "--first-parent"}),
            "Merge branch 'second'\nmain again\nMerge branch 'side'\nmain\nbase\n");
  EXPECT_EQ(
      git(root(), {"diff", "--stat", "HEAD^2", "HEAD"}).find("greet.yaml") != std::string::npos,
      true);
  expect_fsck_clean();
}

TEST_F(Branching, CompletionOffersBranchesAndRevisions) {
  ASSERT_EQ(run({"branch", "feature"}).exit_code, 0);
  ASSERT_EQ(run({"release", "greet", "--bump", "patch"}).exit_code, 0);
  EXPECT_EQ(run({"__complete", "switch", "f"}).out, "feature\n");
  EXPECT_EQ(run({"__complete", "branch", "-d", ""}).out, "");
  EXPECT_EQ(run({"__complete", "merge", "fe"}).out, "feature\n");
  EXPECT_EQ(run({"__complete", "diff", "g"}).out, "greet@1.0.0\ngreet\n");
  EXPECT_EQ(run({"__complete", "show", "greet@1"}).out, "greet@1.0.0\n");
}
