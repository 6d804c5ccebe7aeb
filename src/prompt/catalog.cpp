#include "promptctl/catalog.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace promptctl {

nlohmann::json PromptSummary::to_json() const {
  nlohmann::json out = {
      {"name", name},         {"path", path},   {"description", description}, {"tags", tags},
      {"category", category}, {"owner", owner}, {"variables", variables}};
  out["error"] = error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error);
  return out;
}

namespace {

bool contains_text(const Prompt& prompt, const std::string& needle) {
  auto has = [&](const std::string& haystack) {
    return util::to_lower(haystack).find(needle) != std::string::npos;
  };
  if (has(prompt.name) || has(prompt.description)) {
    return true;
  }
  return std::any_of(prompt.tags.begin(), prompt.tags.end(), has) ||
         std::any_of(prompt.messages.begin(), prompt.messages.end(),
                     [&](const MessageTemplate& m) { return has(m.content); });
}

bool passes(const Prompt& prompt, const CatalogFilter& filter) {
  for (const std::string& tag : filter.tags) {
    if (std::find(prompt.tags.begin(), prompt.tags.end(), tag) == prompt.tags.end()) {
      return false;
    }
  }
  if (!filter.category.empty() && prompt.category != filter.category) {
    return false;
  }
  return filter.text.empty() || contains_text(prompt, util::to_lower(filter.text));
}

}  // namespace

std::vector<PromptSummary> summarize(Workspace& workspace, const std::vector<std::string>& names,
                                     const CatalogFilter& filter) {
  bool name_only = filter.tags.empty() && filter.category.empty() && filter.text.empty();
  std::vector<PromptSummary> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    PromptSummary summary;
    summary.name = name;
    summary.path = Workspace::display_path(name);
    LoadResult loaded;
    try {
      loaded = workspace.load_checked(name);
    } catch (const Error& e) {
      loaded.diagnostics.push_back({Severity::error, e.location(), e.message(), "load"});
    }
    if (!loaded.prompt || loaded.has_errors()) {
      if (name_only) {
        summary.error =
            loaded.diagnostics.empty() ? "cannot load" : loaded.diagnostics.front().to_string();
        out.push_back(std::move(summary));
      }
      continue;
    }
    const Prompt& prompt = *loaded.prompt;
    if (!passes(prompt, filter)) {
      continue;
    }
    summary.description = prompt.description;
    summary.tags = prompt.tags;
    summary.category = prompt.category;
    summary.owner = prompt.owner;
    summary.variables = prompt.variable_names();
    out.push_back(std::move(summary));
  }
  return out;
}

}  // namespace promptctl
