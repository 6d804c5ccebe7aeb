#include "promptctl/diff.hpp"

#include <algorithm>
#include <map>

#include "prompt/prompt_json.hpp"
#include "promptctl/address.hpp"
#include "util/fs.hpp"
#include "util/json_output.hpp"

namespace promptctl {

using nlohmann::json;

namespace {

std::map<std::string, json> variables_by_name(const Prompt& prompt) {
  std::map<std::string, json> out;
  for (const VariableSpec& spec : prompt.variables) {
    out[spec.name] = spec.to_json();
  }
  return out;
}

std::map<std::string, json> tools_by_name(const Prompt& prompt) {
  std::map<std::string, json> out;
  for (const ToolSpec& tool : prompt.tools) {
    out[tool.name] = tool.to_json();
  }
  return out;
}

// Tests by name; their place in the file is left out, since moving one is not a change.
std::map<std::string, json> tests_by_name(const Prompt& prompt) {
  std::map<std::string, json> out;
  for (const TestCase& test : prompt.tests) {
    json assertions = json::array();
    for (const Assertion& assertion : test.assertions) {
      assertions.push_back(assertion.spec);
    }
    out[test.name] = {{"description", util::text_or_null(test.description)},
                      {"vars", test.vars},
                      {"assert", assertions},
                      {"repeat", test.repeat}};
  }
  return out;
}

void compare_maps(const std::string& group, const std::map<std::string, json>& before,
                  const std::map<std::string, json>& after, std::vector<FieldChange>& out) {
  for (const auto& [key, value] : before) {
    auto found = after.find(key);
    if (found == after.end()) {
      out.push_back({group + "." + key, FieldChangeKind::removed, value, nullptr});
    } else if (found->second != value) {
      out.push_back({group + "." + key, FieldChangeKind::changed, value, found->second});
    }
  }
  for (const auto& [key, value] : after) {
    if (!before.contains(key)) {
      out.push_back({group + "." + key, FieldChangeKind::added, nullptr, value});
    }
  }
}

std::optional<Prompt> load_quietly(PromptSource& source, const std::string& name,
                                   std::string& problem) {
  LoadResult loaded = load_from_source(source, name);
  if (loaded.prompt && !loaded.has_errors()) {
    return std::move(loaded.prompt);
  }
  for (const Diagnostic& diagnostic : loaded.diagnostics) {
    if (diagnostic.severity == Severity::error) {
      problem = diagnostic.location.file + ": " + diagnostic.message;
      break;
    }
  }
  return std::nullopt;
}

// The two states compared: prompts load from each side's source, other files are read raw.
class Sides {
 public:
  Sides(Workspace& workspace, std::shared_ptr<const repo::Repository> repository,
        const repo::Revision& from, const std::optional<repo::Revision>& to)
      : m_workspace(workspace),
        m_repository(std::move(repository)),
        m_prefix(repository_prefix(workspace, *m_repository)),
        m_from(m_repository, from, m_prefix),
        m_from_revision(from),
        m_to_revision(to) {
    if (to) {
      m_to.emplace(m_repository, *to, m_prefix);
    }
  }

  PromptSource& before() { return m_from; }
  PromptSource& after() { return m_to ? static_cast<PromptSource&>(*m_to) : m_workspace; }
  [[nodiscard]] const std::string& prefix() const { return m_prefix; }

  std::string raw_before(const std::string& path) const {
    return m_repository->read_file(m_from_revision, path).value_or("");
  }
  std::string raw_after(const std::string& path) const {
    if (m_to_revision) {
      return m_repository->read_file(*m_to_revision, path).value_or("");
    }
    return util::read_file_if_exists(m_repository->work_tree() / path).value_or("");
  }

