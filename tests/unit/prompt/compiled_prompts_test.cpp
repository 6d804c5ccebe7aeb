// Compiled prompts: a prompt read back from its compiled form is the prompt the loader made, and
// an entry is used only for the very bytes it was compiled from.
#include "prompt/compiled_prompts.hpp"

#include "prompt/compiled_form.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "promptctl/render.hpp"
#include "support/temp_dir.hpp"
#include "util/fs.hpp"

using namespace promptctl;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Every field a prompt file can set, with its tests file.
const char* const k_every_field = R"(description: Every field
tags: [a, b]
category: generation
owner: team
model:
  provider: openai
  name: gpt-4o
  temperature: 0.25
  top_p: 0.5
  max_tokens: 300
  seed: 7
  stop: ["\n\n"]
  reasoning_effort: low
  tool_choice: auto
  fallback: [anthropic/claude-sonnet-4-5]
output:
  schema: {type: object, properties: {n: {type: integer}}, required: [n], additionalProperties: false}
  name: counted
  strict: true
  retries: 2
tools:
  - name: lookup
    description: Look a thing up
    parameters: {type: object, properties: {id: {type: string}}}
variables:
  topic: {type: string, pattern: "^[a-z]+$", min_length: 1, max_length: 40, description: What}
  count: {type: integer, minimum: 1, maximum: 9, default: 3}
  mood: {type: string, enum: [calm, brisk], required: false}
  photo: {type: image, required: false}
  chat: {type: messages, required: false}
escape: html
ledger: {store: hashes}
x-team: {reviewed: true}
messages:
  - role: system
    content: "{{> shared/voice}} Count {{count}}."
  - history: chat
  - role: user
    content: |
      Tell me about {{topic}}{{#mood}} ({{mood}}){{/mood}}.
    images:
      - url: https://example.com/a.png
      - var: photo
tests:
  - name: first
    description: The first case
    vars: {topic: tea, count: 2}
    provider: echo
    model: echo
    repeat: 2
    threshold: 0.5
    assert:
      - {type: contains, value: tea, weight: 2}
      - {type: max-length, value: 800}
)";

const char* const k_every_field_tests = R"(defaults:
  assert:
    - {type: not-contains, value: coffee}
tests:
  - name: from the tests file
    vars: {topic: water}
    assert:
      - {type: icontains, value: WATER}
)";

LoadResult load_every_field() {
  return load_from_files("every", {"prompts/every.yaml", k_every_field},
                         SourceFile{"prompts/every.tests.yaml", k_every_field_tests});
}

// What the rest of promptctl sees of a prompt, written independently of the compiled form: a
// field the compiled form forgot shows up here.
json observed(const Prompt& prompt) {
  json seen = to_json(prompt);
  seen["model_over"] = prompt.model_over(ModelSettings{}).to_json();
  json locations = json::array();
  for (const VariableSpec& v : prompt.variables) {
    locations.push_back({v.location.to_string(), v.pattern_location.to_string()});
  }
  for (const auto& [key, where] :
       prompt.model ? prompt.model->locations : std::map<std::string, SourceLocation>{}) {
    locations.push_back({key, where.to_string()});
  }
  for (const TestCase& test : prompt.tests) {
    locations.push_back(test.location.to_string());
    for (const Assertion& a : test.assertions) {
      locations.push_back({a.type, a.spec, a.location.to_string()});
    }
    for (const auto& [name, where] : test.var_locations) {
      locations.push_back({name, where.to_string()});
    }
  }
  for (const MessageTemplate& m : prompt.messages) {
    locations.push_back(
        {m.origin.file, m.origin.line, m.origin.column, m.origin.indent, m.parsed != nullptr});
  }
  seen["locations"] = std::move(locations);
  return seen;
}

Prompt through_bytes(const Prompt& prompt) {
  return prompt_detail::decode_compiled(prompt_detail::encode_compiled(prompt));
}

}  // namespace

TEST(CompiledPrompts, EveryFieldComesBackAsTheLoaderMadeIt) {
  LoadResult loaded = load_every_field();
  ASSERT_TRUE(loaded.diagnostics.empty()) << loaded.diagnostics.front().to_string();
  ASSERT_EQ(loaded.prompt->tests.size(), 2U);
  Prompt back = through_bytes(*loaded.prompt);
  EXPECT_EQ(observed(back), observed(*loaded.prompt));
  EXPECT_EQ(prompt_detail::encode_compiled(back), prompt_detail::encode_compiled(*loaded.prompt));
  // The templates are parsed again: they render, and report problems at the same places.
  ASSERT_TRUE(back.messages.at(2).parsed);
  EXPECT_EQ(back.messages.at(2).parsed->names().size(),
            loaded.prompt->messages.at(2).parsed->names().size());
  EXPECT_EQ(back.messages.at(0).parsed->partials(),
            loaded.prompt->messages.at(0).parsed->partials());
  EXPECT_FALSE(back.messages.at(1).parsed);  // history: never a template
}

TEST(CompiledPrompts, ATemplateIsParsedOnceAsTheLoaderParsesIt) {
  LoadResult loaded =
      parse_prompt("t", "prompts/t.yaml", "system: You help.\ntemplate: 'Hello {{name}}'\n");
  ASSERT_TRUE(loaded.prompt && loaded.diagnostics.empty());
  ASSERT_EQ(loaded.prompt->messages.size(), 2U);
  ASSERT_EQ(loaded.prompt->template_text->parsed, loaded.prompt->messages.at(1).parsed);

  Prompt back = through_bytes(*loaded.prompt);
  ASSERT_TRUE(back.template_text && back.template_text->parsed);
  EXPECT_EQ(back.template_text->parsed, back.messages.at(1).parsed)
      << "the template and its message share one parse";
  EXPECT_NE(back.messages.at(0).parsed, back.messages.at(1).parsed);
  EXPECT_EQ(observed(back), observed(*loaded.prompt));
}

