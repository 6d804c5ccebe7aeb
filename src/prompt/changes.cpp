#include "promptctl/changes.hpp"

#include <algorithm>
#include <map>

#include "promptctl/address.hpp"
#include "promptctl/lint.hpp"
#include "promptctl/names.hpp"

namespace promptctl {
namespace fs = std::filesystem;

std::string_view to_string(repo::ChangeKind kind) {
  switch (kind) {
    case repo::ChangeKind::added:
      return "added";
    case repo::ChangeKind::modified:
      return "modified";
    case repo::ChangeKind::deleted:
      return "deleted";
    case repo::ChangeKind::renamed:
      return "renamed";
    case repo::ChangeKind::conflicted:
      return "conflicted";
  }
  return "modified";
}

std::string_view to_string(repo::MergeOutcome outcome) {
  switch (outcome) {
    case repo::MergeOutcome::up_to_date:
      return "up-to-date";
    case repo::MergeOutcome::fast_forward:
      return "fast-forward";
    case repo::MergeOutcome::merged:
      return "merged";
    case repo::MergeOutcome::conflicts:
      return "conflicts";
  }
  return "merged";
}

namespace {

struct Classified {
  Subject subject = Subject::other;
  std::string name;
  bool tests_file = false;
};

Classified classify(const std::string& path, const std::string& prefix) {
  std::string prompts = prefix + Workspace::k_prompts_dir + "/";
  if (path == prefix + Workspace::k_settings_file) {
    return {Subject::settings, Workspace::k_settings_file, false};
  }
  if (path.starts_with(prompts) && path.ends_with(".yaml")) {
    std::string rest = path.substr(prompts.size(), path.size() - prompts.size() - 5);
    bool tests = rest.ends_with(".tests");
    std::string name = tests ? rest.substr(0, rest.size() - 6) : rest;
    if (!name_problem(name)) {
      return {Subject::prompt, name, tests};
    }
  }
  return {Subject::other, path.substr(prefix.size()), false};
}

}  // namespace

std::vector<std::string> prompt_pathspecs(const std::string& prefix) {
  return {prefix + Workspace::k_prompts_dir, prefix + Workspace::k_settings_file};
}

std::vector<PromptChange> group_changes(const std::vector<repo::FileChange>& files,
                                        const std::string& prefix) {
  std::map<std::string, PromptChange> by_name;
  for (const repo::FileChange& file : files) {
    Classified what = classify(file.path, prefix);
    if (what.subject != Subject::prompt) {
      PromptChange& change = by_name[what.name];
      change = {what.subject, file.kind, what.name, "", {file.path}, std::nullopt};
      continue;
    }
    auto [it, fresh] = by_name.try_emplace(what.name);
    PromptChange& change = it->second;
    change.name = what.name;
    change.paths.push_back(file.path);
    if (!file.old_path.empty()) {
      change.paths.push_back(file.old_path);
    }
    // A tests file's change shows as a change of its prompt, unless the prompt itself changed.
    if (!what.tests_file || fresh) {
      change.kind = what.tests_file ? repo::ChangeKind::modified : file.kind;
    }
    if (!what.tests_file && file.kind == repo::ChangeKind::renamed) {
      change.old_name = classify(file.old_path, prefix).name;
    }
  }
  std::vector<PromptChange> out;
  for (auto& [name, change] : by_name) {
    out.push_back(std::move(change));
  }
  return out;
}

std::vector<PromptChange> prompt_changes(Workspace& workspace, const repo::Repository& repository,
                                         bool with_lint) {
  std::string prefix = repository_prefix(workspace, repository);
  std::vector<PromptChange> changes =
      group_changes(repository.changes(prompt_pathspecs(prefix)), prefix);
  for (PromptChange& change : changes) {
    if (with_lint && change.subject == Subject::prompt && workspace.exists(change.name)) {
      LintReport report = lint(workspace, {change.name});
      change.lint = std::pair{report.errors(), report.warnings()};
    }
  }
  return changes;
}

std::vector<std::string> commit_paths(Workspace& workspace, const repo::Repository& repository,
                                      const std::vector<std::string>& names) {
  std::vector<PromptChange> changes = prompt_changes(workspace, repository, false);
  std::vector<std::string> paths;
  if (names.empty()) {
    for (const PromptChange& change : changes) {
      paths.insert(paths.end(), change.paths.begin(), change.paths.end());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }
  std::string prefix = repository_prefix(workspace, repository);
  for (const std::string& name : names) {
    auto changed = std::find_if(changes.begin(), changes.end(), [&](const PromptChange& c) {
      return c.subject == Subject::prompt && c.name == name;
    });
    if (changed == changes.end() && !workspace.exists(name)) {
      throw workspace.not_found(name);
    }
    paths.push_back(prefix + Workspace::display_path(name));
    if (fs::exists(workspace.tests_file_for(name))) {
      paths.push_back(prefix + Workspace::k_prompts_dir + "/" + name + ".tests.yaml");
    }
    if (changed != changes.end()) {
      paths.insert(paths.end(), changed->paths.begin(), changed->paths.end());
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

PromptCommit commit_prompts(Workspace& workspace, repo::Repository& repository,
                            const std::vector<std::string>& names, const std::string& message) {
  PromptCommit commit;
  commit.paths = commit_paths(workspace, repository, names);
  if (commit.paths.empty()) {
    throw Error(ErrorKind::refused, "nothing to commit: no prompt changed since HEAD");
  }
  std::string prefix = repository_prefix(workspace, repository);
  for (const std::string& path : commit.paths) {
    if (path.ends_with(".yaml") && path.starts_with(prefix)) {
      check_prompt_file_size(workspace.root() / path.substr(prefix.size()), path);
    }
  }
  auto [author, committer] = repository.identities();
  commit.result = repository.commit(
      commit.paths, message.ends_with("\n") ? message : message + "\n", author, committer);
  return commit;
}

}  // namespace promptctl
