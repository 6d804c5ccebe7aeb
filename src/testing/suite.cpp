// Which prompts a test run covers: named ones, every one with tests, or those a change touches.
#include <algorithm>
#include <memory>
#include <set>

#include "promptctl/address.hpp"
#include "promptctl/changes.hpp"
#include "promptctl/history.hpp"
#include "promptctl/names.hpp"
#include "promptctl/pins.hpp"
#include "promptctl/testing.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

std::string address_of(const std::string& name, const std::string& revision) {
  return revision.empty() || name.find('@') != std::string::npos ? name : name + "@" + revision;
}

// The files a prompt's tests read besides the prompt's own.
std::set<std::string> data_files_of(const Prompt& prompt, const TestSettings& settings) {
  std::set<std::string> files;
  auto add_schema_files = [&](const std::vector<Assertion>& assertions) {
    for (const Assertion& assertion : assertions) {
      if (auto path = schema_file_of(assertion)) {
        files.insert(*path);
      }
    }
  };
  add_schema_files(settings.defaults.assertions);
  for (const TestCase& test : prompt.tests) {
    if (!test.vars_file.empty())
      files.insert(test.vars_file);
    if (!test.dataset.empty())
      files.insert(test.dataset);
    add_schema_files(test.assertions);
  }
  return files;
}

bool uses_judge(const Prompt& prompt, const TestSettings& settings) {
  auto any_judge = [](const std::vector<Assertion>& assertions) {
    return std::any_of(assertions.begin(), assertions.end(), needs_judge);
  };
  return any_judge(settings.defaults.assertions) ||
         std::any_of(prompt.tests.begin(), prompt.tests.end(),
                     [&](const TestCase& test) { return any_judge(test.assertions); });
}

// The prompts and test settings of the working tree (an empty revision) or of a revision,
// read without a checkout.
class SuiteTree {
 public:
  SuiteTree(Workspace& workspace, const std::shared_ptr<const repo::Repository>& repo,
            const std::string& revision)
      : m_workspace(workspace), m_settings(workspace.settings().tests) {
    if (revision.empty()) {
      return;
    }
    if (!repo) {
      throw Error(ErrorKind::usage, "testing a revision needs a git repository");
    }
    m_prefix = repository_prefix(workspace, *repo);
    m_repo = repo;
    m_revision = repo->resolve(revision);
    m_at_revision = std::make_unique<RevisionSource>(repo, *m_revision, m_prefix);
    m_settings = m_at_revision->settings().tests;
  }

  PromptSource& source() {
    return m_at_revision ? static_cast<PromptSource&>(*m_at_revision) : m_workspace;
  }
  [[nodiscard]] const TestSettings& settings() const { return m_settings; }
  [[nodiscard]] std::vector<std::string> prompt_names() const {
    return m_revision ? prompt_names_at(*m_repo, *m_revision, m_prefix) : m_workspace.list_names();
  }

 private:
  Workspace& m_workspace;
  std::shared_ptr<const repo::Repository> m_repo;
  std::string m_prefix;
  std::optional<repo::Revision> m_revision;
  std::unique_ptr<RevisionSource> m_at_revision;
  TestSettings m_settings;
};

}  // namespace

TestSuite load_test_suite(Workspace& workspace, const std::shared_ptr<const repo::Repository>& repo,
                          const std::string& revision, const std::vector<std::string>& names,
                          MissingPrompt missing, const std::vector<std::string>* among) {
  TestSuite suite;
  suite.revision = revision;
  std::vector<std::string> selected = names;
  if (find_environment(workspace.settings().environments, revision)) {
    // An environment: each prompt as it pins it, each from its own commit.
    if (!repo) {
      throw Error(ErrorKind::usage, "testing an environment needs a git repository");
    }
    suite.settings = workspace.settings().tests;
    if (selected.empty()) {
      PinFile pins = pins_at_head(*repo, repository_prefix(workspace, *repo));
      for (const auto& entry : pins.environments[revision]) {
        selected.push_back(entry.first);
      }
    }
  } else {
    SuiteTree tree(workspace, repo, revision);
    suite.settings = tree.settings();
    if (selected.empty()) {
      selected = among ? *among : tree.prompt_names();
    }
  }
  bool every = names.empty();
  // A suite of many prompts reads the compiled ones but keeps none: that would cost more than
  // it saves, and most suites run in fresh clones.
  KeepCompiled keep = selected.size() == 1 ? KeepCompiled::yes : KeepCompiled::no;
  for (const std::string& name : selected) {
    try {
      ResolvedPrompt prompt = resolve_prompt(workspace, address_of(name, revision), keep);
      if (!every || !prompt.prompt.tests.empty()) {
        suite.prompts.push_back(std::move(prompt));
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::not_found || missing == MissingPrompt::error) {
        throw;
      }
    }
  }
  return suite;
}

