// log, content hashes, diff, release and restore, checked against the git CLI.
#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

class History : public RepoTest {
 protected:
  // Commits with the given date, so that --since has something to cut.
  void commit(const std::string& message, const std::string& date = "2026-01-01T00:00:00Z") {
    ProcessResult made = run({"commit", "-m", message}, {}, {},
                             {{"GIT_AUTHOR_DATE", date}, {"GIT_COMMITTER_DATE", date}});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  std::string head() const { return git(root(), {"rev-parse", "HEAD"}).substr(0, 40); }
};

}  // namespace

TEST_F(History, LogNumbersVersionsAndFollowsRenames) {
  write("prompts/greet.yaml", "template: v1\n");
  commit("first", "2026-01-01T00:00:00Z");
  write("prompts/other.yaml", "template: unrelated\n");
  commit("unrelated", "2026-01-02T00:00:00Z");
  write("prompts/greet.yaml", "template: v2\n");
  commit("second", "2026-01-03T00:00:00Z");
  ASSERT_EQ(run({"mv", "greet", "hello"}).exit_code, 0);
  commit("rename only", "2026-01-04T00:00:00Z");
  write("prompts/hello.yaml", "template: v3\n");
  commit("third", "2026-01-05T00:00:00Z");

  json log = json::parse(run({"log", "hello", "--json"}).out);
  std::vector<std::string> seen;
  for (const json& version : log["versions"]) {
    seen.push_back(version["summary"].get<std::string>() + "=" +
                   (version["version"].is_null() ? "-" : version["version"].dump()) + "/" +
                   version["change"].get<std::string>() + "/" + version["name"].get<std::string>());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"third=3/modified/hello", "rename only=2/renamed/hello",
                                            "second=2/modified/greet", "first=1/added/greet"}));
  EXPECT_EQ(log["versions"][1]["old_name"], "greet");
  // The same commits git lists for the file with --follow.
  std::string git_commits =
      git(root(), {"log", "--follow", "--format=%H", "--", "prompts/hello.yaml"});
  std::string ours;
  for (const json& version : log["versions"]) {
    ours += version["commit"].get<std::string>() + "\n";
  }
  EXPECT_EQ(ours, git_commits);
  // A pure rename keeps the content, and so the content hash.
  EXPECT_EQ(log["versions"][1]["content_hash"], log["versions"][2]["content_hash"]);
  EXPECT_NE(log["versions"][0]["content_hash"], log["versions"][1]["content_hash"]);

  // The numbers log prints address the versions.
  EXPECT_EQ(run({"render", "hello@v3"}).out, "v3");
  EXPECT_EQ(run({"render", "hello@v2"}).out, "v2") << "the rename kept the content";
  EXPECT_EQ(json::parse(run({"show", "hello@v2", "--json"}).out)["revision"], "v2");
  ProcessResult renamed = run({"render", "hello@v1"});
  EXPECT_EQ(renamed.exit_code, 2);
  EXPECT_NE(renamed.err.find("'hello' was named 'greet' at v1"), std::string::npos) << renamed.err;
  ProcessResult past = run({"render", "hello@v9"});
  EXPECT_EQ(past.exit_code, 2);
  EXPECT_NE(past.err.find("'hello' has no version v9"), std::string::npos) << past.err;
  EXPECT_NE(past.err.find("its versions are v1 to v3"), std::string::npos) << past.err;

  json limited = json::parse(run({"log", "hello", "-n", "1", "--json"}).out);
  ASSERT_EQ(limited["versions"].size(), 1u);
  EXPECT_EQ(limited["versions"][0]["version"], 3);
  json recent = json::parse(run({"log", "hello", "--since", "2026-01-03", "--json"}).out);
  EXPECT_EQ(recent["versions"].size(), 3u);
  EXPECT_EQ(run({"log", "hello", "--since", "someday"}).exit_code, 2);

  std::string text = run({"log", "hello"}).out;
  EXPECT_NE(text.find("v2    " + log["versions"][1]["commit"].get<std::string>().substr(0, 7)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(renamed from greet)"), std::string::npos) << text;

  json repository = json::parse(run({"log", "--json"}).out);
  EXPECT_EQ(repository["commits"].size(), 5u);
  EXPECT_EQ(repository["commits"][0]["commit"], head());
}

TEST_F(History, LogReadsHistoryMadeWithGitIncludingMerges) {
  write("prompts/a.yaml", "template: base\n");
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-q", "-m", "base"});
  git(root(), {"switch", "-q", "-c", "side"});
  write("prompts/a.yaml", "template: side\n");
  git(root(), {"commit", "-q", "-am", "side change"});
  git(root(), {"switch", "-q", "-"});
  write("prompts/b.yaml", "template: b\n");
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-q", "-m", "main change"});
  git(root(), {"merge", "-q", "--no-edit", "side"});

  json log = json::parse(run({"log", "a", "--json"}).out);
  std::string ours;
  for (const json& version : log["versions"]) {
    ours += version["commit"].get<std::string>() + "\n";
  }
  EXPECT_EQ(ours, git(root(), {"log", "--format=%H", "--", "prompts/a.yaml"}));
  EXPECT_EQ(log["versions"][0]["version"], 2);
  json repository = json::parse(run({"log", "--json"}).out);
  EXPECT_EQ(repository["commits"][0]["parents"].size(), 2u);
  EXPECT_EQ(repository["commits"].size(), 4u);
}

TEST_F(History, UnknownPromptHasNoHistory) {
  write("prompts/greet.yaml", "template: x\n");
  commit("first");
  ProcessResult missing = run({"log", "gret"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("did you mean 'greet'"), std::string::npos) << missing.err;
}

TEST_F(History, ContentHashCoversPartialsAndIgnoresTheName) {
  write("prompts/shared/persona.yaml", "template: You are kind.\n");
  write("prompts/a.yaml", "template: \"{{> shared/persona}} A\"\n");
  write("prompts/copy.yaml", "template: \"{{> shared/persona}} A\"\n");
  commit("first");
  json a = json::parse(run({"show", "a", "--json"}).out);
  json copy = json::parse(run({"show", "copy", "--json"}).out);
  EXPECT_EQ(a["content_hash"], copy["content_hash"]);
  EXPECT_EQ(a["content_partials"], json({"shared/persona"}));
  EXPECT_EQ(a["revision"], nullptr);
  json at_head = json::parse(run({"show", "a@HEAD", "--json"}).out);
  EXPECT_EQ(at_head["content_hash"], a["content_hash"]);
  EXPECT_EQ(at_head["revision"], "HEAD");
  EXPECT_EQ(at_head["commit"], head());
  write("prompts/shared/persona.yaml", "template: You are terse.\n");
  json changed = json::parse(run({"show", "a", "--json"}).out);
  EXPECT_NE(changed["content_hash"], a["content_hash"]);
}

TEST_F(History, DiffNamesFieldsAndTemplateLines) {
  write("prompts/greet.yaml",
        "description: Greets\nmodel: {temperature: 0.2}\nvariables:\n  who: string\n"
        "  tone: {type: string, default: warm}\ntemplate: |\n  Hello {{who}}\n  Bye\n");
  commit("first");
  EXPECT_EQ(run({"diff", "--exit-code"}).exit_code, 0);
  write("prompts/greet.yaml",
        "description: Greets people\nmodel: {temperature: 0.7}\nvariables:\n  who: integer\n"
        "  style: string\ntemplate: |\n  Hi {{who}} {{style}}\n  Bye\n");
  ProcessResult shown = run({"diff", "--json", "--exit-code"});
  EXPECT_EQ(shown.exit_code, 1);
  json diff = json::parse(shown.out);
  ASSERT_EQ(diff["changes"].size(), 1u);
  json change = diff["changes"][0];
  EXPECT_EQ(change["status"], "modified");
  std::vector<std::string> fields;
  for (const json& field : change["fields"]) {
    fields.push_back(field["field"].get<std::string>() + ":" + field["change"].get<std::string>());
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"description:changed", "model:changed",
                                              "variables.tone:removed", "variables.who:changed",
                                              "variables.style:added"}));
  EXPECT_EQ(change["hunks"][0]["lines"], json({"-Hello {{who}}", "+Hi {{who}} {{style}}", " Bye"}));
  EXPECT_EQ(change["added_lines"], 1);
  EXPECT_EQ(diff["to"], nullptr);

  std::string text = run({"diff"}).out;
  EXPECT_NE(text.find("modified    greet\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  description: \"Greets\" -> \"Greets people\"\n"), std::string::npos);
  // Variables read as they are written, not as JSON.
  EXPECT_NE(text.find("  variables.tone: removed string, optional, default warm\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  variables.who: type string -> integer\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  variables.style: added string, required\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  -Hello {{who}}\n  +Hi {{who}} {{style}}\n"), std::string::npos);
  EXPECT_EQ(text.find("\x1b["), std::string::npos) << "no colour when not on a terminal";
  EXPECT_NE(run({"--color", "always", "diff"}).out.find("\x1b[32m+Hi"), std::string::npos);

  std::string stat = run({"diff", "--stat"}).out;
  EXPECT_NE(stat.find("5 fields"), std::string::npos) << stat;
  EXPECT_NE(stat.find("1 changed, 1 template line added, 1 removed"), std::string::npos);
  EXPECT_EQ(run({"diff", "--quiet"}).out, "");
  EXPECT_EQ(run({"diff", "--quiet"}).exit_code, 1);
}

