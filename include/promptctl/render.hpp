// Rendering a prompt: inputs bound to declared variables, partials from the same source.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "promptctl/prompt.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// Variable values as the user gave them, before checking against declarations.
struct Inputs {
  nlohmann::json values = nlohmann::json::object();
  /// Names whose value is command-line text, to be read as the declared type.
  std::set<std::string> textual;

  /// Adds "name=value" or "name=@file" (the file's content; an image file, by its name, as a
  /// data URI). Throws `Error` (usage) when the assignment has no '=' or an invalid name.
  void add_assignment(std::string_view assignment);
  /// Adds every key of a YAML or JSON mapping; `path` "-" reads standard input.
  void add_file(const std::string& path);
  /// Adds every key of an already parsed mapping.
  void add_values(const nlohmann::json& object);
};

/// One line of a JSON Lines file of variables ("rows": run --input, compare --input, datasets).
struct VariableRow {
  int line = 0;           ///< where it is, from 1
  std::string text;       ///< the line as written, for a line that is not a row
  nlohmann::json values;  ///< the variables, when `error` is empty
  std::string error;      ///< why the line is not a row of variables: not JSON, too deep, no object
};

/// The non-blank lines of `text`, each read as a JSON object of variables. A line that is not
/// one keeps its error rather than throwing: a batch reports it as that row's result, while a
/// test suite stops on it. The last line needs no newline.
std::vector<VariableRow> read_variable_rows(std::string_view text);

/// One non-blank line of such a file, read the same way; `line_number` counts from 1.
VariableRow read_variable_row(std::string_view line, int line_number);

/// Checks inputs against the prompt's declarations and fills in defaults. Every problem
/// (wrong type, enum, pattern, bounds, missing required, unknown name) is reported at once in
/// one `Error` of kind invalid_input. With `lenient`, missing and unknown names are allowed.
/// `used` lists the top-level names the templates use; an undeclared input is accepted when
/// the template uses it.
nlohmann::json bind_inputs(const Prompt& prompt, const Inputs& inputs,
                           const std::vector<std::string>& used, bool lenient);

/// Partials resolved to other prompts of one source, loaded on first use and kept.
class PromptPartials : public tmpl::PartialResolver {
 public:
  explicit PromptPartials(PromptSource& source) : m_source(source) {}
  /// The template of the prompt called `name`, or nullptr when there is no such prompt.
  /// Throws `Error` when that prompt cannot be used as a partial (it does not load, or it has
  /// `messages` instead of a `template`).
  const tmpl::Template* find(std::string_view name) override;
  /// The partials loaded so far, in order of first use.
  [[nodiscard]] const std::vector<std::string>& loaded() const { return m_order; }

 private:
  PromptSource& m_source;
  std::vector<std::pair<std::string, std::shared_ptr<const tmpl::Template>>> m_cache;
  std::vector<std::string> m_order;
};

/// Partials read from files for ad-hoc rendering: `{{> p}}` is the file `DIR/p`. Names with
/// ".." segments or a leading '/' are refused.
class DirectoryPartials : public tmpl::PartialResolver {
 public:
  explicit DirectoryPartials(std::string directory) : m_directory(std::move(directory)) {}
  const tmpl::Template* find(std::string_view name) override;

 private:
  std::string m_directory;
  std::vector<std::pair<std::string, std::unique_ptr<tmpl::Template>>> m_cache;
};

/// The first cycle among the static partial references reachable from `roots`, as a chain
/// "a -> b -> a", or "" when there is none.
std::string find_partial_cycle(const std::vector<const tmpl::Template*>& roots,
                               PromptPartials& partials);

/// A call of one of the request's tools that the model asks for instead of (or besides) an
/// answer in text; also an earlier call, in a conversation that goes on with its result.
struct ToolCall {
  std::string id;  ///< the provider's id for the call, which a tool result names; may be empty
  std::string name;
  /// The arguments: a JSON object as the model wrote it, or, when the model wrote something
  /// that is not JSON, that text as a string.
  nlohmann::json arguments;

  [[nodiscard]] nlohmann::json to_json() const;
  /// Reads what `to_json` wrote; nothing for anything else.
  static std::optional<ToolCall> from_json(const nlohmann::json& value);
  bool operator==(const ToolCall&) const = default;
};

/// The calls as a JSON list of `ToolCall::to_json`.
nlohmann::json tool_calls_json(const std::vector<ToolCall>& calls);

/// A message of a chat: a role ("system", "developer", "user", "assistant" or "tool") and its
/// text. An assistant's message may carry the tools it called; a tool's message is the result
/// of one call, which it names.
struct ChatMessage {
  std::string role;
  std::string content;
  std::vector<ToolCall> tool_calls;  ///< an assistant's calls
  std::string tool_call_id;          ///< for role "tool": the call this is the result of
  /// Images shown besides the text: each an http(s) URL or a data URI ("data:image/png;base64,…").
  std::vector<std::string> images;

  ChatMessage() = default;
  ChatMessage(std::string role_name, std::string text)
      : role(std::move(role_name)), content(std::move(text)) {}

  /// {"role", "content"}, with "tool_calls", "tool_call_id" and "images" when set.
  [[nodiscard]] nlohmann::json to_json() const;
  /// Reads what `to_json` wrote; nothing for anything else.
  static std::optional<ChatMessage> from_json(const nlohmann::json& value);

  /// Whether the message instructs the model rather than speaks in the conversation: "system",
  /// or OpenAI's newer name for it, "developer", which other providers take as system.
  [[nodiscard]] bool is_instruction() const { return role == "system" || role == "developer"; }
};

struct RenderedPrompt {
  std::string name;
  std::vector<ChatMessage> messages;
  ModelSettings model;
  nlohmann::json variables;
  std::vector<std::string> partials;

  [[nodiscard]] nlohmann::json to_json() const;
};

struct RenderSettings {
  /// Missing variables render empty and unknown inputs are ignored.
  bool lenient = false;
  /// Overrides the prompt's own `escape`.
  std::optional<Escape> escape;
  /// The most bytes all messages together may render to.
  std::size_t max_size = k_default_max_rendered_size;
};

/// The parsed templates of a prompt's messages, in order. Throws `Error` (internal) for a
/// prompt whose templates did not parse, which only a prompt with errors has.
std::vector<const tmpl::Template*> parsed_templates(const Prompt& prompt);

/// The top-level variable names a prompt's templates use, partials included.
std::vector<std::string> used_variable_names(const Prompt& prompt, PromptPartials& partials);

/// Binds `inputs` and renders every message. Throws `Error` for invalid inputs, a missing
/// variable (naming it and its file:line:column), an unknown or cyclic partial, or text
/// larger than `settings.max_size` (at the tag that passed it).
RenderedPrompt render_prompt(const Prompt& prompt, const Inputs& inputs, PromptSource& source,
                             const ModelSettings& default_model, const RenderSettings& settings);

}  // namespace promptctl
