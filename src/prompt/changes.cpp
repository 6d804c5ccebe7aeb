#include "promptctl/changes.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "promptctl/address.hpp"
#include "promptctl/assertions.hpp"
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

std::string_view to_string(Subject subject) {
  switch (subject) {
    case Subject::prompt:
      return "prompt";
    case Subject::settings:
      return "settings";
    case Subject::other:
      return "other";
    case Subject::data:
      return "data";
  }
  return "other";
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
      change = {what.subject, file.kind, what.name, "", {file.path}, std::nullopt, {}};
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

namespace {

// The files a prompt's tests read, by their paths from the repository's top.
std::vector<std::string> files_tests_read(const Prompt& prompt) {
  std::vector<std::string> files;
  auto add = [&](const std::string& path) {
    if (!path.empty()) {
      try {
        files.push_back(repository_relative_path(path));
      } catch (const Error&) {
        // A path that leaves the repository is lint's to report; nothing to commit here.
      }
    }
  };
  for (const TestCase& test : prompt.tests) {
    add(test.vars_file);
    add(test.dataset);
    for (const Assertion& assertion : test.assertions) {
      add(schema_file_of(assertion).value_or(""));
    }
  }
  return files;
}

// Whether a prompt's file or tests file mentions any of `file_names`: only those are parsed.
bool mentions_any(const std::optional<SourceFile>& prompt_file,
                  const std::optional<SourceFile>& tests_file,
                  const std::set<std::string>& file_names) {
  for (const std::optional<SourceFile>* file : {&prompt_file, &tests_file}) {
    for (const std::string& file_name : file_names) {
      if (*file && (*file)->text.find(file_name) != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}

// For each of `paths` (changed files that are neither prompts nor settings, from the
// repository's top) that prompts' tests read, those prompts.
std::map<std::string, std::vector<std::string>> prompts_reading(
    Workspace& workspace, const std::vector<std::string>& paths) {
  std::map<std::string, std::vector<std::string>> readers;
  if (paths.empty()) {
    return readers;
  }
  std::set<std::string> file_names;
  for (const std::string& path : paths) {
    file_names.insert(fs::path(path).filename().string());
  }
  for (const std::string& name : workspace.list_names()) {
    std::optional<SourceFile> prompt_file = workspace.read(name);
    std::optional<SourceFile> tests_file = workspace.read_tests(name);
    if (!prompt_file || !mentions_any(prompt_file, tests_file, file_names)) {
      continue;
    }
    LoadResult loaded = load_from_files(name, *prompt_file, tests_file);
    if (!loaded.prompt) {
      continue;
    }
    for (const std::string& file : files_tests_read(*loaded.prompt)) {
      if (std::find(paths.begin(), paths.end(), file) != paths.end()) {
        std::vector<std::string>& names = readers[file];
        if (names.empty() || names.back() != name) {
          names.push_back(name);
        }
      }
    }
  }
  return readers;
}

// The prompt repository's changes; `prefix` is where it sits inside the git work tree.
std::vector<PromptChange> changes_under(Workspace& workspace, const repo::Repository& repository,
                                        const std::string& prefix, bool with_lint) {
  std::vector<repo::FileChange> files = repository.changes(
      prefix.empty() ? std::vector<std::string>{} : std::vector<std::string>{prefix});
  // Prompts and settings, and other files: those are data when tests read them, are listed by
  // path under prompts/ as before, and are none of promptctl's business elsewhere.
  std::vector<repo::FileChange> managed;
  std::map<std::string, repo::FileChange> others;  // by path from the repository's top
  for (repo::FileChange& file : files) {
    if (classify(file.path, prefix).subject == Subject::other) {
      others.emplace(file.path.substr(prefix.size()), std::move(file));
    } else {
      managed.push_back(std::move(file));
    }
  }
  std::vector<std::string> other_paths;
  for (const auto& [path, file] : others) {
    other_paths.push_back(path);
  }
  std::map<std::string, std::vector<std::string>> readers = prompts_reading(workspace, other_paths);
  std::string prompts_dir = prefix + Workspace::k_prompts_dir + "/";
  for (const auto& [path, file] : others) {
    if (!readers.contains(path) && file.path.starts_with(prompts_dir)) {
      managed.push_back(file);
    }
  }
  std::vector<PromptChange> changes = group_changes(managed, prefix);
  for (PromptChange& change : changes) {
    if (with_lint && change.subject == Subject::prompt && workspace.exists(change.name)) {
      LintReport report = lint(workspace, {change.name});
      change.lint = std::pair{report.errors(), report.warnings()};
    }
  }
  for (auto& [path, names] : readers) {
    const repo::FileChange& file = others.at(path);
    PromptChange change{Subject::data, file.kind, path, "", {file.path}, std::nullopt, {}};
    if (!file.old_path.empty()) {
      change.old_name = file.old_path.substr(prefix.size());
      change.paths.push_back(file.old_path);  // a rename commits the old file's removal too
    }
    change.used_by = std::move(names);
    changes.push_back(std::move(change));
  }
  return changes;
}

std::vector<std::string> paths_to_commit(Workspace& workspace, const repo::Repository& repository,
                                         const std::string& prefix,
                                         const std::vector<std::string>& names) {
  std::vector<PromptChange> changes = changes_under(workspace, repository, prefix, false);
  std::vector<std::string> paths;
  if (names.empty()) {
    for (const PromptChange& change : changes) {
      paths.insert(paths.end(), change.paths.begin(), change.paths.end());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }
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
    for (const PromptChange& data : changes) {
      if (data.subject == Subject::data &&
          std::find(data.used_by.begin(), data.used_by.end(), name) != data.used_by.end()) {
        paths.insert(paths.end(), data.paths.begin(), data.paths.end());
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

}  // namespace

std::vector<PromptChange> prompt_changes(Workspace& workspace, const repo::Repository& repository,
                                         bool with_lint) {
  return changes_under(workspace, repository, repository_prefix(workspace, repository), with_lint);
}

std::vector<std::string> commit_paths(Workspace& workspace, const repo::Repository& repository,
                                      const std::vector<std::string>& names) {
  return paths_to_commit(workspace, repository, repository_prefix(workspace, repository), names);
}

repo::CommitResult commit_prompts(repo::Repository& repository,
                                  const std::vector<std::string>& paths,
                                  const std::string& message) {
  if (paths.empty()) {
    throw Error(ErrorKind::refused, "nothing to commit: no prompt changed since HEAD");
  }
  for (const std::string& path : paths) {
    if (path.ends_with(".yaml")) {
      check_prompt_file_size(repository.work_tree() / path, path);
    }
  }
  auto [author, committer] = repository.identities();
  return repository.commit(paths, message.ends_with("\n") ? message : message + "\n", author,
                           committer);
}

}  // namespace promptctl
