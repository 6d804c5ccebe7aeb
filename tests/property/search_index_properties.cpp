// The search index's central promise: however the repository got where it is (edits, deletions,
// renames, commits, resets, files git ignores), bringing the index up to date leaves it holding
// exactly what reading every prompt file from nothing would give.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <set>

#include "promptctl/repo.hpp"
#include "promptctl/search.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "util/fs.hpp"

using namespace promptctl;
using promptctl::testing::git;

namespace {

namespace fs = std::filesystem;

// Few names and few texts, so that steps revisit the same prompt and the same blob.
const std::vector<std::string> k_names = {"a", "b", "team/c", "ignored/d"};
const std::vector<std::string> k_texts = {
    "description: Refund policy\ntags: [support]\ntemplate: \"Refunds for {{order}}\"\n",
    "description: Late parcel\ncategory: ops\ntemplate: \"Sorry, it is late\"\n",
    "variables:\n  who: {type: string, description: The reader}\ntemplate: \"Hi {{who}}\"\n",
    "description: [unclosed broken file\n",
};

enum class Step { write, remove, rename, commit, reset };

struct Action {
  Step step = Step::write;
  std::size_t name = 0;
  std::size_t other = 0;  ///< the text written, or the new name
};

void show(const Action& action, std::ostream& os) {
  const char* steps[] = {"write", "remove", "rename", "commit", "reset"};
  os << steps[static_cast<int>(action.step)] << " " << action.name << " " << action.other;
}

rc::Gen<Action> action() {
  return rc::gen::build<Action>(
      rc::gen::set(&Action::step, rc::gen::element(Step::write, Step::write, Step::remove,
                                                   Step::rename, Step::commit, Step::reset)),
      rc::gen::set(&Action::name, rc::gen::inRange<std::size_t>(0, k_names.size())),
      rc::gen::set(&Action::other, rc::gen::inRange<std::size_t>(0, k_texts.size())));
}

fs::path file_of(const fs::path& root, std::size_t name) {
  return root / "prompts" / (k_names[name] + ".yaml");
}

void apply(const fs::path& root, const Action& action, int& commits) {
  fs::path file = file_of(root, action.name);
  switch (action.step) {
    case Step::write:
      fs::create_directories(file.parent_path());
      util::write_file_atomic(file, k_texts[action.other]);
      break;
    case Step::remove:
      fs::remove(file);
      break;
    case Step::rename:
      if (fs::exists(file)) {
        fs::path target = file_of(root, action.other % k_names.size());
        fs::create_directories(target.parent_path());
        fs::rename(file, target);
      }
      break;
    case Step::commit:
      git(root, {"add", "-A"});
      git(root, {"commit", "-q", "--allow-empty", "-m", "step"});
      ++commits;
      break;
    case Step::reset:  // back one commit, work tree and all, as a rebase or `reset --hard` does
      if (commits > 1) {
        git(root, {"reset", "-q", "--hard", "HEAD~1"});
        --commits;
      }
      break;
  }
}

// What each prompt file reads as now: the index's oracle.
std::map<std::string, IndexedPrompt> from_the_files(const Workspace& workspace) {
  std::map<std::string, IndexedPrompt> out;
  for (const std::string& name : workspace.list_names()) {
    std::optional<std::string> text = util::read_file_if_exists(workspace.file_for(name));
    out[name] = index_document(name, text.value_or(""));
  }
  return out;
}

void expect_same(const std::map<std::string, IndexedPrompt>& expected,
                 const std::vector<IndexedPrompt>& indexed) {
  RC_ASSERT(indexed.size() == expected.size());
  for (const IndexedPrompt& doc : indexed) {
    auto it = expected.find(doc.name);
    RC_ASSERT(it != expected.end());
    const IndexedPrompt& want = it->second;
    RC_ASSERT(doc.description == want.description);
    RC_ASSERT(doc.tags == want.tags);
    RC_ASSERT(doc.category == want.category);
    RC_ASSERT(doc.variables == want.variables);
    RC_ASSERT(doc.body == want.body);
    RC_ASSERT(doc.error == want.error);
  }
}

// The paths under prompts/ that differ between HEAD and the working tree, ignored files
// included, as the git CLI lists them, and as `Repository::changes` does (which walks untracked
// and ignored folders itself).
std::set<std::string> changed_paths_by_git(const fs::path& root) {
  std::string listed = git(root, {"status", "--porcelain", "-z", "--untracked-files=all",
                                  "--ignored", "--no-renames", "--", "prompts/"});
  std::set<std::string> paths;
  for (std::size_t start = 0; start < listed.size();) {
    std::size_t end = listed.find('\0', start);
    paths.insert(listed.substr(start + 3, end - start - 3));  // after "XY "
    start = end + 1;
  }
  return paths;
}

std::set<std::string> changed_paths(const repo::Repository& repository) {
  std::set<std::string> paths;
  for (const repo::FileChange& change :
       repository.changes({"prompts/"}, repo::IgnoredFiles::included)) {
    paths.insert(change.path);
    if (!change.old_path.empty()) {
      paths.insert(change.old_path);
    }
  }
  return paths;
}

}  // namespace

RC_GTEST_PROP(SearchIndexProperties, RefreshingAfterAnyStepsMatchesReadingEveryFile, ()) {
  std::vector<Action> actions =
      *rc::gen::container<std::vector<Action>>(*rc::gen::inRange<std::size_t>(1, 7), action());
  promptctl::testing::TempDir dir;
  fs::path root = dir.path();
  git(root, {"init", "-q", "-b", "main"});
  dir.write("promptctl.yaml", "version: 1\n");
  dir.write(".gitignore", "prompts/ignored/\n");
  git(root, {"add", "-A"});
  git(root, {"commit", "-q", "-m", "start"});
  int commits = 1;
  for (const Action& a : actions) {
    apply(root, a, commits);
    // Each refresh as a new process would make it: a fresh look at the repository.
    Workspace workspace = Workspace::open(root);
    auto repository = std::make_shared<repo::Repository>(repo::Repository::discover(root));
    SearchIndex index(workspace, repository);
    index.refresh();
    expect_same(from_the_files(workspace), index.documents({}));
    RC_ASSERT(changed_paths(*repository) == changed_paths_by_git(root));
  }
}
