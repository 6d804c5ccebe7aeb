// Creating repositories and prompts; moving and removing prompts with their references.
#include "promptctl/scaffold.hpp"

#include <algorithm>

#include "promptctl/analysis.hpp"
#include "promptctl/names.hpp"
#include "promptctl/repo.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* const k_settings_text =
    "# promptctl repository settings (see promptctl(1)).\n"
    "version: 1\n"
    "defaults:\n"
    "  # Model settings for prompts that do not set them. The echo provider works offline\n"
    "  # and returns the rendered prompt.\n"
    "  model: {provider: echo, name: echo}\n";

// A YAML scalar for `text`: a literal block for multi-line text, else a JSON-quoted string
// (JSON strings are valid YAML double-quoted scalars).
std::string yaml_scalar(const std::string& text, const std::string& indent) {
  bool block = text.find('\n') != std::string::npos && !text.starts_with(" ") &&
               text.find('\r') == std::string::npos && text.find('\t') == std::string::npos &&
               !text.ends_with("\n\n") && text.find(" \n") == std::string::npos &&
               !text.ends_with(" ");
  if (!block) {
    return json(text).dump();
  }
  std::string out = text.ends_with("\n") ? "|" : "|-";
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out += "\n" + (line.empty() ? std::string() : indent + line);
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

std::string flow_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    out += (out.size() > 1 ? ", " : "") + json(item).dump();
  }
  return out + "]";
}

// Top-level names used as sections become optional arrays; all others required strings.
std::string variables_block(const Prompt& draft, PromptSource& source,
                            std::vector<std::string>& required) {
  PromptPartials partials(source);
  std::vector<std::string> sections;
  for (const MessageTemplate& message : draft.messages) {
    if (!message.parsed) {
      continue;  // a conversation, which has no template
    }
    for (const tmpl::NameUse& use : message.parsed->names()) {
      if (use.sections.empty() && use.kind != tmpl::UseKind::interpolation) {
        sections.push_back(use.name.substr(0, use.name.find('.')));
      }
    }
  }
  std::string out;
  for (const std::string& name : used_variable_names(draft, partials)) {
    bool is_section = std::find(sections.begin(), sections.end(), name) != sections.end();
    if (is_section) {
      out += "  " + name + ": {type: array, required: false, description: \"\"}\n";
    } else {
      out += "  " + name + ": {type: string, description: \"\"}\n";
      required.push_back(name);
    }
  }
  return out;
}

class NoSource : public PromptSource {
 public:
  std::optional<SourceFile> read(std::string_view) override { return std::nullopt; }
  std::optional<SourceFile> read_tests(std::string_view) override { return std::nullopt; }
};

std::string new_prompt_text_from(const std::string& name, const NewPromptOptions& options,
                                 PromptSource& source) {
  bool starter = options.template_text.empty();
  std::string template_text = starter ? "{{input}}\n" : options.template_text;
  std::string body;
  if (!options.system.empty()) {
    body += "system: " + yaml_scalar(options.system, "  ") + "\n";
  }
  body += "template: " + yaml_scalar(template_text, "  ") + "\n";
  Prompt draft = load_prompt(name, Workspace::display_path(name), body);

  std::string description =
      options.description.empty() ? "Describe what " + name + " does" : options.description;
  std::string out = "description: " + json(description).dump() + "\n";
  out += "tags: " + flow_list(options.tags) + "\n";
  if (!options.category.empty()) {
    out += "category: " + json(options.category).dump() + "\n";
  }
  if (!options.owner.empty()) {
    out += "owner: " + json(options.owner).dump() + "\n";
  }
  if (!options.model.empty()) {
    std::size_t slash = options.model.find('/');
    out += slash == std::string::npos
               ? "model: {name: " + json(options.model).dump() + "}\n"
               : "model: {provider: " + json(options.model.substr(0, slash)).dump() +
                     ", name: " + json(options.model.substr(slash + 1)).dump() + "}\n";
  }
  std::vector<std::string> required;
  std::string variables = starter
                              ? "  input: {type: string, description: \"The text to work on\"}\n"
                              : variables_block(draft, source, required);
  if (starter) {
    required.push_back("input");
  }
  if (!variables.empty()) {
    out += "variables:\n" + variables;
  }
  out += body;
  out += "tests:\n  - name: renders its input\n    vars: {";
  for (size_t i = 0; i < required.size(); ++i) {
    out += (i ? ", " : "") + required[i] + ": " + json("example " + required[i]).dump();
  }
  out += "}\n";
  if (!required.empty()) {
    out += "    assert:\n      - {type: contains, value: " +
           json("example " + required.front()).dump() + "}\n";
  }
  return out;
}