TEST_F(History, DiffBetweenRevisionsAndByName) {
  write("prompts/a.yaml", "template: a1\n");
  write("prompts/b.yaml", "template: b1\n");
  commit("first");
  std::string first = head();
  write("prompts/a.yaml", "template: a2\n");
  write("prompts/b.yaml", "template: b2\n");
  write("prompts/b.tests.yaml", "- name: new test\n  assert: [{type: contains, value: b}]\n");
  commit("second");
  json both = json::parse(run({"diff", "HEAD~1", "HEAD", "--json"}).out);
  EXPECT_EQ(both["from"]["commit"], first);
  EXPECT_EQ(both["to"]["commit"], head());
  ASSERT_EQ(both["changes"].size(), 2u);
  EXPECT_EQ(both["changes"][1]["fields"][0]["field"], "tests.new test");
  EXPECT_NE(
      run({"diff", "HEAD~1", "HEAD"}).out.find("  tests.new test: added assert [contains b]\n"),
      std::string::npos);
  json only_b = json::parse(run({"diff", "HEAD~1", "HEAD", "b", "--json"}).out);
  ASSERT_EQ(only_b["changes"].size(), 1u);
  EXPECT_EQ(only_b["changes"][0]["name"], "b");
  json separated = json::parse(run({"diff", "--json", "HEAD~1", "--", "a"}).out);
  ASSERT_EQ(separated["changes"].size(), 1u);
  EXPECT_EQ(separated["changes"][0]["name"], "a");
  EXPECT_EQ(run({"diff", "HEAD~1", "--", "HEAD"}).exit_code, 2) << "after --, only names";
  json against_one = json::parse(run({"diff", "HEAD~1", "a", "--json"}).out);
  ASSERT_EQ(against_one["changes"].size(), 1u);
  EXPECT_EQ(against_one["to"], nullptr);
  // The same files git sees as changed.
  EXPECT_EQ(git(root(), {"diff", "--name-only", "HEAD~1", "HEAD"}),
            "prompts/a.yaml\nprompts/b.tests.yaml\nprompts/b.yaml\n");
}

