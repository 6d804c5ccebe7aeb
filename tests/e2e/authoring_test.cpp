// init, new, ls, show, vars, render: the built binary in scratch repositories.
#include <algorithm>
#include <regex>
#include <thread>

#include "e2e/e2e.hpp"

using namespace promptctl::testing;
using nlohmann::json;

namespace {

const char* const k_reply = R"(description: Reply to a customer inquiry
tags: [support, customer-service]
category: generation
owner: support-team
model: {provider: openai, name: gpt-4o-mini, temperature: 0.2}
variables:
  inquiry: {type: string, description: The customer's message, max_length: 40}
  tone: {type: string, enum: [formal, friendly], default: friendly}
messages:
  - role: system
    content: "{{> shared/persona}} Answer in a {{tone}} tone."
  - role: user
    content: "{{inquiry}}"
)";
const char* const k_persona =
    "description: Shared persona\ntemplate: You are Ada, a support agent.\n";

class Authoring : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    write("prompts/support/reply.yaml", k_reply);
    write("prompts/shared/persona.yaml", k_persona);
  }
};

}  // namespace

TEST_F(Authoring, InitMakesARepositoryThatGitAccepts) {
  EXPECT_EQ(git(root(), {"rev-parse", "--is-inside-work-tree"}), "true\n");
  EXPECT_EQ(git(root(), {"rev-parse", "--show-toplevel"}),
            std::filesystem::canonical(root()).string() + "\n");
  std::string status = git(root(), {"status", "--porcelain", "--untracked-files=all"});
  EXPECT_NE(status.find("?? promptctl.yaml"), std::string::npos) << status;
  EXPECT_NE(status.find("?? prompts/"), std::string::npos) << status;
  ProcessResult again = run({"init", "repo"}, m_dir.path());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("is a prompt repository already"), std::string::npos) << again.err;
}

