#include <gtest/gtest.h>

#include <map>

#include "promptctl/analysis.hpp"
#include "promptctl/history.hpp"
#include "promptctl/names.hpp"
#include "promptctl/render.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

// An in-memory prompt source that records what was read.
class MemorySource : public PromptSource {
 public:
  std::map<std::string, std::string> files;
  std::vector<std::string> reads;

  std::optional<SourceFile> read(std::string_view name) override {
    reads.emplace_back(name);
    auto it = files.find(std::string(name));
    if (it == files.end()) {
      return std::nullopt;
    }
    return SourceFile{"prompts/" + it->first + ".yaml", it->second};
  }
  std::optional<SourceFile> read_tests(std::string_view) override { return std::nullopt; }
};

RenderedPrompt render_named(MemorySource& source, const std::string& name, Inputs inputs,
                            RenderSettings settings = {}) {
  Prompt prompt = load_from_source(source, name).prompt.value();
  return render_prompt(prompt, inputs, source, ModelSettings{}, settings);
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    std::string text = e.what();
    for (const Diagnostic& d : e.details()) {
      text += "\n" + d.to_string();
    }
    return text;
  }
  return "no error";
}

}  // namespace

TEST(Render, PartialsComeFromTheSourceAndOnlyTheyAreRead) {
  MemorySource source;
  source.files["main"] =
      "variables: {who: string}\nsystem: \"{{> shared/persona}}\"\ntemplate: Hi {{who}}\n";
  source.files["shared/persona"] = "template: You are kind to {{who}}.\n";
  source.files["unrelated"] = "template: x\n";
  Inputs inputs;
  inputs.add_assignment("who=Ann");
  RenderedPrompt rendered = render_named(source, "main", inputs);
  ASSERT_EQ(rendered.messages.size(), 2u);
  EXPECT_EQ(rendered.messages[0].role, "system");
  EXPECT_EQ(rendered.messages[0].content, "You are kind to Ann.");
  EXPECT_EQ(rendered.messages[1].content, "Hi Ann");
  EXPECT_EQ(rendered.partials, std::vector<std::string>{"shared/persona"});
  EXPECT_EQ(std::count(source.reads.begin(), source.reads.end(), "unrelated"), 0);
}

TEST(Render, PartialCyclesAreNamed) {
  MemorySource source;
  source.files["a"] = "template: \"{{> b}}\"\n";
  source.files["b"] = "template: \"{{> c}}\"\n";
  source.files["c"] = "template: \"{{> b}}\"\n";
  EXPECT_EQ(error_of([&] { render_named(source, "a", {}); }),
            "prompts/a.yaml: partials include each other in a cycle: b -> c -> b");
}

TEST(Render, MissingVariableNamesItsFileLineAndColumn) {
  MemorySource source;
  source.files["p"] =
      "variables:\n  x: {type: string, required: false}\ntemplate: |\n  Hello\n  {{x}}\n";
  EXPECT_EQ(error_of([&] { render_named(source, "p", {}); }),
            "prompts/p.yaml:5:3: variable 'x' is not set");
  RenderSettings lenient;
  lenient.lenient = true;
  EXPECT_EQ(render_named(source, "p", {}, lenient).messages[0].content, "Hello\n\n");
}

TEST(Render, EveryInputProblemIsReportedAtOnce) {
  MemorySource source;
  source.files["p"] = R"(variables:
  n: {type: integer, maximum: 10}
  tone: {type: string, enum: [formal, friendly]}
  name: string
template: "{{n}} {{tone}} {{name}}"
)";
  Inputs inputs;
  inputs.add_assignment("n=11");
  inputs.add_assignment("tone=rude");
  inputs.add_assignment("nmae=x");
  EXPECT_EQ(error_of([&] { render_named(source, "p", inputs); }),
            "4 problems with the variables of 'p'\n"
            "error: variable 'n' is 11, above the maximum 10.0\n"
            "error: unknown variable 'nmae' (did you mean 'name'?)\n"
            "error: variable 'tone' must be one of 'formal', 'friendly', not 'rude'\n"
            "error: missing required variable 'name'");
}

TEST(Render, TextInputsAreReadAsTheDeclaredTypeAndDefaultsApply) {
  MemorySource source;
  source.files["p"] = R"(variables:
  n: integer
  flags: {type: array, default: [a]}
template: "{{n}}:{{#flags}}[{{.}}]{{/flags}}"
)";
  Inputs inputs;
  inputs.add_assignment("n=7");
  RenderedPrompt rendered = render_named(source, "p", inputs);
  EXPECT_EQ(rendered.messages[0].content, "7:[a]");
  EXPECT_EQ(rendered.variables["n"], 7);
  inputs.add_values(json{{"flags", {"x", "y"}}});
  EXPECT_EQ(render_named(source, "p", inputs).messages[0].content, "7:[x][y]");
}

TEST(Render, MessagesPromptsCannotBePartials) {
  MemorySource source;
  source.files["a"] = "template: \"{{> b}}\"\n";
  source.files["b"] = "messages: [{role: user, content: hi}]\n";
  EXPECT_EQ(error_of([&] { render_named(source, "a", {}); }),
            "prompts/b.yaml:1:1: prompt 'b' has 'messages' and cannot be used as a partial");
}