TEST(CompiledPrompts, EveryStarterPromptComesBackAsTheLoaderMadeIt) {
  fs::path starter = fs::path(PROMPTCTL_SOURCE_DIR) / "examples/starter";
  Workspace workspace = Workspace::open(starter);
  std::vector<std::string> names = workspace.list_names();
  ASSERT_GE(names.size(), 10U);
  for (const std::string& name : names) {
    LoadResult loaded = load_from_source(workspace, name);
    ASSERT_TRUE(loaded.prompt) << name;
    EXPECT_EQ(observed(through_bytes(*loaded.prompt)), observed(*loaded.prompt)) << name;
  }
}

TEST(CompiledPrompts, AnEntryIsUsedOnlyForTheBytesItWasCompiledFrom) {
  promptctl::testing::TempDir dir;
  prompt_detail::CompiledPrompts cache(dir.path() / "compiled");
  SourceFile file{"prompts/p.yaml", "template: 'Hello {{name}}'\n"};

  LoadResult first =
      prompt_detail::load_compiled(cache, "p", file, std::nullopt, KeepCompiled::yes);
  ASSERT_TRUE(first.prompt);
  std::string key = prompt_detail::CompiledPrompts::key_of("p", file, std::nullopt);
  ASSERT_TRUE(cache.find("p", key));
  EXPECT_EQ(observed(*cache.find("p", key)), observed(*first.prompt));

  // Other bytes, another path, a tests file: other keys, none answered by the entry.
  SourceFile edited{"prompts/p.yaml", "template: 'Hi {{name}}'\n"};
  SourceFile moved{"prompts/q.yaml", file.text};
  SourceFile tests{"prompts/p.tests.yaml", "tests: []\n"};
  for (const std::string& other :
       {prompt_detail::CompiledPrompts::key_of("p", edited, std::nullopt),
        prompt_detail::CompiledPrompts::key_of("p", moved, std::nullopt),
        prompt_detail::CompiledPrompts::key_of("p", file, tests)}) {
    EXPECT_NE(other, key);
    EXPECT_FALSE(cache.find("p", other));
  }
  LoadResult after_edit =
      prompt_detail::load_compiled(cache, "p", edited, std::nullopt, KeepCompiled::no);
  EXPECT_EQ(after_edit.prompt->template_text->content, "Hi {{name}}");
  // Not kept: the entry still holds the first bytes' prompt.
  EXPECT_TRUE(cache.find("p", key));
  EXPECT_FALSE(cache.find("p", prompt_detail::CompiledPrompts::key_of("p", edited, std::nullopt)));
}

TEST(CompiledPrompts, ADamagedEntryIsAMissAndALoadWithProblemsIsNotKept) {
  promptctl::testing::TempDir dir;
  prompt_detail::CompiledPrompts cache(dir.path() / "compiled");
  SourceFile file{"prompts/p.yaml", "template: 'Hello {{name}}'\n"};
  std::string key = prompt_detail::CompiledPrompts::key_of("p", file, std::nullopt);
  (void)prompt_detail::load_compiled(cache, "p", file, std::nullopt, KeepCompiled::yes);
  ASSERT_EQ(std::distance(fs::directory_iterator(dir.path() / "compiled"), {}), 1);
  fs::path entry = fs::directory_iterator(dir.path() / "compiled")->path();
  std::string text = util::read_file(entry);
  for (std::string damaged : {text.substr(0, text.size() / 2), text.substr(0, 30),
                              std::string("promptctl-compiled 1\n") + key + "\n\xff\xff"}) {
    util::write_file_atomic(entry, damaged);
    EXPECT_FALSE(cache.find("p", key));
    LoadResult loaded =
        prompt_detail::load_compiled(cache, "p", file, std::nullopt, KeepCompiled::yes);
    ASSERT_TRUE(loaded.prompt);
    EXPECT_EQ(loaded.prompt->template_text->content, "Hello {{name}}");
  }

  // A load with problems is made again each time, so that they are reported each time.
  promptctl::testing::TempDir other;
  prompt_detail::CompiledPrompts empty(other.path() / "compiled");
  SourceFile broken{"prompts/b.yaml", "template: 'Hello {{name'\n"};
  LoadResult failed =
      prompt_detail::load_compiled(empty, "b", broken, std::nullopt, KeepCompiled::yes);
  EXPECT_FALSE(failed.diagnostics.empty());
  EXPECT_FALSE(fs::exists(other.path() / "compiled"));

  // Nor is a prompt whose ledger keeps less than its runs' text: its values stay in its file.
  SourceFile vault{
      "prompts/v.yaml",
      "ledger: {store: hashes}\ntemplate: x\ntests: [{name: t, vars: {who: Quokka}}]\n"};
  LoadResult guarded =
      prompt_detail::load_compiled(empty, "v", vault, std::nullopt, KeepCompiled::yes);
  ASSERT_TRUE(guarded.prompt);
  EXPECT_TRUE(guarded.diagnostics.empty());
  EXPECT_FALSE(fs::exists(other.path() / "compiled"));
}