TEST_F(History, DiffRefusesANameThatIsAlsoARevision) {
  write("prompts/main.yaml", "template: x\n");
  commit("first");
  git(root(), {"branch", "-M", "main"});
  ProcessResult ambiguous = run({"diff", "main"});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("'main' is both a revision and a prompt name"), std::string::npos);
  EXPECT_EQ(run({"diff", "--", "main"}).exit_code, 0);
}

TEST_F(History, DiffComparesAFileThatDoesNotLoadAsText) {
  write("prompts/a.yaml", "template: fine\n");
  commit("first");
  write("prompts/a.yaml", "template: [broken\n");
  json diff = json::parse(run({"diff", "--json"}).out);
  ASSERT_EQ(diff["changes"].size(), 1u);
  EXPECT_NE(diff["changes"][0]["problem"], nullptr);
  EXPECT_EQ(diff["changes"][0]["hunks"][0]["lines"],
            json({"-template: fine", "+template: [broken"}));
}

TEST_F(History, ReleasesAreAnnotatedTagsWithSemanticVersions) {
  write("prompts/greet.yaml", "template: one\n");
  commit("first");
  json first = json::parse(run({"release", "greet", "--bump", "minor", "--json"}).out);
  EXPECT_EQ(first["release"], "1.0.0");
  EXPECT_EQ(first["tag"], "greet@1.0.0");
  EXPECT_EQ(git(root(), {"cat-file", "-t", "greet@1.0.0"}), "tag\n");
  EXPECT_EQ(git(root(), {"rev-parse", "greet@1.0.0^{commit}"}).substr(0, 40), head());

  ProcessResult unchanged = run({"release", "greet", "--bump", "patch"});
  EXPECT_EQ(unchanged.exit_code, 1);
  EXPECT_NE(unchanged.err.find("has not changed since greet@1.0.0"), std::string::npos);

  write("prompts/greet.yaml", "template: two\n");
  commit("second");
  ASSERT_EQ(run({"release", "greet", "--bump", "minor", "-m", "Warmer"}).exit_code, 0);
  write("prompts/greet.yaml", "template: three\n");
  commit("third");
  ASSERT_EQ(run({"release", "greet", "--bump", "major"}).exit_code, 0);
  json listed = json::parse(run({"releases", "greet", "--json"}).out);
  std::vector<std::string> versions;
  for (const json& release : listed["releases"]) {
    versions.push_back(release["release"]);
  }
  EXPECT_EQ(versions, (std::vector<std::string>{"2.0.0", "1.1.0", "1.0.0"}));
  EXPECT_EQ(listed["releases"][1]["message"], "Warmer\n");
  EXPECT_EQ(git(root(), {"tag", "-l"}), "greet@1.0.0\ngreet@1.1.0\ngreet@2.0.0\n");

  EXPECT_EQ(run({"render", "greet@1.1.0"}).out, "two");
  json shown = json::parse(run({"show", "greet@1.0.0", "--json"}).out);
  EXPECT_EQ(shown["path"], "greet@1.0.0:prompts/greet.yaml");
  EXPECT_EQ(shown["content_hash"], listed["releases"][2]["content_hash"]);
  ProcessResult missing = run({"show", "greet@3.0.0"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("its releases: greet@1.0.0, greet@1.1.0, greet@2.0.0"),
            std::string::npos)
      << missing.err;
  EXPECT_EQ(run({"release", "nothing", "--bump", "patch"}).exit_code, 2);
  EXPECT_EQ(run({"release", "greet", "--bump", "huge"}).exit_code, 2);
  ProcessResult fsck = run_process("git", {"fsck", "--strict"}, ProcessOptions{root(), {}, {}});
  EXPECT_EQ(fsck.exit_code, 0) << fsck.err;
}

TEST_F(History, RestoreBringsAVersionBackForCommitting) {
  write("prompts/greet.yaml", "template: one\n");
  write("prompts/greet.tests.yaml", "- name: t\n  assert: [{type: contains, value: o}]\n");
  commit("first");
  ASSERT_EQ(run({"release", "greet", "--bump", "patch"}).exit_code, 0);
  write("prompts/greet.yaml", "template: two\n");
  std::filesystem::remove(root() / "prompts/greet.tests.yaml");
  commit("second");
  write("prompts/greet.yaml", "template: uncommitted\n");
  ProcessResult refused = run({"restore", "greet@1.0.0"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(read("prompts/greet.yaml"), "template: uncommitted\n") << "nothing lost";
  ASSERT_EQ(run({"restore", "greet@HEAD", "--force"}).exit_code, 0);
  json restored = json::parse(run({"restore", "greet@1.0.0", "--json"}).out);
  EXPECT_EQ(restored["written"], json({"prompts/greet.yaml", "prompts/greet.tests.yaml"}));
  EXPECT_EQ(read("prompts/greet.yaml"), "template: one\n");
  git(root(), {"add", "-A"});
  EXPECT_EQ(git(root(), {"diff", "--cached", "--name-only", "HEAD~1"}), "") << "as it was";
  EXPECT_EQ(run({"restore", "greet"}).exit_code, 2);
}

TEST_F(History, EmptyRepositoriesAndPlainFoldersGetClearErrors) {
  // The whole history and the working tree's differences are simply empty (command_line_test);
  // what needs a commit says so.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"log", "greet"}, {"release", "greet", "--bump", "patch"}}) {
    ProcessResult empty = run(args);
    EXPECT_EQ(empty.exit_code, 2) << args[0];
    EXPECT_NE(empty.err.find("no commits yet"), std::string::npos) << empty.err;
  }
  std::filesystem::create_directories(m_dir.path() / "plain");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"log"}, {"diff"}, {"branch"}, {"merge", "x"}, {"push"}}) {
    ProcessResult outside = run(args, m_dir.path() / "plain");
    EXPECT_EQ(outside.exit_code, 2) << args[0];
    EXPECT_NE(outside.err.find("promptctl.yaml"), std::string::npos) << outside.err;
  }
}
