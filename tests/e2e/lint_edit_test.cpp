// lint, mv and rm on scratch repositories; bad files are reported and never changed.
#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

TEST_F(RepoTest, LintReportsEveryProblemWithLocations) {
  write("prompts/ok.yaml", "variables: {x: string}\ntemplate: \"{{x}}\"\n");
  write("prompts/bad.yaml", R"(descripton: typo
variables:
  used: string
  spare: {type: integer, default: "no"}
template: "{{used}} {{undeclared}} {{> missing/partial}}"
tests:
  - name: t
    vars: {used: 1, extra: x}
)");
  write("prompts/Bad Name.yaml", "template: x\n");
  std::string before = read("prompts/bad.yaml");
  ProcessResult text = run({"lint"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(
      text.out,
      "prompts/Bad Name.yaml: error: file name is not a valid prompt name: a prompt name may use "
      "letters, digits, '_', '-', '.' and '/', not ' '\n"
      "prompts/bad.yaml:1:1: error: unknown key 'descripton' (did you mean 'description'?)\n"
      "prompts/bad.yaml:4:3: warning: variable 'spare' is declared but never used\n"
      "prompts/bad.yaml:4:35: error: default: variable 'spare' must be an integer, not string "
      "'no'\n"
      "prompts/bad.yaml:5:21: error: variable 'undeclared' is used but not declared\n"
      "prompts/bad.yaml:5:36: error: unknown partial 'missing/partial'\n"
      "prompts/bad.yaml:8:18: error: test 't': variable 'used' must be a string, not integer 1\n"
      "prompts/bad.yaml:8:28: error: test 't' sets unknown variable 'extra'\n"
      "7 errors, 1 warning in 2 prompts\n");
  EXPECT_EQ(read("prompts/bad.yaml"), before);

  json report = json::parse(run({"lint", "--json"}).out);
  EXPECT_EQ(report["prompts_checked"], 2);
  EXPECT_EQ(report["errors"], 7);
  EXPECT_EQ(report["warnings"], 1);
  EXPECT_EQ(report["diagnostics"][1],
            json::parse(R"json({"file":"prompts/bad.yaml","line":1,"column":1,
      "severity":"error","code":"unknown-key","message":"unknown key 'descripton' (did you mean 'description'?)"})json"));

  ProcessResult github = run({"lint", "bad", "--format", "github"});
  EXPECT_EQ(github.exit_code, 1);
  EXPECT_NE(
      github.out.find(
          "::error file=prompts/bad.yaml,line=1,col=1,title=promptctl unknown-key::unknown key "
          "'descripton' (did you mean 'description'?)\n"),
      std::string::npos)
      << github.out;
  EXPECT_NE(github.out.find("::warning file=prompts/bad.yaml,line=4,col=3,"), std::string::npos);

  ProcessResult clean = run({"lint", "ok"});
  EXPECT_EQ(clean.exit_code, 0);
  EXPECT_EQ(clean.out, "1 prompt checked, no problems\n");
}

// `lint -` checks a prompt file on standard input (an editor's buffer) with the repository's
// partials, tests file and settings, as the file itself would be checked.
TEST_F(RepoTest, LintReadsAPromptFileFromStandardInput) {
  write("prompts/footer.yaml", "template: Regards\n");
  ProcessResult clean = run({"lint", "-"}, {}, "template: \"Hello {{> footer}}\"\n");
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_EQ(clean.out, "1 prompt checked, no problems\n");
  ProcessResult broken =
      run({"lint", "-", "footer", "--json"}, {}, "temprature: 1\ntemplate: \"{{> nowhere}}\"\n");
  EXPECT_EQ(broken.exit_code, 1);
  json report = json::parse(broken.out);
  EXPECT_EQ(report["prompts_checked"], 2);
  ASSERT_EQ(report["diagnostics"].size(), 2U) << broken.out;
  EXPECT_EQ(report["diagnostics"][0]["file"], "<stdin>");
  EXPECT_EQ(report["diagnostics"][0]["line"], 1);
  EXPECT_EQ(report["diagnostics"][1]["code"], "unknown-partial");
  write("prompts/greet.tests.yaml", "- {name: t, vars: {nope: 1}}\n");
  ProcessResult named = run({"lint", "-", "--stdin-name", "greet"}, {},
                            "variables:\n  who: {type: string}\ntemplate: Hi {{who}}\n");
  EXPECT_EQ(named.exit_code, 1);
  EXPECT_NE(named.out.find("prompts/greet.tests.yaml:1:26: error: test 't' sets unknown variable "
                           "'nope'"),
            std::string::npos)
      << named.out;
  EXPECT_EQ(run({"lint", "-", "-"}, {}, "template: x\n").exit_code, 2);
}

// `edit` saves what lints clean and keeps a broken edit aside, leaving the prompt as it was.
TEST_F(RepoTest, EditSavesOnlyWhatLintsClean) {
  write("prompts/greet.yaml", "template: Hello\n");
  std::map<std::string, std::string> fixes = {{"EDITOR", "sed -i s/Hello/Hi/"}};
  ProcessResult saved = run({"edit", "greet"}, {}, {}, fixes);
  EXPECT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_EQ(saved.out, "saved prompts/greet.yaml\n");
  EXPECT_EQ(read("prompts/greet.yaml"), "template: Hi\n");

  ProcessResult same = run({"edit", "prompts/greet.yaml"}, {}, {}, {{"EDITOR", "true"}});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out, "no changes made to prompts/greet.yaml\n");

  std::map<std::string, std::string> breaks = {{"EDITOR", "sed -i s/template/templat/"}};
  ProcessResult broken = run({"edit", "greet"}, {}, {}, breaks);
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("prompts/greet.yaml:1:1: error: unknown key 'templat'"),
            std::string::npos)
      << broken.out;
  EXPECT_NE(broken.out.find("is unchanged; the edit is kept in "), std::string::npos);
  EXPECT_EQ(read("prompts/greet.yaml"), "template: Hi\n");
  EXPECT_EQ(read(".git/promptctl/edit/greet.yaml"), "templat: Hi\n");

  EXPECT_EQ(run({"edit", "nobody"}, {}, {}, fixes).exit_code, 2);
  ProcessResult no_editor = run({"edit", "greet"});
  EXPECT_EQ(no_editor.exit_code, 2);
  EXPECT_NE(no_editor.err.find("no editor to edit with"), std::string::npos);
}