TEST_F(Authoring, InitInsideAnExistingGitRepositoryAddsOnlyFiles) {
  ProcessResult result = run({"init", "sub", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json report = json::parse(result.out);
  EXPECT_FALSE(report["created_git_repository"].get<bool>());
  EXPECT_FALSE(std::filesystem::exists(root() / "sub" / ".git"));
}

TEST_F(Authoring, NewScaffoldsALintCleanPromptAndRefusesToOverwrite) {
  ProcessResult created =
      run({"new", "summarize", "--template",
           "Summarize {{text}} in {{#bullets}}- {{.}}{{/bullets}}", "--tag", "docs", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(
      json::parse(created.out),
      (json{{"schema_version", 1}, {"name", "summarize"}, {"path", "prompts/summarize.yaml"}}));
  ProcessResult lint = run({"lint", "summarize"});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  ProcessResult vars = run({"vars", "summarize", "--json"});
  json listed = json::parse(vars.out)["variables"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["name"], "text");
  EXPECT_EQ(listed[1]["type"], "array");
  std::string before = read("prompts/summarize.yaml");
  ProcessResult again = run({"new", "summarize"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(again.err, "prompts/summarize.yaml: error: prompt 'summarize' exists already\n");
  EXPECT_EQ(read("prompts/summarize.yaml"), before);
}

TEST_F(Authoring, LsListsSortedAndFilters) {
  ProcessResult all = run({"ls", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  json listed = json::parse(all.out)["prompts"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["name"], "shared/persona");
  EXPECT_EQ(listed[1]["name"], "support/reply");
  EXPECT_EQ(listed[1]["tags"], json({"support", "customer-service"}));
  EXPECT_EQ(listed[1]["category"], "generation");
  EXPECT_EQ(json::parse(run({"ls", "--json", "--tag", "support"}).out)["prompts"].size(), 1u);
  EXPECT_EQ(json::parse(run({"ls", "--json", "--category", "nope"}).out)["prompts"].size(), 0u);
  EXPECT_EQ(run({"ls", "-1", "--grep", "ADA"}).out, "shared/persona\n");
  EXPECT_EQ(run({"ls", "-1", "support/*"}).out, "support/reply\n");
  EXPECT_EQ(run({"ls", "-1", "shared/"}).out, "shared/persona\n");
}

// A render from the working tree needs no git: libgit2, loaded on first use, stays unloaded
// (its start-up would be most of the render's time). The dynamic loader's log tells.
TEST_F(Authoring, RenderingTheWorkingTreeDoesNotLoadGit) {
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-q", "-m", "prompts"});
  std::map<std::string, std::string> loader_log = {{"LD_DEBUG", "files"}};
  ProcessResult here = run({"render", "support/reply", "--var", "inquiry=Hi"}, {}, {}, loader_log);
  ASSERT_EQ(here.exit_code, 0) << here.err;
  EXPECT_EQ(here.err.find("libgit2"), std::string::npos) << here.err;
  ProcessResult at_head =
      run({"render", "support/reply@HEAD", "--var", "inquiry=Hi"}, {}, {}, loader_log);
  ASSERT_EQ(at_head.exit_code, 0) << at_head.err;
  EXPECT_NE(at_head.err.find("libgit2"), std::string::npos) << "the log shows a load";
}

TEST_F(Authoring, ShowJsonHasTheWholePrompt) {
  ProcessResult shown = run({"show", "support/reply", "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  json prompt = json::parse(shown.out);
  EXPECT_EQ(prompt["name"], "support/reply");
  EXPECT_EQ(prompt["path"], "prompts/support/reply.yaml");
  EXPECT_EQ(prompt["model"]["name"], "gpt-4o-mini");
  EXPECT_EQ(prompt["variables"][1]["default"], "friendly");
  EXPECT_EQ(prompt["messages"][0]["role"], "system");
  EXPECT_EQ(prompt["partials"], json({"shared/persona"}));
  EXPECT_EQ(run({"show", "prompts/support/reply.yaml", "--json"}).out, shown.out);
  ProcessResult text = run({"show", "support/reply"});
  EXPECT_NE(text.out.find("openai/gpt-4o-mini temperature=0.2"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("\033["), std::string::npos) << "no colour when not a terminal";
}

TEST_F(Authoring, RenderPrintsExactlyTheTextAndJsonWithModel) {
  write("prompts/one.yaml", "variables: {x: string}\ntemplate: \"<{{x}}>\"\n");
  ProcessResult one = run({"render", "one", "--var", "x=a & b"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "<a & b>");
  ProcessResult rendered =
      run({"render", "support/reply", "--var", "inquiry=Where is my order?", "--json"});
  ASSERT_EQ(rendered.exit_code, 0) << rendered.err;
  json out = json::parse(rendered.out);
  EXPECT_EQ(out["messages"], json::parse(R"([
    {"role":"system","content":"You are Ada, a support agent. Answer in a friendly tone."},
    {"role":"user","content":"Where is my order?"}])"));
  EXPECT_EQ(out["model"]["provider"], "openai");
  EXPECT_EQ(out["variables"]["tone"], "friendly");
  EXPECT_EQ(run({"render", "support/reply", "--var", "inquiry=hi", "--role", "user"}).out, "hi");
}

TEST_F(Authoring, RenderReadsVariablesFromFilesAndStdin) {
  write("in.yaml", "inquiry: from the file\ntone: formal\n");
  write("long.txt", "from @file");
  ProcessResult from_file =
      run({"render", "support/reply", "--var-file", "in.yaml", "--role", "user"});
  EXPECT_EQ(from_file.out, "from the file");
  ProcessResult overridden = run({"render", "support/reply", "--var-file", "in.yaml", "--var",
                                  "inquiry=@long.txt", "--role", "user"});
  EXPECT_EQ(overridden.out, "from @file");
  ProcessResult from_stdin = run({"render", "support/reply", "--var-file", "-", "--role", "user"},
                                 {}, R"({"inquiry": "json on stdin"})");
  EXPECT_EQ(from_stdin.out, "json on stdin") << from_stdin.err;
}

TEST_F(Authoring, RenderRejectsBadInputsWithEveryProblem) {
  ProcessResult bad = run({"render", "support/reply", "--var", "tone=rude", "--var",
                           "inquiry=" + std::string(41, 'x')});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err,
            "promptctl: error: 2 problems with the variables of 'support/reply'\n"
            "  error: variable 'inquiry' is 41 characters, more than 40\n"
            "  error: variable 'tone' must be one of 'formal', 'friendly', not 'rude'\n");
  ProcessResult missing = run({"render", "support/reply"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err,
            "promptctl: error: missing required variable 'inquiry' (The customer's message)\n");
  ProcessResult unknown = run({"render", "support/replyy", "--var", "a=b"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(
      unknown.err,
      "promptctl: error: no prompt named 'support/replyy'\nhint: did you mean 'support/reply'?\n");
  ProcessResult badname = run({"render", "../etc/passwd"});
  EXPECT_EQ(badname.exit_code, 2);
  EXPECT_EQ(badname.err,
            "promptctl: error: invalid prompt name '../etc/passwd': a prompt name must not contain "
            "'.' or '..' segments\n");
  ProcessResult badvar = run({"render", "support/reply", "--var", "novalue"});
  EXPECT_EQ(badvar.exit_code, 2);
  EXPECT_EQ(badvar.err,
            "promptctl: error: invalid --var 'novalue': expected NAME=VALUE or NAME=@FILE\n");
}

TEST_F(Authoring, PatternsHoldLongValuesAndHostilePatternsInCheck) {
  write("prompts/checked.yaml",
        "template: \"{{code}} {{word}}\"\n"
        "variables:\n"
        "  code: {type: string, pattern: \"^[a-z]+$\"}\n"
        "  word: {type: string, pattern: \"^(a+)+$\"}\n");
  // A matcher that recursed once a character crashed on a value this long.
  write("long.txt", std::string(1'000'000, 'x'));
  ProcessResult long_value =
      run({"render", "checked", "--var", "code=@long.txt", "--var", "word=aaa"});
  EXPECT_EQ(long_value.exit_code, 0) << long_value.err;
  EXPECT_EQ(long_value.out.size(), 1'000'004u);
  // A backtracking matcher tries 2^40 ways to split these letters between the two '+'.
  ProcessResult hostile = run(
      {"render", "checked", "--var", "code=abc", "--var", "word=" + std::string(40, 'a') + "!"});
  EXPECT_EQ(hostile.exit_code, 2);
  EXPECT_NE(hostile.err.find("variable 'word' does not match pattern '^(a+)+$'"), std::string::npos)
      << hostile.err;
  // A pattern whose repetitions multiply past the bound is refused where it is written.
  write("prompts/huge.yaml",
        "template: \"{{v}}\"\nvariables:\n  v: {type: string, pattern: \"((a{1000}){1000})\"}\n");
  ProcessResult lint = run({"lint", "huge"});
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_NE(lint.out.find("prompts/huge.yaml:3:"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("the pattern is too large"), std::string::npos) << lint.out;
}

TEST_F(Authoring, RenderTemplateFileOutsideARepository) {
  TempDir outside;
  outside.write("t.mustache", "Hi {{name}}{{> sig}}\n{{missing}}.");
  outside.write("partials/sig", ", from {{who}}");
  outside.write("vars.json", R"({"name": "<Ann>", "who": "Bob"})");
  ProcessOptions options;
  options.cwd = outside.path();
  ProcessResult strict = run_promptctl({"render", "--template-file", "t.mustache", "--var-file",
                                        "vars.json", "--partials-dir", "partials"},
                                       options);
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_EQ(strict.err, "t.mustache:2:1: error: variable 'missing' is not set\n");
  ProcessResult spec =
      run_promptctl({"render", "--template-file", "t.mustache", "--var-file", "vars.json",
                     "--partials-dir", "partials", "--escape", "html", "--lenient"},
                    options);
  EXPECT_EQ(spec.exit_code, 0) << spec.err;
  EXPECT_EQ(spec.out, "Hi &lt;Ann&gt;, from Bob\n.");
  // '-' reads the template from standard input; errors name it <stdin>.
  options.stdin_text = "Hi {{name}}\n{{missing}}";
  ProcessResult piped =
      run_promptctl({"render", "--template-file", "-", "--var-file", "vars.json"}, options);
  EXPECT_EQ(piped.exit_code, 2);
  EXPECT_EQ(piped.err, "<stdin>:2:1: error: variable 'missing' is not set\n");
  options.stdin_text = "Hi {{name}}";
  EXPECT_EQ(run_promptctl({"render", "--template-file", "-", "--var", "name=Ann"}, options).out,
            "Hi Ann");
  ProcessResult twice =
      run_promptctl({"render", "--template-file", "-", "--var-file", "-"}, options);
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("both read standard input"), std::string::npos) << twice.err;
}

TEST_F(Authoring, NewReadsTheTemplateFromStandardInput) {
  ProcessResult created = run({"new", "piped", "--template-file", "-"}, {}, "Summarize {{text}}");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(run({"render", "piped", "--var", "text=this"}).out, "Summarize this");
}

// new --model names the prompt's model; new --from starts from a copy of another prompt.
TEST_F(Authoring, NewTakesAModelOrStartsFromAnotherPrompt) {
  ProcessResult modelled =
      run({"new", "haiku", "--template", "Write about {{topic}}", "--model", "anthropic/claude-x"});
  ASSERT_EQ(modelled.exit_code, 0) << modelled.err;
  json shown = json::parse(run({"show", "haiku", "--json"}).out);
  EXPECT_EQ(shown["model"]["provider"], "anthropic");
  EXPECT_EQ(shown["model"]["name"], "claude-x");
  EXPECT_EQ(run({"lint", "haiku"}).exit_code, 0);

  write("prompts/haiku.tests.yaml", "- {name: extra, vars: {topic: rain}}\n");
  ProcessResult copied = run({"new", "support/haiku", "--from", "haiku"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_EQ(read("prompts/support/haiku.yaml"), read("prompts/haiku.yaml"));
  EXPECT_EQ(read("prompts/support/haiku.tests.yaml"), read("prompts/haiku.tests.yaml"));
  EXPECT_EQ(run({"new", "other", "--from", "nobody"}).exit_code, 2);
  EXPECT_EQ(run({"new", "support/haiku", "--from", "haiku"}).exit_code, 2) << "never overwrites";
  EXPECT_EQ(run({"new", "x", "--from", "haiku", "--model", "m"}).exit_code, 2);
}

TEST_F(Authoring, VarsFlagsUndeclaredAndUnused) {
  write("prompts/p.yaml",
        "variables: {a: string, b: {type: integer, default: 3}}\ntemplate: \"{{a}} {{c}}\"\n");
  ProcessResult text = run({"vars", "p"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("(declared but not used)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(used but not declared)"), std::string::npos) << text.out;
  json report = json::parse(run({"vars", "p", "--json"}).out);
  EXPECT_EQ(report["prompt"], "p");
  ASSERT_EQ(report["variables"].size(), 3u);
  EXPECT_EQ(report["variables"][1]["status"], "unused");
  EXPECT_EQ(report["variables"][1]["default"], 3);
  EXPECT_EQ(report["variables"][2]["name"], "c");
  EXPECT_EQ(report["variables"][2]["status"], "undeclared");
  EXPECT_EQ(report["variables"][2]["uses"][0]["line"], 2);
  EXPECT_EQ(report["variables"][2]["uses"][0]["column"], 18);
}

TEST_F(Authoring, OutsideARepositoryCommandsSaySo) {
  TempDir outside;
  ProcessResult result = run({"ls"}, outside.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "promptctl: error: not a prompt repository (or any parent up to /): no promptctl.yaml\n"
            "hint: run 'promptctl init' to create one\n");
  ProcessResult with_c = run({"-C", root().string(), "ls", "-1"}, outside.path());
  EXPECT_EQ(with_c.out, "shared/persona\nsupport/reply\n");
}

TEST_F(Authoring, ColourOnlyWhenForcedAndNeverWithNoColor) {
  ProcessResult forced = run({"ls"}, {}, {}, {{"CLICOLOR_FORCE", "1"}});
  EXPECT_NE(forced.out.find("\033[1m"), std::string::npos);
  ProcessResult no_color = run({"ls"}, {}, {}, {{"CLICOLOR_FORCE", "1"}, {"NO_COLOR", "1"}});
  EXPECT_EQ(no_color.out.find("\033["), std::string::npos);
  ProcessResult never = run({"--color", "never", "ls"}, {}, {}, {{"CLICOLOR_FORCE", "1"}});
  EXPECT_EQ(never.out.find("\033["), std::string::npos);
}

namespace {

// Whether `text` holds a control character other than a line break, a tab, or the colour codes
// promptctl itself writes.
bool has_foreign_controls(const std::string& text) {
  std::string plain = std::regex_replace(text, std::regex("\033\\[[0-9;]*m"), "");
  return std::any_of(plain.begin(), plain.end(), [](unsigned char c) {
    return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
  });
}

}  // namespace

TEST_F(Authoring, PromptTextNeverReachesTheTerminalAsControls) {
  // A screen clear, a window title, a bell and a carriage return, in every field listed.
  write("prompts/trap.yaml",
        "description: \"trap \\e[2J\\e]0;owned\\a\\r\"\ntags: [\"t\\e[2J\"]\n"
        "category: \"c\\r\"\nowner: \"o\\a\"\ntemplate: \"body \\e[2J\"\n"
        "model: {provider: echo, name: \"m\\e[2J\"}\n"
        "tests:\n  - name: \"case \\e[2J\"\n    assert: [{type: contains, value: x}]\n");
  std::map<std::string, std::string> colour = {{"CLICOLOR_FORCE", "1"}};
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"ls"}, {"show", "trap"}, {"search", "trap"}}) {
    ProcessResult shown = run(command, {}, {}, colour);
    ASSERT_EQ(shown.exit_code, 0) << command[0] << ": " << shown.err;
    EXPECT_NE(shown.out.find("trap"), std::string::npos) << shown.out;
    EXPECT_FALSE(has_foreign_controls(shown.out)) << command[0] << ": " << shown.out;
    EXPECT_NE(shown.out.find("\\x1b[2J"), std::string::npos) << "written as text";
  }
  // JSON keeps the text exactly: its encoding escapes what it must.
  json listed = json::parse(run({"ls", "--json", "trap"}).out)["prompts"];
  EXPECT_EQ(listed[0]["description"], "trap \033[2J\033]0;owned\a\r");
}

TEST_F(Authoring, UsageErrorsExitTwoWithAPointerToHelp) {
  ProcessResult unknown = run({"rendr"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "promptctl: error: 'rendr' is not a promptctl command (did you mean 'render'?)\n"
            "Run 'promptctl --help' for the list of commands.\n");
  ProcessResult bad_option = run({"ls", "--bogus"});
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_NE(bad_option.err.find("Run 'promptctl ls --help' for its options."), std::string::npos);
  EXPECT_EQ(run({"--version"}).out.rfind("promptctl ", 0), 0U);
}

TEST_F(Authoring, WriteErrorsOnStdoutFailLoudly) {
  if (!std::filesystem::exists("/dev/full")) {
    GTEST_SKIP() << "/dev/full is not available";
  }
  ProcessResult result =
      run_process("sh", {"-c", std::string(PROMPTCTL_BINARY) + " ls > /dev/full"},
                  ProcessOptions{root(), {}, {}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("cannot write the output"), std::string::npos) << result.err;
}

namespace {

// Sets a file's modification time into the past, as if it had been written long ago.
void age(const std::filesystem::path& path, std::chrono::minutes by) {
  std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - by);
}

}  // namespace

TEST_F(Authoring, LsCacheIsUsedButNeverStale) {
  write("prompts/cached.yaml", "description: first\ntemplate: x\n");
  age(root() / "prompts/cached.yaml", std::chrono::minutes(60));
  age(root() / "prompts/support/reply.yaml", std::chrono::minutes(60));
  age(root() / "prompts/shared/persona.yaml", std::chrono::minutes(60));
  // Files whose change time is under two seconds old are never cached, and a change time
  // cannot be set back: wait that window out once.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_EQ(run({"ls", "-1"}).exit_code, 0);
  auto cache = root() / ".git/promptctl/cache/summaries";
  ASSERT_TRUE(std::filesystem::exists(cache));
  EXPECT_NE(read(".git/promptctl/cache/summaries").find("cached\t"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(cache).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // Edited: a new size and a new change time, even with an old modification time.
  write("prompts/cached.yaml", "description: second version\ntemplate: x\n");
  age(root() / "prompts/cached.yaml", std::chrono::minutes(30));
  json listed = json::parse(run({"ls", "--json", "cached"}).out)["prompts"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["description"], "second version");

  // Broken after being cached: the error shows, not the old summary.
  write("prompts/cached.yaml", "description: [\n");
  EXPECT_NE(run({"ls", "cached"}).err.find("prompts/cached.yaml"), std::string::npos);

  // A damaged cache is rebuilt, never trusted.
  write(".git/promptctl/cache/summaries", "promptctl-summaries 1\ngarbage\tline\n");
  ProcessResult after = run({"ls", "-1"});
  EXPECT_EQ(after.exit_code, 0);
  EXPECT_EQ(after.out, "cached\nshared/persona\nsupport/reply\n");
  EXPECT_EQ(read(".git/promptctl/cache/summaries").find("garbage"), std::string::npos);
  EXPECT_EQ(git(root(), {"status", "--porcelain", "--ignored"}).find("promptctl/cache"),
            std::string::npos);
}

TEST_F(Authoring, RenderKeepsCompiledPromptsButNeverStale) {
  const std::vector<std::string> render = {"render", "support/reply", "--var", "inquiry=Hi"};
  ProcessResult first = run(render);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto compiled = root() / ".git/promptctl/cache/compiled";
  auto entries = [&] {
    return std::filesystem::exists(compiled)
               ? std::distance(std::filesystem::directory_iterator(compiled), {})
               : 0;
  };
  EXPECT_EQ(entries(), 2) << "the prompt and its partial";
  EXPECT_EQ(run(render).out, first.out);

  // Edited at once, to the same size: the bytes decide, not the file's stamp.
  write("prompts/shared/persona.yaml",
        "description: Shared persona\ntemplate: You are Bob, a support agent.\n");
  ProcessResult edited = run(render);
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_NE(edited.out.find("You are Bob"), std::string::npos) << edited.out;

  // Broken after being compiled: the error shows, located, not the old prompt.
  write("prompts/support/reply.yaml", std::string(k_reply) + "  - role: [\n");
  ProcessResult broken = run(render);
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("prompts/support/reply.yaml:"), std::string::npos) << broken.err;

  // Damaged entries are parsed around, never trusted.
  write("prompts/support/reply.yaml", k_reply);
  ASSERT_EQ(run(render).exit_code, 0);
  for (const auto& entry : std::filesystem::directory_iterator(compiled)) {
    std::string text = read(std::filesystem::relative(entry.path(), root()).string());
    write(std::filesystem::relative(entry.path(), root()).string(),
          text.substr(0, text.size() - 9));
  }
  ProcessResult after = run(render);
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, edited.out);

  // Listing many prompts keeps nothing; git sees nothing of any of it.
  std::filesystem::remove_all(compiled);
  ASSERT_EQ(run({"ls"}).exit_code, 0);
  EXPECT_EQ(entries(), 0);
  EXPECT_EQ(git(root(), {"status", "--porcelain", "--ignored"}).find("promptctl/cache"),
            std::string::npos);
}

TEST_F(Authoring, CacheCommandCountsAndClearsCompiledPrompts) {
  const std::vector<std::string> render = {"render", "support/reply", "--var", "inquiry=Hi"};
  ProcessResult first = run(render);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto compiled = root() / ".git/promptctl/cache/compiled";
  std::vector<std::filesystem::path> files;
  std::uintmax_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(compiled)) {
    files.push_back(entry.path());
    bytes += entry.file_size();
  }
  ASSERT_EQ(files.size(), 2U) << "the prompt and its partial";
  json stats = json::parse(run({"cache", "stats", "--json"}).out);
  EXPECT_EQ(stats["compiled"], json({{"entries", 2}, {"bytes", bytes}}));
  EXPECT_EQ(stats["entries"], 0) << "compiled prompts are not answers";
  EXPECT_NE(
      run({"cache", "stats"}).out.find("compiled:    2 files, " + std::to_string(bytes) + " bytes"),
      std::string::npos);

  // Clearing answers leaves compiled prompts; clearing those by age takes only the old one.
  EXPECT_EQ(json::parse(run({"cache", "clear", "--json"}).out)["removed"], 0);
  age(files[0], std::chrono::minutes(3 * 24 * 60));
  ProcessResult old_only =
      run({"cache", "clear", "--compiled", "--older-than", "2 days ago", "--json"});
  ASSERT_EQ(old_only.exit_code, 0) << old_only.err;
  EXPECT_EQ(json::parse(old_only.out)["removed"], 1);
  EXPECT_FALSE(std::filesystem::exists(files[0]));
  EXPECT_TRUE(std::filesystem::exists(files[1]));

  ProcessResult cleared = run({"cache", "clear", "--compiled"});
  EXPECT_EQ(cleared.out, "removed 1 file of compiled prompts\n");
  EXPECT_EQ(json::parse(run({"cache", "stats", "--json"}).out)["compiled"]["entries"], 0);

  // Made again at the next load, with the same result.
  EXPECT_EQ(run(render).out, first.out);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(compiled), {}), 2);
  ProcessResult misplaced = run({"cache", "stats", "--compiled"});
  EXPECT_EQ(misplaced.exit_code, 2);
  EXPECT_NE(misplaced.err.find("--compiled goes with 'cache clear'"), std::string::npos)
      << misplaced.err;
}

TEST_F(Authoring, LsCacheKeepsAwkwardTextExactly) {
  write("prompts/odd.yaml",
        "description: \"tab\\there, back\\\\slash, new\\nline\"\ntags: [\"a b\", "
        "\"c\\td\"]\ntemplate: x\n");
  age(root() / "prompts/odd.yaml", std::chrono::minutes(60));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  json first = json::parse(run({"ls", "--json", "odd"}).out)["prompts"];   // parsed, then cached
  json second = json::parse(run({"ls", "--json", "odd"}).out)["prompts"];  // from the cache
  EXPECT_NE(read(".git/promptctl/cache/summaries").find("\nodd\t"), std::string::npos);
  EXPECT_EQ(first[0]["description"], "tab\there, back\\slash, new\nline");
  EXPECT_EQ(first[0]["tags"], json({"a b", "c\td"}));
  EXPECT_EQ(second, first);
}

// Nine small prompt files, each including the next ten times, would render to a gigabyte.
TEST_F(Authoring, RenderingStopsAtTheSizeLimitWithTheTagThatPassedIt) {
  for (int level = 0; level < 9; ++level) {
    std::string body;
    for (int i = 0; i < 10; ++i) {
      body += "{{> bomb/p" + std::to_string(level + 1) + "}}";
    }
    write("prompts/bomb/p" + std::to_string(level) + ".yaml", "template: \"" + body + "\"\n");
  }
  write("prompts/bomb/p9.yaml", "template: \"0123456789\"\n");
  ProcessResult bomb = run({"render", "bomb/p0"});
  EXPECT_EQ(bomb.exit_code, 2);
  EXPECT_NE(bomb.err.find("the rendered text is larger than 1048576 bytes"), std::string::npos)
      << bomb.err;
  EXPECT_NE(bomb.err.find("prompts/bomb/p"), std::string::npos) << bomb.err;
  // p5 renders 100,000 bytes; a limit below that in promptctl.yaml stops it, one above lets it.
  write("promptctl.yaml", read("promptctl.yaml") + "render: {max_size: 64KiB}\n");
  EXPECT_EQ(run({"render", "bomb/p5"}).exit_code, 2);
  std::string settings = read("promptctl.yaml");
  settings.replace(settings.find("64KiB"), 5, "128KiB");
  write("promptctl.yaml", settings);
  ProcessResult fits = run({"render", "bomb/p5"});
  EXPECT_EQ(fits.exit_code, 0) << fits.err;
  EXPECT_EQ(fits.out.size(), 100000U + (fits.out.ends_with("\n") ? 1 : 0));
  settings.replace(settings.find("128KiB"), 6, "1GiB");
  write("promptctl.yaml", settings);
  ProcessResult refused = run({"render", "bomb/p5"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("promptctl.yaml:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("'1GiB' is not a size from 1 to 64MiB"), std::string::npos)
      << refused.err;
}