TEST(Analysis, UsedDeclaredAndItemFields) {
  MemorySource source;
  source.files["p"] = R"(variables:
  items: {type: array}
  flag: boolean
  unused: string
template: "{{#items}}{{title}}{{/items}}{{#flag}}{{extra}}{{/flag}}{{missing.x}}"
)";
  Prompt prompt = load_from_source(source, "p").prompt.value();
  PromptPartials partials(source);
  std::vector<VariableEntry> report = variable_report(prompt, partials);
  std::map<std::string, VariableStatus> status;
  for (const VariableEntry& entry : report) {
    status[entry.name] = entry.status;
  }
  EXPECT_EQ(status.size(), 5u);
  EXPECT_EQ(status["items"], VariableStatus::ok);
  EXPECT_EQ(status["flag"], VariableStatus::ok);
  EXPECT_EQ(status["unused"], VariableStatus::unused);
  EXPECT_EQ(status["extra"], VariableStatus::undeclared);  // a boolean section has no fields
  EXPECT_EQ(status["missing"], VariableStatus::undeclared);
  EXPECT_EQ(status.count("title"), 0u);  // a field of the items
}

TEST(Names, Validation) {
  EXPECT_FALSE(name_problem("support/reply"));
  EXPECT_FALSE(name_problem("a.b-c_d/E9"));
  EXPECT_EQ(name_problem("../x"), "a prompt name must not contain '.' or '..' segments");
  EXPECT_EQ(name_problem("/abs"), "a prompt name must not be an absolute path");
  EXPECT_EQ(name_problem("a//b"),
            "a prompt name must not have empty segments ('//' or a trailing '/')");
  EXPECT_EQ(name_problem(""), "a prompt name must not be empty");
  EXPECT_EQ(name_problem("a\tb"), "a prompt name must not contain control characters");
  EXPECT_EQ(name_problem("a b"),
            "a prompt name may use letters, digits, '_', '-', '.' and '/', not ' '");
  EXPECT_EQ(name_problem(".hidden"), "a prompt name segment must not start with '.'");
  EXPECT_EQ(name_problem("-rf"), "a prompt name segment must not start with '-'");
  EXPECT_EQ(name_problem("support/--force"), "a prompt name segment must not start with '-'");
  EXPECT_EQ(name_problem("caf\xc3\xa9"),
            "a prompt name may use letters, digits, '_', '-', '.' and '/', not '\xc3\xa9'");
  EXPECT_EQ(name_problem("\xf0\x9f\x98\x80x"),
            "a prompt name may use letters, digits, '_', '-', '.' and '/', not "
            "'\xf0\x9f\x98\x80'");
  EXPECT_EQ(name_problem("x.tests"), "a prompt name must not end in '.tests' or '.yaml'");
  EXPECT_EQ(normalize_name("prompts/a/b.yaml"), "a/b");
  EXPECT_EQ(normalize_name("a/b"), "a/b");
}

namespace {

TEST(VariableRows, EachLineIsARowOrSaysWhyItIsNot) {
  std::string deep = std::string(600, '[') + std::string(600, ']');
  std::vector<VariableRow> rows =
      read_variable_rows("{\"a\": 1}\n\n  \nnot json\n[1, 2]\n" + deep + "\n{\"b\": \"x\"}");
  ASSERT_EQ(rows.size(), 5U);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[0].values, json({{"a", 1}}));
  EXPECT_TRUE(rows[0].text.empty()) << "a good row is kept once, as its values";
  EXPECT_EQ(rows[1].line, 4) << "blank lines are skipped, and still counted";
  EXPECT_EQ(rows[1].error, "not valid JSON");
  EXPECT_EQ(rows[1].text, "not json");
  EXPECT_EQ(rows[2].error, "not a JSON object of variables");
  EXPECT_EQ(rows[3].error, "nested more than 512 levels deep");
  EXPECT_EQ(rows[4].line, 7) << "the last line needs no newline";
  EXPECT_EQ(rows[4].values, json({{"b", "x"}}));
  EXPECT_TRUE(rows[4].error.empty());
}

TEST(VariableRows, CarriageReturnsBeforeTheNewlineAreWhiteSpace) {
  std::vector<VariableRow> rows = read_variable_rows("{\"a\": 1}\r\n\r\n{\"a\": 2}\r\n");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].values, json({{"a", 2}}));
  EXPECT_EQ(rows[1].line, 3);
}

}  // namespace

// A prompt that is not a file (the built-in judge) is hashed as a file with its text would be,
// and a partial changes the hash.
TEST(ContentHash, TextWithoutPartialsHashesAsItsFileWould) {
  MemorySource source;
  source.files["plain"] = "template: Grade {{output}}\n";
  source.files["uses"] = "template: \"{{> shared}} Grade {{output}}\"\n";
  source.files["shared"] = "template: Be fair.\n";
  EXPECT_EQ(content_hash_of_text("template: Grade {{output}}\n"),
            content_identity(source, "plain").hash);
  EXPECT_NE(content_hash_of_text(source.files["uses"]), content_identity(source, "uses").hash);
  EXPECT_EQ(content_hash_of_text("x").size(), 40u);
}
