// The prompt model: what a prompt file holds, and loading it with every problem reported.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/assertions.hpp"
#include "promptctl/error.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/template.hpp"

namespace promptctl {

/// `messages` is a conversation: a list of {role: user|assistant, content: text}; an assistant's
/// message may carry `tool_calls`, and {role: tool, tool_call_id, content} is a call's result.
/// `image` is an image for a message's `images`: an http(s) URL or a data URI.
enum class VarType { string, number, integer, boolean, array, object, messages, image };

[[nodiscard]] std::string_view to_string(VarType type);
[[nodiscard]] std::optional<VarType> parse_var_type(std::string_view text);

/// A declared, typed variable.
struct VariableSpec {
  std::string name;
  VarType type = VarType::string;
  /// True unless the declaration says otherwise or gives a default.
  bool required = true;
  std::optional<nlohmann::json> default_value;
  std::string description;
  std::vector<nlohmann::json> enum_values;
  std::optional<std::string> pattern;  ///< ECMAScript regular expression, searched in values
  SourceLocation pattern_location;
  /// Bounds on characters (strings) or items (arrays).
  std::optional<std::uint64_t> min_length;
  std::optional<std::uint64_t> max_length;
  /// Bounds on numbers.
  std::optional<double> minimum;
  std::optional<double> maximum;
  SourceLocation location;

  /// Every way `value` breaks this declaration, as messages naming the variable.
  [[nodiscard]] std::vector<std::string> check(const nlohmann::json& value) const;
  /// The value a command-line string stands for under this type ("3" is 3 for an integer).
  /// Throws `Error` (invalid_input) when the text cannot be such a value.
  [[nodiscard]] nlohmann::json from_text(std::string_view text) const;
  [[nodiscard]] nlohmann::json to_json() const;
};

/// Model settings; every field is optional so that prompt settings can override defaults.
struct ModelSettings {
  std::string provider;
  std::string name;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> max_tokens;
  std::optional<std::int64_t> seed;
  std::vector<std::string> stop;
  std::optional<std::string> response_format;  ///< "text" or "json"
  /// How hard a reasoning model thinks (OpenAI's `reasoning_effort`): none, minimal, low,
  /// medium, high, xhigh or max.
  std::optional<std::string> reasoning_effort;
  /// A JSON Schema the answer must satisfy, as OpenAI's json_schema response format holds it:
  /// {"name", "schema"[, "strict"]}; null for none. It comes from the prompt's `output:`.
  nlohmann::json response_schema;
  /// How many more times to ask when the answer breaks `response_schema`.
  int schema_retries = 0;
  /// The tools the model may call, as the prompt's `tools:` declares them: a list of
  /// {"name", "description", "parameters"}, or null for none.
  nlohmann::json tools;
  /// Whether and which tool the model must call: "auto", "none", "required" (some tool) or a
  /// tool's name.
  std::optional<std::string> tool_choice;
  /// Models tried in order when this one fails, each "provider/name" (or a name on `provider`).
  std::vector<std::string> fallback;
  /// Where each field was written (by its key), so that a problem with a value can point at it.
  /// Not part of the settings: never sent, hashed or compared.
  std::map<std::string, SourceLocation> locations;

  /// These settings with `defaults`' filling every field left unset here.
  [[nodiscard]] ModelSettings merged_over(const ModelSettings& defaults) const;
  [[nodiscard]] nlohmann::json to_json() const;
};

/// An image a user message shows the model (`images:`): at a URL, in a file of the repository
/// (sent as a data URI), or in a variable of type image.
struct ImageSpec {
  enum class From { url, file, variable };
  From from = From::url;
  std::string ref;  ///< the URL, the file's path from the repository's top, or the variable
  SourceLocation location;
};

/// "url", "file" or "var": the key an image is written with.
[[nodiscard]] std::string_view to_string(ImageSpec::From from);

/// One chat message whose content is a template.
struct MessageTemplate {
  std::string role;
  std::string content;
  tmpl::TextOrigin origin;
  /// The content parsed once by the loader and shared by every copy; null when it does not
  /// parse (the loader reports that as a diagnostic, so a prompt without errors has it), and
  /// for a history entry.
  std::shared_ptr<const tmpl::Template> parsed;
  /// `- history: NAME`: the messages of the variable NAME go here, as they are (never rendered
  /// as templates); empty for a message written in the prompt.
  std::string history;
  /// The images the message shows besides its text.
  std::vector<ImageSpec> images;
};

struct TestCase {
  std::string name;
  std::string description;
  nlohmann::json vars = nlohmann::json::object();
  /// `vars: FILE`: a YAML or JSON mapping of variables, relative to the repository's top.
  std::string vars_file;
  /// `dataset: FILE`: one case per row (CSV with a header, JSONL, or a YAML/JSON list of
  /// mappings), each row's values over `vars`.
  std::string dataset;
  std::vector<Assertion> assertions;
  std::optional<std::string> provider;
  std::optional<std::string> model;
  int repeat = 1;
  /// With a threshold the case passes when its weighted score reaches it; without, when every
  /// assertion of non-zero weight passes.
  std::optional<double> threshold;
  SourceLocation location;
  /// Where each variable's value is written, for messages about it.
  std::vector<std::pair<std::string, SourceLocation>> var_locations;
};

/// What every test case shares: `tests:` in promptctl.yaml, and `defaults:` in a tests file.
struct TestDefaults {
  std::optional<std::string> provider;
  std::optional<std::string> model;
  std::vector<Assertion> assertions;  ///< checked in every case, before the case's own
};

/// The repository's test settings: `tests:` in promptctl.yaml.
struct TestSettings {
  TestDefaults defaults;
  /// The prompt that grades `llm-rubric` assertions; the built-in one when the repository has
  /// no prompt of that name.
  std::string judge_prompt = "judges/llm-rubric";
  /// The judge's model ("provider/model"); unset: the judge prompt's model, else the tested one.
  std::optional<std::string> judge_model;
  /// The embedding model of `similar` assertions.
  std::string embedding_model = "openai/text-embedding-3-small";
};

enum class Escape { none, html };

/// What a prompt's answer must be (`output:`): text, or JSON, and then valid against a schema.
struct OutputSpec {
  bool answer_is_json = false;
  nlohmann::json schema;       ///< a JSON Schema; null for none
  std::string name;            ///< the schema's name in the request; the prompt's name by default
  std::optional<bool> strict;  ///< OpenAI's strict schema adherence, when set
  int retries = 0;             ///< more attempts when the answer breaks the schema
  SourceLocation location;

