// promptctl render NAME | --template-file FILE: fill a template with variables.
#include <algorithm>

#include "cli/command.hpp"
#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "promptctl/address.hpp"
#include "promptctl/names.hpp"
#include "promptctl/prepared.hpp"
#include "promptctl/render.hpp"
#include "util/fs.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  std::vector<std::string> vars;
  std::vector<std::string> var_files;
  std::string template_file;
  std::string partials_dir;
  std::string escape;
  std::string role;
  bool lenient = false;
  bool json = false;
  std::string experiment;
  std::string key;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "The prompt to render: NAME, or NAME@REV for a commit");
  sub.add_option("--var", o.vars, "Set a variable: NAME=VALUE, or NAME=@FILE for a file's content")
      ->type_name("NAME=VALUE");
  sub.add_option("--var-file", o.var_files,
                 "Read variables from a YAML or JSON mapping; '-' reads standard input")
      ->type_name("FILE");
  sub.add_option("--template-file", o.template_file,
                 "Render this template file instead of a prompt (no repository needed); '-' "
                 "reads standard input")
      ->type_name("FILE")
      ->excludes("NAME");
  sub.add_option("--partials-dir", o.partials_dir,
                 "With --template-file: {{> p}} reads the file DIR/p")
      ->type_name("DIR");
  one_of(sub.add_option("--escape", o.escape, "HTML-escape {{name}} values: html or none"),
         {"html", "none"});
  sub.add_option("--role", o.role, "Print only the messages with this role");
  sub.add_flag("--lenient", o.lenient,
               "Missing variables render empty and unknown ones are ignored");
  sub.add_flag("--json", o.json, "Print the messages and model settings as JSON");
  add_experiment_options(sub, o.experiment, o.key);
}

Inputs gather_inputs(const Options& o) {
  if (o.template_file == "-" &&
      std::find(o.var_files.begin(), o.var_files.end(), "-") != o.var_files.end()) {
    throw Error(ErrorKind::usage,
                "--template-file - and --var-file - both read standard input; give one a file");
  }
  Inputs inputs;
  for (const std::string& file : o.var_files) {
    inputs.add_file(file);
  }
  for (const std::string& assignment : o.vars) {  // --var wins over --var-file
    inputs.add_assignment(assignment);
  }
  return inputs;
}

RenderedPrompt render_template_file(const Options& o, const Inputs& inputs) {
  bool from_stdin = o.template_file == "-";
  std::string text = from_stdin ? util::read_stdin(k_max_prompt_file_size)
                                : util::read_file(o.template_file, k_max_prompt_file_size);
  std::string shown = from_stdin ? "<stdin>" : o.template_file;
  auto parsed = tmpl::Template::parse(text, tmpl::TextOrigin{shown, 1, 1, 0});
  DirectoryPartials partials(o.partials_dir);
  tmpl::RenderOptions render_options;
  render_options.escape_html = o.escape == "html";
  render_options.strict = !o.lenient;
  render_options.strict_partials = !o.lenient;
  render_options.max_size = k_default_max_rendered_size;
  RenderedPrompt rendered;
  rendered.name = shown;
  rendered.variables = inputs.values;
  rendered.messages.push_back(
      {"user", tmpl::render(parsed, inputs.values, render_options, &partials)});
  return rendered;
}

void print_text(const Output& out, const RenderedPrompt& rendered, const std::string& role) {
  std::vector<const ChatMessage*> shown;
  for (const ChatMessage& message : rendered.messages) {
    if (role.empty() || message.role == role) {
      shown.push_back(&message);
    }
  }
  if (shown.size() == 1) {
    out.print(shown.front()->content);  // exactly the rendered text, nothing added
    return;
  }
  for (size_t i = 0; i < shown.size(); ++i) {
    const std::string& content = shown[i]->content;
    out.print((i ? "\n" : "") + out.paint("### " + shown[i]->role, Style::cyan) + "\n");
    out.print(content);
    if (!content.empty() && content.back() != '\n') {
      out.print("\n");
    }
  }
}

int run(Session& session, const Options& o) {
  if (o.name.empty() && o.template_file.empty()) {
    throw Error(ErrorKind::usage, "render needs a prompt NAME or --template-file FILE");
  }
  if (!o.partials_dir.empty() && o.template_file.empty()) {
    throw Error(ErrorKind::usage, "--partials-dir goes with --template-file");
  }
  Inputs inputs = gather_inputs(o);
  RenderedPrompt rendered;
  std::optional<repo::Revision> revision;
  std::optional<Assignment> assigned = experiment_assignment(session, o.name, o.experiment, o.key);
  if (!o.template_file.empty()) {
    if (assigned) {
      throw Error(ErrorKind::usage, "--experiment goes with a prompt NAME, not --template-file");
    }
    rendered = render_template_file(o, inputs);
  } else {
    ResolvedPrompt resolved =
        resolve_prompt(session.workspace(), assigned ? assigned->address : o.name);
    RenderSettings settings = resolved.render_settings;
    settings.lenient = o.lenient;
    if (!o.escape.empty()) {
      settings.escape = o.escape == "html" ? Escape::html : Escape::none;
    }
    rendered =
        render_prompt(resolved.prompt, inputs, resolved.source(), resolved.default_model, settings);
    revision = resolved.revision;
    if (assigned && !assigned->model.empty()) {
      ModelRef model = parse_model_ref(assigned->model, rendered.model.provider,
                                       session.workspace().providers());
      rendered.model.provider = model.provider;
      rendered.model.name = model.model;
    }
  }
  if (o.json && o.template_file.empty()) {
    nlohmann::json experiment = assigned ? assigned->to_json() : nlohmann::json();
    session.out().print(render_document(rendered, revision, assigned ? &experiment : nullptr));
  } else if (o.json) {  // a template file: no model, no revision, no experiment
    nlohmann::json shown = rendered.to_json();
    shown["model"] = nullptr;
    add_revision_fields(shown, revision);
    session.out().document(shown);
  } else {
    print_text(session.out(), rendered, o.role);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_render{"render", "Render a prompt with variables",
                                      Completes::prompt_names, Setup::gently,
                                      declare<Options, add_options, run>};

}  // namespace promptctl::cli
