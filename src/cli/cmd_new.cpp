// promptctl new NAME: scaffold a prompt file.
#include "cli/command.hpp"
#include "promptctl/names.hpp"
#include "promptctl/scaffold.hpp"
#include "util/fs.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string name;
  NewPromptOptions prompt;
  std::string template_file;
  std::string from;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.name, "Name of the new prompt, for example support/reply")->required();
  sub.add_option("-d,--description", o.prompt.description, "One-line description");
  sub.add_option("--template", o.prompt.template_text,
                 "Template text; every variable it uses is declared as a string");
  sub.add_option("--template-file", o.template_file,
                 "Read the template text from FILE; '-' reads standard input")
      ->excludes("--template");
  sub.add_option("--system", o.prompt.system, "System message template");
  sub.add_option("--tag", o.prompt.tags, "A tag (repeatable)");
  sub.add_option("--category", o.prompt.category, "Category");
  sub.add_option("--owner", o.prompt.owner, "Owner (team or person)");
  sub.add_option("--model", o.prompt.model, "The prompt's model: PROVIDER/MODEL or a model name")
      ->type_name("MODEL");
  sub.add_option("--from", o.from,
                 "Start as a copy of the prompt NAME (its file and its tests file); the other "
                 "options do not go with it")
      ->type_name("NAME")
      ->excludes("--template")
      ->excludes("--template-file")
      ->excludes("--system")
      ->excludes("--description")
      ->excludes("--tag")
      ->excludes("--category")
      ->excludes("--owner")
      ->excludes("--model");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

int run(Session& session, const Options& o) {
  std::string name = normalize_name(o.name);
  NewPromptOptions prompt = o.prompt;
  if (!o.template_file.empty()) {
    prompt.template_text =
        o.template_file == "-" ? util::read_stdin() : util::read_file(o.template_file);
  }
  Workspace& workspace = session.workspace();
  if (o.from.empty()) {
    (void)create_prompt(workspace, name, prompt);
  } else {
    (void)copy_prompt(workspace, name, prompt_names({o.from}).front());
  }
  std::string shown = Workspace::display_path(name);
  if (o.json) {
    session.out().document({{"name", name}, {"path", shown}});
  } else {
    session.out().line("Created " + shown);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_new{"new", "Create a prompt file from a starter template",
                                   Completes::nothing, Setup::workspace,
                                   declare<Options, add_options, run>};

}  // namespace promptctl::cli