void keep_tests_matching(TestSuite& suite, const std::vector<std::string>& patterns) {
  if (patterns.empty()) {
    return;
  }
  auto matches = [&](const TestCase& test) {
    std::string name = util::to_lower(test.name);
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
      return name.find(util::to_lower(pattern)) != std::string::npos;
    });
  };
  for (ResolvedPrompt& resolved : suite.prompts) {
    std::erase_if(resolved.prompt.tests, [&](const TestCase& test) { return !matches(test); });
  }
  std::erase_if(suite.prompts,
                [](const ResolvedPrompt& resolved) { return resolved.prompt.tests.empty(); });
}

namespace {

// The changes between `since` and `revision` (the working tree when empty).
std::vector<repo::FileChange> changes_since(const std::shared_ptr<const repo::Repository>& repo,
                                            const std::string& revision, const std::string& since) {
  std::optional<repo::Revision> to_revision;
  if (!revision.empty()) {
    to_revision = repo->resolve(revision);
  }
  return repo->diff_files(repo->resolve(since), to_revision, {});
}

}  // namespace

std::optional<std::vector<std::string>> prompts_touched_since(
    Workspace& workspace, const std::shared_ptr<const repo::Repository>& repo,
    const std::string& revision, const std::string& since) {
  std::optional<std::filesystem::path> state = workspace.state_dir();
  if (!repo || !state || find_environment(workspace.settings().environments, revision)) {
    return std::nullopt;
  }
  std::string prefix = repository_prefix(workspace, *repo);
  std::set<std::string> changed;
  for (const PromptChange& change : group_changes(changes_since(repo, revision, since), prefix)) {
    if (change.subject != Subject::prompt) {
      return std::nullopt;  // settings or a file that some prompt or test may read
    }
    changed.insert(change.name);
    if (!change.old_name.empty()) {
      changed.insert(change.old_name);
    }
  }
  SuiteTree tree(workspace, repo, revision);
  const TestSettings& settings = tree.settings();
  if (changed.contains(settings.judge_prompt)) {
    return std::nullopt;  // which prompts use the judge only their tests say
  }
  IdentityCache identities(*state / "identities.json");
  std::vector<std::string> touched;
  for (const std::string& name : tree.prompt_names()) {
    bool uses_changed = changed.contains(name);
    if (!uses_changed) {
      std::vector<std::string> partials = identities.identity(tree.source(), name).partials;
      uses_changed = std::any_of(partials.begin(), partials.end(), [&](const std::string& partial) {
        return changed.contains(partial);
      });
    }
    if (uses_changed) {
      touched.push_back(name);
    }
  }
  identities.save();
  return touched;
}

void keep_changed_since(TestSuite& suite, Workspace& workspace,
                        const std::shared_ptr<const repo::Repository>& repo,
                        const std::string& since) {
  std::string prefix = repository_prefix(workspace, *repo);
  std::vector<repo::FileChange> files = changes_since(repo, suite.revision, since);
  std::set<std::string> changed_paths;  // relative to the prompt repository's top
  for (const repo::FileChange& file : files) {
    for (const std::string& path : {file.path, file.old_path}) {
      if (!path.empty() && path.starts_with(prefix)) {
        changed_paths.insert(path.substr(prefix.size()));
      }
    }
  }
  std::set<std::string> changed_prompts;
  bool settings_changed = false;
  for (const PromptChange& change : group_changes(files, prefix)) {
    if (change.subject == Subject::prompt) {
      changed_prompts.insert(change.name);
      if (!change.old_name.empty()) {
        changed_prompts.insert(change.old_name);
      }
    }
    settings_changed = settings_changed || change.subject == Subject::settings;
  }
  auto touched = [&](ResolvedPrompt& resolved) {
    const Prompt& prompt = resolved.prompt;
    if (settings_changed || changed_prompts.contains(prompt.name)) {
      return true;
    }
    for (const std::string& partial : content_identity(resolved.source(), prompt).partials) {
      if (changed_prompts.contains(partial)) {
        return true;
      }
    }
    for (const std::string& file : data_files_of(prompt, suite.settings)) {
      if (changed_paths.contains(file)) {
        return true;
      }
    }
    for (const std::string& file : prompt.data_files()) {  // images, tools files
      if (changed_paths.contains(file)) {
        return true;
      }
    }
    return uses_judge(prompt, suite.settings) &&
           changed_prompts.contains(suite.settings.judge_prompt);
  };
  std::erase_if(suite.prompts, [&](ResolvedPrompt& resolved) { return !touched(resolved); });
}

}  // namespace promptctl
