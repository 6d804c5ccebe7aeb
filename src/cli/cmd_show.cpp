// promptctl show NAME: a prompt, readable or as JSON.
#include "cli/command.hpp"
#include "promptctl/address.hpp"
#include "promptctl/history.hpp"
#include "promptctl/render.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt to show: NAME, or NAME@REV for a commit")->required();
  sub.add_flag("--json", o.json, "Print the prompt as JSON");
}

std::string model_line(const ModelSettings& model) {
  std::string text = model.provider + "/" + model.name;
  auto add = [&](const char* key, const nlohmann::json& value) {
    text += std::string(" ") + key + "=" + value.dump();
  };
  if (model.temperature) {
    add("temperature", *model.temperature);
  }
  if (model.top_p) {
    add("top_p", *model.top_p);
  }
  if (model.max_tokens) {
    add("max_tokens", *model.max_tokens);
  }
  if (model.seed) {
    add("seed", *model.seed);
  }
  if (model.response_format) {
    add("response_format", *model.response_format);
  }
  if (model.reasoning_effort) {
    add("reasoning_effort", *model.reasoning_effort);
  }
  if (model.tool_choice) {
    add("tool_choice", *model.tool_choice);
  }
  return text;
}

std::string indented(const std::string& text) {
  std::string out = "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') {
      out += "    ";
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) {
    out.pop_back();
  }
  return out;
}

// "json, schema 'reply' (retried twice at most)", or "" for an answer in text.
std::string output_line(const std::optional<OutputSpec>& output) {
  if (!output || !output->answer_is_json) {
    return "";
  }
  std::string text = "json";
  if (!output->schema.is_null()) {
    text += ", schema '" + util::visible(output->name) + "'";
  }
  if (output->retries > 0) {
    text += " (asked again up to " + util::counted(output->retries, "time") + ")";
  }
  return text;
}

void print_prompt(const Output& out, const Prompt& prompt, const ModelSettings& model,
                  const std::optional<repo::Revision>& revision) {
  std::string at = revision ? " (commit " + revision->short_id() + ")" : "";
  out.line(out.paint(prompt.name, Style::bold) + "  " + out.paint(prompt.path + at, Style::dim));
  if (!prompt.description.empty()) {
    out.line(util::visible(prompt.description, true));
  }
  out.line();
  std::string tags;
  util::append_visible_list(tags, prompt.tags);
  auto field = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      out.line(out.paint(pad(key, 10), Style::cyan) + value);
    }
  };
  field("tags", tags);
  field("category", util::visible(prompt.category));
  field("owner", util::visible(prompt.owner));
  field("model", util::visible(model_line(model)));
  field("output", output_line(prompt.output));
  field("escape", prompt.escape == Escape::html ? "html" : "");
  field("ledger",
        prompt.ledger_store ? "keeps " + std::string(to_string(*prompt.ledger_store)) : "");
  if (!prompt.variables.empty()) {
    out.line();
    out.line(out.paint("variables", Style::cyan));
    Table table({0, 0, 0, 40});
    for (const VariableSpec& spec : prompt.variables) {
      std::string rule = spec.required ? "required" : "optional";
      if (spec.default_value) {
        rule = "default " + spec.default_value->dump();
      }
      table.row({"", spec.name, std::string(to_string(spec.type)), util::visible(rule),
                 util::visible(spec.description)});
    }
    table.print(out);
  }
  if (prompt.output && !prompt.output->schema.is_null()) {
    out.line();
    out.line(out.paint("output schema", Style::cyan));
    out.line(indented(prompt.output->schema.dump(2)));
  }
  if (!prompt.tools.empty()) {
    out.line();
    out.line(out.paint("tools", Style::cyan));
    Table table({0, 0, 40});
    for (const ToolSpec& tool : prompt.tools) {
      table.row({"", util::visible(tool.name), util::visible(tool.description)});
    }
    table.print(out);
  }
  out.line();
  out.line(out.paint("messages", Style::cyan));
  for (const MessageTemplate& message : prompt.messages) {
    if (!message.history.empty()) {
      out.line("  [history: " + util::visible(message.history) + "]");
      continue;
    }
    out.line("  [" + message.role + "]");
    out.line(indented(util::visible(message.content, true)));
    for (const ImageSpec& image : message.images) {
      out.line("    [image " + std::string(to_string(image.from)) + ": " +
               util::visible(image.ref) + "]");
    }
  }
  if (!prompt.tests.empty()) {
    out.line();
    out.line(out.paint("tests", Style::cyan));
    for (const TestCase& test : prompt.tests) {
      out.line("  " + util::visible(test.name) + " (" + std::to_string(test.assertions.size()) +
               " assertions)");
    }
  }
}

int run(Session& session, const Options& o) {
  ResolvedPrompt resolved = resolve_prompt(session.workspace(), o.name);
  if (o.json) {
    session.out().document(resolved.to_json());
    return 0;
  }
  print_prompt(session.out(), resolved.prompt, resolved.effective_model(), resolved.revision);
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_show{"show", "Show a prompt", Completes::prompt_names,
                                    Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
