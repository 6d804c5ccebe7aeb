// status and commit, checked against the git CLI.
#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

class Committing : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/a.yaml", "template: a\n");
    write("prompts/b.yaml", "template: b\n");
  }
  int commit_count() const { return std::stoi(git(root(), {"rev-list", "--count", "HEAD"})); }
};

}  // namespace

TEST_F(Committing, CommitMakesAnOrdinaryGitCommit) {
  ProcessResult made = run({"commit", "-m", "First prompts", "--json"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  json result = json::parse(made.out);
  EXPECT_EQ(result["commit"], git(root(), {"rev-parse", "HEAD"}).substr(0, 40));
  EXPECT_EQ(result["paths"],
            json({"promptctl.yaml", "prompts/.gitkeep", "prompts/a.yaml", "prompts/b.yaml"}));
  EXPECT_EQ(git(root(), {"log", "--format=%an <%ae>|%cn <%ce>|%ad|%s", "--date=iso-strict"}),
            "Test Author <author@example.com>|Test Committer <committer@example.com>|"
            "2026-01-01T00:00:00+00:00|First prompts\n");
  EXPECT_EQ(git(root(), {"show", "HEAD:prompts/a.yaml"}), "template: a\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "");
  ProcessResult fsck = run_process("git", {"fsck", "--strict"}, ProcessOptions{root(), {}, {}});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
}

TEST_F(Committing, CommitOfNamedPromptsLeavesOtherChangesAlone) {
  ASSERT_EQ(run({"commit", "-m", "one"}).exit_code, 0);
  write("prompts/a.yaml", "template: a2\n");
  write("prompts/b.yaml", "template: b2\n");
  write("unrelated.txt", "staged elsewhere\n");
  git(root(), {"add", "unrelated.txt"});
  ProcessResult made = run({"commit", "-m", "only a", "a"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(git(root(), {"show", "--name-only", "--format=", "HEAD"}), "prompts/a.yaml\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), " M prompts/b.yaml\nA  unrelated.txt\n");
  EXPECT_EQ(made.out.rfind("[", 0), 0u);
  EXPECT_NE(made.out.find("] only a\n"), std::string::npos) << made.out;
}

TEST_F(Committing, StatusNamesPromptsAndLintsThem) {
  ASSERT_EQ(run({"commit", "-m", "one"}).exit_code, 0);
  EXPECT_EQ(run({"status"}).out, "nothing changed since HEAD\n");
  ASSERT_EQ(run({"mv", "b", "c"}).exit_code, 0);
  write("prompts/a.yaml", "template: \"{{undeclared}}\"\n");
  write("prompts/new.yaml", "template: n\n");
  write("prompts/new.tests.yaml", "- name: t\n");
  write("promptctl.yaml", "version: 1\n");
  json status = json::parse(run({"status", "--json"}).out);
  EXPECT_FALSE(status["clean"].get<bool>());
  ASSERT_EQ(status["changes"].size(), 4u) << status.dump(2);
  EXPECT_EQ(status["changes"][0], json::parse(R"({"name":"a","subject":"prompt","status":"modified",
      "old_name":null,"paths":["prompts/a.yaml"],"lint":{"errors":1,"warnings":0},
      "used_by":[]})"));
  EXPECT_EQ(status["changes"][1]["name"], "c");
  EXPECT_EQ(status["changes"][1]["status"], "renamed");
  EXPECT_EQ(status["changes"][1]["old_name"], "b");
  EXPECT_EQ(status["changes"][2]["name"], "new");
  EXPECT_EQ(status["changes"][2]["status"], "added");
  EXPECT_EQ(status["changes"][2]["paths"], json({"prompts/new.tests.yaml", "prompts/new.yaml"}));
  EXPECT_EQ(status["changes"][3]["subject"], "settings");
  EXPECT_EQ(status["changes"][3]["lint"], nullptr);

  ASSERT_EQ(run({"commit", "-m", "rename", "c"}).exit_code, 0);
  EXPECT_EQ(git(root(), {"show", "--format=", "--name-status", "-M", "HEAD"}),
            "R100\tprompts/b.yaml\tprompts/c.yaml\n");
}

TEST_F(Committing, RefusalsLeaveTheRepositoryAsItWas) {
  ASSERT_EQ(run({"commit", "-m", "one"}).exit_code, 0);
  ProcessResult empty = run({"commit", "-m", "again"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.err, "promptctl: error: nothing to commit: no prompt changed since HEAD\n");
  EXPECT_EQ(run({"commit", "-m", "again", "a"}).exit_code, 1);
  EXPECT_EQ(run({"commit", "-m", "  ", "a"}).err,
            "promptctl: error: the commit message is empty\n");
  EXPECT_EQ(run({"commit", "-m", "x", "nope"}).exit_code, 2);

  write("prompts/a.yaml", "template: changed\n");
  write(".git/index.lock", "");
  ProcessResult locked = run({"commit", "-m", "locked"});
  EXPECT_EQ(locked.exit_code, 3);
  EXPECT_NE(locked.err.find("error: the repository is locked by another git process"),
            std::string::npos)
      << locked.err;
  std::filesystem::remove(root() / ".git/index.lock");

  ProcessResult anonymous = run({"commit", "-m", "who"}, {}, {},
                                {{"GIT_AUTHOR_NAME", ""},
                                 {"GIT_AUTHOR_EMAIL", ""},
                                 {"GIT_COMMITTER_NAME", ""},
                                 {"GIT_COMMITTER_EMAIL", ""}});
  EXPECT_EQ(anonymous.exit_code, 2);
  EXPECT_NE(anonymous.err.find("error: no git identity for the author"), std::string::npos)
      << anonymous.err;
  ProcessResult bad_date =
      run({"commit", "-m", "when"}, {}, {}, {{"GIT_AUTHOR_DATE", "yesterday-ish"}});
  EXPECT_EQ(bad_date.exit_code, 2);
  EXPECT_NE(bad_date.err.find("cannot read GIT_AUTHOR_DATE 'yesterday-ish'"), std::string::npos);
  EXPECT_EQ(commit_count(), 1);
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), " M prompts/a.yaml\n");
}

TEST_F(Committing, AFileTooLargeToReadIsNotCommitted) {
  ASSERT_EQ(run({"commit", "-m", "one"}).exit_code, 0);
  write("prompts/a.yaml", "template: |\n" + std::string(11 * 1024 * 1024, 'x') + "\n");
  write("prompts/b.yaml", "template: b2\n");
  ProcessResult refused = run({"commit", "-m", "big"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("prompts/a.yaml: error: file is "), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("larger than the 10485760 a prompt may be"), std::string::npos);
  EXPECT_EQ(commit_count(), 1);
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), " M prompts/a.yaml\n M prompts/b.yaml\n");
  EXPECT_EQ(run({"commit", "-m", "small", "b"}).exit_code, 0);
}

TEST_F(Committing, GitAndPromptctlSeeEachOthersCommits) {
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-q", "-m", "by git"});
  write("prompts/a.yaml", "template: by promptctl\n");
  EXPECT_EQ(json::parse(run({"status", "--json"}).out)["changes"][0]["name"], "a");
  ASSERT_EQ(run({"commit", "-m", "by promptctl"}).exit_code, 0);
  EXPECT_EQ(git(root(), {"log", "--format=%s"}), "by promptctl\nby git\n");
  EXPECT_EQ(git(root(), {"diff", "HEAD~1", "--stat"}),
            " prompts/a.yaml | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n");
  EXPECT_EQ(run({"render", "a@HEAD~1"}).out, "a");
}

// A dataset a test reads goes with its prompt: status lists it, and a commit of the prompt
// takes it, so that HEAD never names a dataset that was left untracked.
TEST_F(Committing, DataThatTestsReadIsListedAndCommittedWithItsPrompt) {
  ASSERT_EQ(run({"commit", "-m", "one"}).exit_code, 0);
  write("prompts/a.yaml",
        "template: a\ntests:\n  - {name: rows, dataset: data/rows.csv}\n"
        "  - {name: shaped, assert: [{type: json-schema, value: schemas/out.json}]}\n");
  write("prompts/b.tests.yaml",
        "- {name: rows, dataset: ./data/rows.csv}\n"
        "- {name: near, vars: prompts/fixtures/near.json}\n");
  write("prompts/fixtures/near.json", "{\"x\": 1}\n");
  write("prompts/README.md", "not read by any test, and listed as before\n");
  write("data/rows.csv", "x\n1\n");
  write("schemas/out.json", "{}\n");
  write("notes.txt", "not read by any test\n");
  ProcessResult status = run({"status", "--json", "--no-lint"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  json changes = json::parse(status.out)["changes"];
  ASSERT_EQ(changes.size(), 6U) << status.out;
  EXPECT_EQ(changes[2]["name"], "prompts/README.md");
  EXPECT_EQ(changes[2]["subject"], "other");
  changes.erase(2);
  EXPECT_EQ(changes[2]["name"], "data/rows.csv");
  EXPECT_EQ(changes[2]["subject"], "data");
  EXPECT_EQ(changes[2]["status"], "added");
  EXPECT_EQ(changes[2]["used_by"], json({"a", "b"}));
  EXPECT_EQ(changes[3]["name"], "prompts/fixtures/near.json");
  EXPECT_EQ(changes[3]["used_by"], json({"b"}));
  EXPECT_EQ(changes[4]["name"], "schemas/out.json");
  EXPECT_EQ(changes[4]["used_by"], json({"a"}));
  EXPECT_NE(run({"status", "--no-lint"}).out.find("data/rows.csv"), std::string::npos);

  ProcessResult commit = run({"commit", "-m", "b with its data", "b", "--json"});
  ASSERT_EQ(commit.exit_code, 0) << commit.err;
  EXPECT_EQ(json::parse(commit.out)["paths"],
            json({"data/rows.csv", "prompts/b.tests.yaml", "prompts/b.yaml",
                  "prompts/fixtures/near.json"}));
  EXPECT_EQ(git(root(), {"show", "HEAD:data/rows.csv"}), "x\n1\n");
  EXPECT_EQ(git(root(), {"status", "--porcelain"}),
            " M prompts/a.yaml\n?? notes.txt\n?? prompts/README.md\n?? schemas/\n");
  ASSERT_EQ(run({"commit", "-m", "the rest"}).exit_code, 0);
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "?? notes.txt\n");

  // A dataset renamed: the commit takes the new file and the old one's removal.
  git(root(), {"mv", "data/rows.csv", "data/renamed.csv"});
  write("prompts/b.tests.yaml", "- {name: rows, dataset: data/renamed.csv}\n");
  ASSERT_EQ(run({"commit", "-m", "renamed", "b"}).exit_code, 0);
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), "?? notes.txt\n");
}