 private:
  Workspace& m_workspace;
  std::shared_ptr<const repo::Repository> m_repository;
  std::string m_prefix;
  RevisionSource m_from;
  repo::Revision m_from_revision;
  std::optional<repo::Revision> m_to_revision;
  std::optional<RevisionSource> m_to;
};

}  // namespace

namespace {

int count_lines(const std::vector<repo::DiffHunk>& hunks, char origin) {
  int count = 0;
  for (const repo::DiffHunk& hunk : hunks) {
    count += static_cast<int>(
        std::count_if(hunk.lines.begin(), hunk.lines.end(),
                      [origin](const repo::DiffLine& line) { return line.origin == origin; }));
  }
  return count;
}

}  // namespace

int PromptDiff::added_lines() const {
  return count_lines(text, '+');
}

int PromptDiff::removed_lines() const {
  return count_lines(text, '-');
}

std::string_view to_string(FieldChangeKind kind) {
  switch (kind) {
    case FieldChangeKind::added:
      return "added";
    case FieldChangeKind::removed:
      return "removed";
    case FieldChangeKind::changed:
      return "changed";
  }
  return "changed";
}

std::vector<FieldChange> compare_fields(const Prompt& before, const Prompt& after) {
  std::vector<FieldChange> out;
  json old_fields = prompt_detail::settings_json(before);
  json new_fields = prompt_detail::settings_json(after);
  for (const auto& [key, value] : old_fields.items()) {
    if (key != "tools" && new_fields[key] != value) {
      out.push_back({key, FieldChangeKind::changed, value, new_fields[key]});
    }
  }
  compare_maps("variables", variables_by_name(before), variables_by_name(after), out);
  compare_maps("tools", tools_by_name(before), tools_by_name(after), out);
  compare_maps("tests", tests_by_name(before), tests_by_name(after), out);
  return out;
}

std::string template_text(const Prompt& prompt) {
  if (prompt.template_text && prompt.messages.size() == 1) {
    return prompt.template_text->content;
  }
  std::string text;
  for (const MessageTemplate& message : prompt.messages) {
    if (!message.history.empty()) {
      text += "[history: " + message.history + "]\n";
      continue;
    }
    text += "[" + message.role + "]\n" + message.content;
    if (!message.content.ends_with("\n")) {
      text += "\n";
    }
    for (const ImageSpec& image : message.images) {
      text += "[image " + std::string(to_string(image.from)) + ": " + image.ref + "]\n";
    }
  }
  return text;
}

namespace {

void diff_one_prompt(Sides& sides, PromptDiff& diff) {
  const PromptChange& change = diff.change;
  std::string old_name = change.old_name.empty() ? change.name : change.old_name;
  bool has_before = change.kind != repo::ChangeKind::added;
  bool has_after = change.kind != repo::ChangeKind::deleted;
  std::string problem;
  std::optional<Prompt> before =
      has_before ? load_quietly(sides.before(), old_name, problem) : std::optional<Prompt>();
  std::optional<Prompt> after =
      has_after ? load_quietly(sides.after(), change.name, problem) : std::optional<Prompt>();
  if ((has_before && !before) || (has_after && !after)) {
    diff.problem = problem;
    std::string old_path = sides.prefix() + Workspace::display_path(old_name);
    std::string new_path = sides.prefix() + Workspace::display_path(change.name);
    diff.text = repo::diff_text(has_before ? sides.raw_before(old_path) : "",
                                has_after ? sides.raw_after(new_path) : "");
    return;
  }
  static const Prompt empty;
  diff.fields = compare_fields(before ? *before : empty, after ? *after : empty);
  diff.text =
      repo::diff_text(before ? template_text(*before) : "", after ? template_text(*after) : "");
}

}  // namespace

std::vector<PromptDiff> diff_prompts(Workspace& workspace,
                                     const std::shared_ptr<const repo::Repository>& repository,
                                     const repo::Revision& from,
                                     const std::optional<repo::Revision>& to,
                                     const std::vector<std::string>& names) {
  Sides sides(workspace, repository, from, to);
  std::vector<PromptChange> changes = group_changes(
      repository->diff_files(from, to, prompt_pathspecs(sides.prefix())), sides.prefix());
  std::vector<PromptDiff> out;
  for (PromptChange& change : changes) {
    bool wanted = names.empty() || std::any_of(names.begin(), names.end(), [&](const auto& n) {
                    return n == change.name || n == change.old_name;
                  });
    if (!wanted) {
      continue;
    }
    PromptDiff diff;
    diff.change = std::move(change);
    if (diff.change.subject == Subject::prompt) {
      diff_one_prompt(sides, diff);
    } else {
      const std::string& path = diff.change.paths.front();
      diff.text = repo::diff_text(sides.raw_before(path), sides.raw_after(path));
    }
    out.push_back(std::move(diff));
  }
  return out;
}

}  // namespace promptctl
