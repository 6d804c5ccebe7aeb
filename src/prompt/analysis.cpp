#include "promptctl/analysis.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace promptctl {
namespace {

std::string head_of(const std::string& name) {
  return name.substr(0, name.find('.'));
}

// Whether a name used inside `sections` may be a field of one of their items rather than a
// top-level variable.
bool may_belong_to_items(const Prompt& prompt, const std::vector<std::string>& sections) {
  return std::any_of(sections.begin(), sections.end(), [&](const std::string& section) {
    if (section == ".") {
      return true;
    }
    const VariableSpec* spec = prompt.find_variable(head_of(section));
    return !spec || spec->type == VarType::array || spec->type == VarType::object ||
           section.find('.') != std::string::npos;
  });
}

void collect_uses(const tmpl::Template& tmpl, const Prompt& prompt, const std::string& partial,
                  std::vector<VariableUse>& out) {
  for (const tmpl::NameUse& use : tmpl.names()) {
    bool is_variable = use.kind == tmpl::UseKind::interpolation ||
                       use.kind == tmpl::UseKind::section || use.kind == tmpl::UseKind::inverted;
    if (!is_variable || use.name == ".") {
      continue;
    }
    std::string head = head_of(use.name);
    if (!prompt.find_variable(head) && may_belong_to_items(prompt, use.sections)) {
      continue;
    }
    out.push_back({head, use.location, partial});
  }
}

}  // namespace

std::vector<VariableUse> variable_uses(const Prompt& prompt, PromptPartials& partials) {
  std::vector<VariableUse> uses;
  std::vector<std::string> queue;
  for (const MessageTemplate& message : prompt.messages) {
    if (!message.history.empty()) {
      uses.push_back(
          {message.history, {message.origin.file, message.origin.line, message.origin.column}, ""});
      continue;
    }
    for (const ImageSpec& image : message.images) {
      if (image.from == ImageSpec::From::variable) {
        uses.push_back({image.ref, image.location, ""});
      }
    }
    if (!message.parsed) {
      continue;  // a syntax error, which the loader reports
    }
    collect_uses(*message.parsed, prompt, "", uses);
    for (const std::string& name : message.parsed->partials()) {
      queue.push_back(name);
    }
  }
  std::vector<std::string> seen;
  while (!queue.empty()) {
    std::string name = queue.back();
    queue.pop_back();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      continue;
    }
    seen.push_back(name);
    try {
      if (const tmpl::Template* found = partials.find(name)) {
        collect_uses(*found, prompt, name, uses);
        for (const std::string& next : found->partials()) {
          queue.push_back(next);
        }
      }
    } catch (const Error&) {
      // Broken partials are lint's to report.
    }
  }
  return uses;
}

std::vector<VariableEntry> variable_report(const Prompt& prompt, PromptPartials& partials) {
  std::vector<VariableUse> uses = variable_uses(prompt, partials);
  std::vector<VariableEntry> entries;
  for (const VariableSpec& spec : prompt.variables) {
    entries.push_back({spec.name, spec, {}, VariableStatus::unused});
  }
  for (const VariableUse& use : uses) {
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const VariableEntry& e) { return e.name == use.name; });
    if (it == entries.end()) {
      entries.push_back({use.name, std::nullopt, {}, VariableStatus::undeclared});
      it = std::prev(entries.end());
    }
    it->uses.push_back(use);
    if (it->spec) {
      it->status = VariableStatus::ok;
    }
  }
  return entries;
}

std::string_view to_string(VariableStatus status) {
  switch (status) {
    case VariableStatus::ok:
      return "ok";
    case VariableStatus::undeclared:
      return "undeclared";
    case VariableStatus::unused:
      return "unused";
  }
  return "ok";
}

}  // namespace promptctl