  [[nodiscard]] nlohmann::json to_json() const;
};

/// A file of the repository that a prompt names, and where it names it.
struct FileReference {
  std::string path;  ///< from the repository's top
  SourceLocation location;
};

/// A tool the model may call (`tools:`): a function with a JSON Schema for its arguments.
struct ToolSpec {
  std::string name;
  std::string description;
  nlohmann::json parameters;  ///< a JSON Schema of type object
  SourceLocation location;

  /// {"name", "description", "parameters"}, without an empty description: the form requests
  /// and `show --json` carry.
  [[nodiscard]] nlohmann::json to_json() const;
};

struct Prompt {
  std::string name;
  std::string path;  ///< as shown in messages, for example "prompts/support/reply.yaml"
  std::string description;
  std::vector<std::string> tags;
  std::string category;
  std::string owner;
  std::optional<ModelSettings> model;
  std::optional<OutputSpec> output;
  /// The tools declared in the prompt, then those of the tools files it names (read when the
  /// prompt is loaded from a source that holds them).
  std::vector<ToolSpec> tools;
  /// `- file: PATH` entries of `tools`: shared files of tools, from the repository's top.
  std::vector<FileReference> tools_files;
  std::vector<VariableSpec> variables;
  Escape escape = Escape::none;
  /// The `template` field, which is also what a partial reference to this prompt inserts.
  std::optional<MessageTemplate> template_text;
  /// The messages to send: `messages`, or `system` and `template` made into messages.
  std::vector<MessageTemplate> messages;
  std::vector<TestCase> tests;
  /// `ledger: {store: hashes}`: how much of this prompt's runs the ledger keeps, when less than
  /// the repository's setting says.
  std::optional<LedgerStore> ledger_store;
  nlohmann::json extensions = nlohmann::json::object();  ///< `x-*` keys, kept as written

  [[nodiscard]] const VariableSpec* find_variable(std::string_view variable) const;
  /// The model settings a call of this prompt uses: its own over `defaults`, with what its
  /// `output:` asks of the answer and the tools it declares.
  [[nodiscard]] ModelSettings model_over(const ModelSettings& defaults) const;
  [[nodiscard]] std::vector<std::string> variable_names() const;
  /// The repository files the prompt reads besides partials (its images and tools files),
  /// each once, in order: their bytes are part of its content.
  [[nodiscard]] std::vector<std::string> data_files() const;
};

/// The result of loading a file: the prompt when it could be built, and every problem found.
struct LoadResult {
  std::optional<Prompt> prompt;
  std::vector<Diagnostic> diagnostics;
  /// The prompt file's text, when it was read from a source (moved, not copied): what tells
  /// whether another text is the same one, compared only when someone asks.
  std::string text;

  [[nodiscard]] bool has_errors() const;
};

/// Largest prompt file accepted, so that a stray binary or generated file fails fast.
constexpr std::size_t k_max_prompt_file_size = 10 * 1024 * 1024;

/// Parses prompt file text. Never throws for bad content: problems become diagnostics.
LoadResult parse_prompt(std::string name, std::string path, std::string_view text);

/// Parses and returns the prompt, or throws the first error with every problem as details.
Prompt load_prompt(std::string name, std::string path, std::string_view text);

/// Parses a tests file (`prompts/NAME.tests.yaml`): a list of cases, or a mapping with `tests`.
std::vector<TestCase> parse_tests_file(std::string_view text, const std::string& path,
                                       std::vector<Diagnostic>& diagnostics);

/// The whole prompt as JSON (the shape `promptctl show --json` prints).
nlohmann::json to_json(const Prompt& prompt);

}  // namespace promptctl