void remove_empty_parents(fs::path dir, const fs::path& stop) {
  std::error_code ec;
  while (dir != stop && dir.string().size() > stop.string().size() && fs::is_empty(dir, ec)) {
    fs::remove(dir, ec);
    dir = dir.parent_path();
  }
}

bool skip_blanks(std::string_view text, size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) {
    ++at;
  }
  return at < text.size();
}

// Rewrites `{{> from}}`, `{{< from}}` and the `{{/from}}` that closes such a parent.
std::string rewrite_references(std::string_view text, const std::string& from,
                               const std::string& to, int& count) {
  std::string out;
  int open_parents = 0;
  size_t copied = 0;
  for (size_t at = text.find("{{"); at != std::string_view::npos; at = text.find("{{", at + 2)) {
    size_t p = at + 2;
    if (!skip_blanks(text, p)) {
      break;
    }
    char sigil = text[p];
    if (sigil != '>' && sigil != '<' && sigil != '/') {
      continue;
    }
    size_t name_at = p + 1;
    if (!skip_blanks(text, name_at) || text.compare(name_at, from.size(), from) != 0) {
      continue;
    }
    size_t end = name_at + from.size();
    if (!skip_blanks(text, end) || text.compare(end, 2, "}}") != 0) {
      continue;
    }
    if (sigil == '/' && open_parents == 0) {
      continue;
    }
    open_parents += sigil == '<' ? 1 : sigil == '/' ? -1 : 0;
    out.append(text.substr(copied, name_at - copied));
    out += to;
    copied = name_at + from.size();
    ++count;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace

InitReport init_repository(const fs::path& dir) {
  InitReport report;
  report.root = fs::absolute(dir).lexically_normal();
  if (fs::exists(report.root / Workspace::k_settings_file)) {
    throw Error(ErrorKind::already_exists,
                "'" + report.root.string() + "' is a prompt repository already");
  }
  if (!repo::find_work_tree(report.root)) {
    repo::init_repository(report.root);
    report.created_git_repository = true;
  }
  util::write_file_atomic(report.root / Workspace::k_settings_file, k_settings_text);
  report.files.emplace_back(Workspace::k_settings_file);
  fs::path keep = report.root / Workspace::k_prompts_dir / ".gitkeep";
  if (!fs::exists(keep)) {
    util::write_file_atomic(keep, "");
    report.files.push_back(std::string(Workspace::k_prompts_dir) + "/.gitkeep");
  }
  return report;
}

std::string new_prompt_text(const std::string& name, const NewPromptOptions& options) {
  NoSource none;
  return new_prompt_text_from(name, options, none);
}

namespace {

// Where a new prompt goes: a valid name, no file there yet, inside the repository.
fs::path new_prompt_path(Workspace& workspace, const std::string& name) {
  validate_name(name);
  fs::path path = workspace.file_for(name);
  if (fs::exists(path)) {
    throw Error(ErrorKind::already_exists, "prompt '" + name + "' exists already",
                {Workspace::display_path(name), 0, 0});
  }
  workspace.check_inside(path, Workspace::display_path(name));
  return path;
}

}  // namespace

fs::path copy_prompt(Workspace& workspace, const std::string& name, const std::string& from) {
  validate_name(from);
  std::optional<SourceFile> original = workspace.read(from);
  if (!original) {
    throw workspace.not_found(from);
  }
  fs::path path = new_prompt_path(workspace, name);
  std::optional<SourceFile> tests = workspace.read_tests(from);
  if (tests) {
    fs::path tests_path = workspace.tests_file_for(name);
    workspace.check_inside(tests_path,
                           Workspace::k_prompts_dir + std::string("/") + name + ".tests.yaml");
    util::write_file_atomic(tests_path, tests->text);
  }
  util::write_file_atomic(path, original->text);
  return path;
}

fs::path create_prompt(Workspace& workspace, const std::string& name,
                       const NewPromptOptions& options) {
  fs::path path = new_prompt_path(workspace, name);
  std::string text = new_prompt_text_from(name, options, workspace);
  (void)load_prompt(name, Workspace::display_path(name), text);  // never write a broken file
  util::write_file_atomic(path, text);
  return path;
}

std::vector<PartialReference> find_references(Workspace& workspace, const std::string& name) {
  std::vector<PartialReference> found;
  for (const std::string& other : workspace.list_names()) {
    auto file = workspace.read(other);
    if (!file) {
      continue;
    }
    LoadResult loaded = parse_prompt(other, file->path, file->text);
    if (!loaded.prompt) {
      continue;
    }
    for (const MessageTemplate& message : loaded.prompt->messages) {
      if (!message.parsed) {
        continue;  // a broken template is lint's to report
      }
      for (const tmpl::NameUse& use : message.parsed->names()) {
        bool is_reference = use.kind == tmpl::UseKind::partial || use.kind == tmpl::UseKind::parent;
        if (is_reference && use.name == name) {
          found.push_back({other, use.location});
        }
      }
    }
  }
  return found;
}

MoveReport move_prompt(Workspace& workspace, const std::string& from, const std::string& to,
                       bool rewrite) {
  validate_name(from);
  validate_name(to);
  if (!workspace.exists(from)) {
    throw workspace.not_found(from);
  }
  if (fs::exists(workspace.file_for(to)) || fs::exists(workspace.tests_file_for(to))) {
    throw Error(ErrorKind::already_exists, "prompt '" + to + "' exists already");
  }
  MoveReport report;
  std::vector<std::pair<fs::path, fs::path>> moves = {
      {workspace.file_for(from), workspace.file_for(to)},
      {workspace.tests_file_for(from), workspace.tests_file_for(to)}};
  for (const auto& [old_path, new_path] : moves) {
    workspace.check_inside(new_path, fs::relative(new_path, workspace.root()).string());
  }
  for (const auto& [old_path, new_path] : moves) {
    if (!fs::exists(old_path)) {
      continue;
    }
    fs::create_directories(new_path.parent_path());
    fs::rename(old_path, new_path);
    report.files_moved.push_back({fs::relative(old_path, workspace.root()).string(),
                                  fs::relative(new_path, workspace.root()).string()});
  }
  remove_empty_parents(workspace.file_for(from).parent_path(), workspace.prompts_dir());
  std::vector<PartialReference> references = find_references(workspace, from);
  if (rewrite) {
    std::vector<std::string> prompts;
    for (const PartialReference& reference : references) {
      if (std::find(prompts.begin(), prompts.end(), reference.prompt) == prompts.end()) {
        prompts.push_back(reference.prompt);
      }
    }
    for (const std::string& prompt : prompts) {
      std::string text = util::read_file(workspace.file_for(prompt));
      int count = 0;
      std::string updated = rewrite_references(text, from, to, count);
      if (count > 0) {
        util::write_file_atomic(workspace.file_for(prompt), updated);
        report.prompts_updated.push_back(prompt);
      }
    }
    references = find_references(workspace, from);
  }
  report.left = std::move(references);
  return report;
}

std::vector<std::string> remove_prompt(Workspace& workspace, const std::string& name, bool force) {
  validate_name(name);
  if (!workspace.exists(name)) {
    throw workspace.not_found(name);
  }
  std::vector<PartialReference> references = find_references(workspace, name);
  std::erase_if(references, [&](const PartialReference& r) { return r.prompt == name; });
  if (!references.empty() && !force) {
    std::vector<Diagnostic> details;
    details.reserve(references.size());
    for (const PartialReference& reference : references) {
      details.push_back({Severity::error, reference.location,
                         "'" + reference.prompt + "' uses '" + name + "' as a partial",
                         "reference"});
    }
    throw Error(ErrorKind::invalid_input,
                "prompt '" + name + "' is used as a partial by " +
                    util::counted(references.size(), "place"),
                {}, "use --force to remove it anyway")
        .with_details(details);
  }
  std::vector<std::string> removed;
  for (const fs::path& path : {workspace.file_for(name), workspace.tests_file_for(name)}) {
    if (fs::remove(path)) {
      removed.push_back(fs::relative(path, workspace.root()).string());
    }
  }
  remove_empty_parents(workspace.file_for(name).parent_path(), workspace.prompts_dir());
  return removed;
}

}  // namespace promptctl
