// NAME@REV: prompts read from commits that the git CLI made, with no checkout.
#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

class Revisions : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/a.yaml", "variables: {who: string}\ntemplate: \"v1 {{who}} {{> shared/p}}\"\n");
    write("prompts/shared/p.yaml", "template: old partial\n");
    commit("first");
    m_first = git(root(), {"rev-parse", "HEAD"}).substr(0, 40);
    write("prompts/a.yaml", "variables: {who: string}\ntemplate: \"v2 {{who}} {{> shared/p}}\"\n");
    write("prompts/shared/p.yaml", "template: new partial\n");
    write("promptctl.yaml", "version: 1\ndefaults:\n  model: {provider: echo, name: second}\n");
    commit("second");
    git(root(), {"tag", "-a", "-m", "release", "v2"});
    git(root(), {"branch", "topic", m_first});
    // Uncommitted work that reading revisions must leave alone.
    write("prompts/a.yaml", "variables: {who: string}\ntemplate: \"draft {{who}}\"\n");
  }

  void commit(const std::string& message) {
    git(root(), {"add", "-A"});
    git(root(), {"commit", "-q", "-m", message});
  }

  std::string m_first;
};

}  // namespace

TEST_F(Revisions, RenderReadsTheRevisionWithItsPartialsAndSettings) {
  EXPECT_EQ(run({"render", "a", "--var", "who=x"}).out, "draft x");
  EXPECT_EQ(run({"render", "a@HEAD", "--var", "who=x"}).out, "v2 x new partial");
  EXPECT_EQ(run({"render", "a@HEAD~1", "--var", "who=x"}).out, "v1 x old partial");
  EXPECT_EQ(run({"render", "a@v2", "--var", "who=x"}).out, "v2 x new partial");
  EXPECT_EQ(run({"render", "a@topic", "--var", "who=x"}).out, "v1 x old partial");
  EXPECT_EQ(run({"render", "a@" + m_first.substr(0, 7), "--var", "who=x"}).out, "v1 x old partial");
  EXPECT_EQ(run({"render", "prompts/a.yaml@" + m_first, "--var", "who=x"}).out, "v1 x old partial");

  json old_json = json::parse(run({"render", "a@HEAD~1", "--var", "who=x", "--json"}).out);
  EXPECT_EQ(old_json["revision"], "HEAD~1");
  EXPECT_EQ(old_json["commit"], m_first);
  EXPECT_EQ(old_json["model"]["name"], "echo");  // promptctl.yaml as it was then
  EXPECT_EQ(json::parse(run({"render", "a@HEAD", "--var", "who=x", "--json"}).out)["model"]["name"],
            "second");
  EXPECT_EQ(json::parse(run({"render", "a", "--var", "who=x", "--json"}).out)["revision"], nullptr);

  // Reading history changed nothing: the draft is still the only change git sees.
  EXPECT_EQ(git(root(), {"status", "--porcelain"}), " M prompts/a.yaml\n");
  EXPECT_EQ(git(root(), {"rev-parse", "--abbrev-ref", "HEAD"}).empty(), false);
}

TEST_F(Revisions, ShowAndVarsTakeRevisionsToo) {
  json shown = json::parse(run({"show", "a@HEAD~1", "--json"}).out);
  EXPECT_EQ(shown["messages"][0]["content"], "v1 {{who}} {{> shared/p}}");
  EXPECT_EQ(shown["path"], "HEAD~1:prompts/a.yaml");
  EXPECT_EQ(shown["commit"], m_first);
  EXPECT_NE(run({"show", "a@HEAD~1"})
                .out.find("HEAD~1:prompts/a.yaml (commit " + m_first.substr(0, 7) + ")"),
            std::string::npos);
  EXPECT_EQ(json::parse(run({"vars", "a@v2", "--json"}).out)["variables"][0]["status"], "ok");
}

TEST_F(Revisions, VersionNumbersAndRefsOfTheSameNameMustAgree) {
  EXPECT_EQ(run({"render", "a@v2", "--var", "who=x"}).out, "v2 x new partial")
      << "the tag v2 and a's version 2 are the same commit";
  git(root(), {"tag", "v1"});  // HEAD, where a is at its version 2
  ProcessResult ambiguous = run({"render", "a@v1", "--var", "who=x"});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("'a@v1' is ambiguous: version v1 of 'a' is " + m_first.substr(0, 7)),
            std::string::npos)
      << ambiguous.err;
  EXPECT_EQ(run({"render", "a@refs/tags/v1", "--var", "who=x"}).out, "v2 x new partial");
  git(root(), {"tag", "v7", m_first});
  EXPECT_EQ(run({"render", "a@v7", "--var", "who=x"}).out, "v1 x old partial")
      << "a has no version 7: the tag";
}

TEST_F(Revisions, BadRevisionsAreClearErrors) {
  ProcessResult unknown = run({"render", "a@v3"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "promptctl: error: 'a' has no version v3\n"
            "hint: its versions are v1 to v2 ('promptctl log a' lists them)\n")
      << "v3 reads as a version number; no tag of that name exists";
  ProcessResult missing = run({"show", "nope@HEAD"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err.rfind("promptctl: error: no prompt named 'nope' at revision 'HEAD' (", 0),
            0u)
      << missing.err;
  ProcessResult empty = run({"show", "a@"});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "promptctl: error: 'a@' names no revision after '@'\n");
  write("prompts/broken.yaml", "template: \"{{#x}}\"\n");
  commit("broken");
  ProcessResult broken = run({"render", "broken@HEAD"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_EQ(broken.err, "HEAD:prompts/broken.yaml:1:12: error: unclosed section 'x'\n");
}

TEST_F(RepoTest, RevisionsNeedCommitsAndGit) {
  write("prompts/a.yaml", "template: x\n");
  ProcessResult no_commits = run({"render", "a@HEAD"});
  EXPECT_EQ(no_commits.exit_code, 2);
  EXPECT_EQ(no_commits.err,
            "promptctl: error: unknown revision 'HEAD': the repository has no commits yet\n");

  TempDir plain;
  plain.write("promptctl.yaml", "version: 1\n");
  plain.write("prompts/a.yaml", "template: x\n");
  ProcessOptions options;
  options.cwd = plain.path();
  options.env = {{"GIT_CEILING_DIRECTORIES", plain.path().parent_path().string()}};
  ProcessResult no_git = run_promptctl({"render", "a@HEAD"}, options);
  EXPECT_EQ(no_git.exit_code, 2);
  EXPECT_NE(no_git.err.find("is not in a git repository, so it has no revisions"),
            std::string::npos)
      << no_git.err;
}

TEST_F(Revisions, CompletionOffersRevisionsAfterTheAt) {
  EXPECT_EQ(run({"__complete", "render", "a@t"}).out, "a@topic\n");
  EXPECT_EQ(run({"__complete", "render", "a@v"}).out, "a@v2\n");
}