TEST_F(RepoTest, LintNamesMergeConflictsAndCycles) {
  write("prompts/conflict.yaml", "template: |\n<<<<<<< HEAD\n  a\n=======\n  b\n>>>>>>> topic\n");
  write("prompts/a.yaml", "template: \"{{> b}}\"\n");
  write("prompts/b.yaml", "template: \"{{> a}}\"\n");
  ProcessResult result = run({"lint"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.out.find("prompts/conflict.yaml:2:1: error: unresolved merge conflict marker\n"
                            "prompts/conflict.yaml:4:1: error: unresolved merge conflict marker\n"
                            "prompts/conflict.yaml:6:1: error: unresolved merge conflict marker\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(
                "prompts/a.yaml:1:1: error: partials include each other in a cycle: b -> a -> b"),
            std::string::npos)
      << result.out;
}

TEST_F(RepoTest, BrokenFilesGiveLocatedErrorsEverywhere) {
  write("prompts/broken.yaml", "template: \"{{#open}}\"\n");
  ProcessResult render = run({"render", "broken"});
  EXPECT_EQ(render.exit_code, 2);
  EXPECT_EQ(render.err, "prompts/broken.yaml:1:12: error: unclosed section 'open'\n");
  ProcessResult ls = run({"ls", "--json"});
  EXPECT_EQ(ls.exit_code, 0);
  EXPECT_EQ(json::parse(ls.out)["prompts"][0]["error"],
            "prompts/broken.yaml:1:12: error: unclosed section 'open'");
  write("prompts/huge.yaml",
        "template: x\nx-pad: \"" + std::string(11 * 1024 * 1024, 'a') + "\"\n");
  ProcessResult huge = run({"show", "huge"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_EQ(huge.err.rfind("prompts/huge.yaml: error: file is 11534358 bytes, larger than the "
                           "10485760 a prompt may be",
                           0),
            0u)
      << huge.err;
}

TEST_F(RepoTest, MvRenamesAndRewritesPartialReferences) {
  write("prompts/shared/persona.yaml", "template: Ada\n");
  write("prompts/shared/persona.tests.yaml", "- name: t\n  assert: [{type: equals, value: Ada}]\n");
  write("prompts/a.yaml", "template: \"{{> shared/persona}} and {{>shared/persona}}\"\n");
  write("prompts/b.yaml", "template: \"{{=<% %>=}}<%> shared/persona%>\"\n");
  ProcessResult moved = run({"mv", "shared/persona", "people/ada", "--json"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  json report = json::parse(moved.out);
  EXPECT_EQ(report["moved"],
            json({{{"from", "prompts/shared/persona.yaml"}, {"to", "prompts/people/ada.yaml"}},
                  {{"from", "prompts/shared/persona.tests.yaml"},
                   {"to", "prompts/people/ada.tests.yaml"}}}));
  EXPECT_EQ(report["rewritten"], json({"a"}));
  ASSERT_EQ(report["references_left"].size(), 1u);
  EXPECT_EQ(report["references_left"][0]["prompt"], "b");
  EXPECT_EQ(read("prompts/a.yaml"), "template: \"{{> people/ada}} and {{>people/ada}}\"\n");
  EXPECT_FALSE(std::filesystem::exists(root() / "prompts/shared"));
  EXPECT_EQ(run({"render", "a"}).out, "Ada and Ada");
  ProcessResult clash = run({"mv", "a", "b"});
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_EQ(clash.err, "promptctl: error: prompt 'b' exists already\n");
}

TEST_F(RepoTest, RmRefusesWhileAPartialIsInUse) {
  write("prompts/p.yaml", "template: P\n");
  write("prompts/user.yaml", "template: \"{{> p}}\"\n");
  ProcessResult refused = run({"rm", "p"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err,
            "promptctl: error: prompt 'p' is used as a partial by 1 place\n"
            "prompts/user.yaml:1:12: error: 'user' uses 'p' as a partial\n"
            "hint: use --force to remove it anyway\n");
  EXPECT_TRUE(std::filesystem::exists(root() / "prompts/p.yaml"));
  ProcessResult forced = run({"rm", "--force", "p", "--json"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(json::parse(forced.out),
            (json{{"schema_version", 1}, {"removed", {"prompts/p.yaml"}}}));
  ProcessResult missing = run({"rm", "user", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(std::filesystem::exists(root() / "prompts/user.yaml")) << "nothing removed on error";
}
