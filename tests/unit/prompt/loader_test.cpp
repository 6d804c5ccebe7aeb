#include <gtest/gtest.h>

#include "promptctl/prompt.hpp"

using namespace promptctl;

namespace {

std::vector<std::string> problems(std::string_view text) {
  std::vector<std::string> out;
  for (const Diagnostic& d : parse_prompt("p", "prompts/p.yaml", text).diagnostics) {
    out.push_back(d.to_string());
  }
  return out;
}

}  // namespace

TEST(Loader, ReadsEveryField) {
  Prompt prompt = load_prompt("support/reply", "prompts/support/reply.yaml", R"(description: Reply
tags: [support, email]
category: generation
owner: team
model: {provider: openai, name: gpt-4o-mini, temperature: 0.2, max_tokens: 400, stop: END}
variables:
  inquiry: {type: string, required: true, description: The message, max_length: 4000}
  tone: {type: string, enum: [formal, friendly], default: friendly}
  count: integer
escape: html
system: You are helpful.
template: |
  {{inquiry}} in a {{tone}} tone, {{count}}
tests:
  - name: t1
    vars: {inquiry: hi, count: 2}
    assert:
      - {type: icontains, value: hi}
x-team: {slack: "#support"}
)");
  EXPECT_EQ(prompt.description, "Reply");
  EXPECT_EQ(prompt.tags, (std::vector<std::string>{"support", "email"}));
  ASSERT_TRUE(prompt.model);
  EXPECT_EQ(prompt.model->name, "gpt-4o-mini");
  EXPECT_EQ(prompt.model->temperature, 0.2);
  EXPECT_EQ(prompt.model->stop, std::vector<std::string>{"END"});
  ASSERT_EQ(prompt.variables.size(), 3u);
  EXPECT_TRUE(prompt.variables[0].required);
  EXPECT_EQ(prompt.variables[0].max_length, 4000u);
  EXPECT_FALSE(prompt.variables[1].required);
  EXPECT_EQ(prompt.variables[1].default_value, "friendly");
  EXPECT_EQ(prompt.variables[2].type, VarType::integer);
  EXPECT_EQ(prompt.escape, Escape::html);
  ASSERT_EQ(prompt.messages.size(), 2u);
  EXPECT_EQ(prompt.messages[0].role, "system");
  EXPECT_EQ(prompt.messages[1].content, "{{inquiry}} in a {{tone}} tone, {{count}}\n");
  ASSERT_EQ(prompt.tests.size(), 1u);
  EXPECT_EQ(prompt.tests[0].assertions[0].type, "icontains");
  EXPECT_EQ(prompt.extensions["x-team"]["slack"], "#support");
}

TEST(Loader, UnknownKeysAreReportedWithLocationAndSuggestion) {
  EXPECT_EQ(
      problems("template: hi\ndescriptoin: x\nmodel: {name: a, temprature: 1}\n"),
      (std::vector<std::string>{
          "prompts/p.yaml:2:1: error: unknown key 'descriptoin' (did you mean 'description'?)",
          "prompts/p.yaml:3:18: error: unknown key 'temprature' in 'model' (did you mean "
          "'temperature'?)"}));
}

TEST(Loader, EveryProblemIsReportedNotJustTheFirst) {
  auto found = problems(R"(variables:
  a: {type: strin}
  b: {type: integer, default: "x"}
  c-d: string
template: "{{#a}}"
)");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(
      found[0],
      "prompts/p.yaml:2:13: error: unknown type 'strin' for variable 'a' (did you mean 'string'?)");
  EXPECT_EQ(found[1],
            "prompts/p.yaml:3:31: error: default: variable 'b' must be an integer, not string 'x'");
  EXPECT_EQ(found[2],
            "prompts/p.yaml:4:3: error: variable name 'c-d' must be letters, digits and '_', not "
            "starting with a digit");
  EXPECT_EQ(found[3], "prompts/p.yaml:5:12: error: unclosed section 'a'");
}

TEST(Loader, TemplateErrorsInBlockScalarsPointIntoTheFile) {
  auto found = problems("description: x\ntemplate: |\n  line one\n  and {{/oops}}\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0], "prompts/p.yaml:4:7: error: closing tag 'oops' has no open section");
}

TEST(Loader, MalformedYamlIsOneClearError) {
  auto found = problems("template: [unclosed\n");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rfind("prompts/p.yaml:2:1: error: invalid YAML: ", 0), 0u) << found[0];
}

TEST(Loader, StructureErrors) {
  EXPECT_EQ(problems("description: x\n"),
            std::vector<std::string>{
                "prompts/p.yaml:1:1: error: a prompt needs 'template' or 'messages'"});
  EXPECT_EQ(
      problems("- a\n"),
      std::vector<std::string>{"prompts/p.yaml:1:1: error: a prompt file must be a YAML mapping"});
  EXPECT_EQ(problems("messages:\n  - {role: robot, content: hi}\n"),
            std::vector<std::string>{"prompts/p.yaml:2:12: error: unknown role 'robot'"});
}

TEST(Loader, BinaryAndHugeFilesAreRefused) {
  std::string binary = std::string("template: a") + '\0' + "b";
  EXPECT_EQ(problems(binary),
            std::vector<std::string>{
                "prompts/p.yaml: error: file contains a NUL byte at offset 11: not a text file"});
  std::string huge(k_max_prompt_file_size + 1, 'a');
  auto found = problems(huge);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("larger than the 10485760 a prompt may be"), std::string::npos);
}

TEST(Loader, TestVariablesAreTypeChecked) {
  auto found = problems(R"(variables:
  n: {type: integer, minimum: 1}
template: "{{n}}"
tests:
  - name: bad
    vars: {n: 0}
  - name: worse
    vars: {n: "two"}
    assert: [{type: equalz, value: 1}]
)");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0],
            "prompts/p.yaml:9:21: error: unknown assertion type 'equalz' (did you mean 'equals'?)");
  EXPECT_EQ(found[1],
            "prompts/p.yaml:6:15: error: test 'bad': variable 'n' is 0, below the minimum 1.0");
  EXPECT_EQ(found[2],
            "prompts/p.yaml:8:15: error: test 'worse': variable 'n' must be an integer, not string "
            "'two'");
}

TEST(Loader, VariableChecks) {
  VariableSpec spec;
  spec.name = "code";
  spec.pattern = "^[A-Z]{3}$";
  spec.min_length = 3;
  EXPECT_TRUE(spec.check("ABC").empty());
  EXPECT_EQ(spec.check("ab"),
            (std::vector<std::string>{"variable 'code' does not match pattern '^[A-Z]{3}$': 'ab'",
                                      "variable 'code' is 2 characters, fewer than 3"}));
  spec.type = VarType::array;
  spec.pattern.reset();
  EXPECT_EQ(spec.from_text("[a, b]"), nlohmann::json({"a", "b"}));
  EXPECT_THROW((void)spec.from_text("{a: 1}"), Error);
  spec.type = VarType::boolean;
  EXPECT_EQ(spec.from_text("true"), true);
  EXPECT_THROW((void)spec.from_text("yes"), Error);
}

TEST(Loader, InvalidUtf8IsRefusedWithItsPosition) {
  // Found by the prompt fuzzer: such a file loaded, then broke every JSON output.
  EXPECT_EQ(problems("description: ok\ntemplate: caf\xe9\n"),
            std::vector<std::string>{"prompts/p.yaml:2:14: error: file is not valid UTF-8"});
}

TEST(Loader, UnquotedMustacheTagsGetAHint) {
  EXPECT_EQ(problems("template: {{name}}\n"),
            std::vector<std::string>{"prompts/p.yaml:1:11: error: 'template' must be a string (a "
                                     "value that starts with '{{' needs quotes)"});
  // Found by the prompt fuzzer: a mapping used as a key escaped the loader as an exception.
  EXPECT_EQ(
      problems("template: x\ntests:\n  - name: t\n    vars: {a: {{b}}}\n"),
      std::vector<std::string>{"prompts/p.yaml:4:16: error: a mapping key must be a plain value, "
                               "not a list or mapping (quote values that start with '{' or '[')"});
}

TEST(Loader, ConflictMarkersAreNamedWhereverTheFileIsRead) {
  EXPECT_EQ(
      problems("template: |\n<<<<<<< HEAD\n  a\n=======\n  b\n>>>>>>> topic\n"),
      (std::vector<std::string>{"prompts/p.yaml:2:1: error: unresolved merge conflict marker",
                                "prompts/p.yaml:4:1: error: unresolved merge conflict marker",
                                "prompts/p.yaml:6:1: error: unresolved merge conflict marker"}));
}
