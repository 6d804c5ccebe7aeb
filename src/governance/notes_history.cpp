// Tamper evidence for approvals: the notes ref is a chain of commits, each adding a decision
// (or merging two sides line by line). Walking it and comparing each note with its state in
// the parents finds any decision that was deleted or edited, and the commit that did it.
#include <set>

#include "promptctl/governance.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

std::set<std::string, std::less<>> decision_lines(const std::optional<std::string>& text) {
  std::set<std::string, std::less<>> lines;
  if (!text) {
    return lines;
  }
  for (std::string_view line : util::split(*text, '\n')) {
    if (Decision::from_line(line)) {
      lines.emplace(line);
    }
  }
  return lines;
}

std::string describe_line(std::string_view line) {
  std::optional<Decision> decision = Decision::from_line(line);
  return std::string(decision->verdict == Verdict::approve ? "approve " : "reject ") +
         decision->stage + " of " + decision->prompt + " by " + decision->email;
}

// Decisions in the parent's version of each changed note that the child's version lacks.
void compare_with_parent(const repo::Repository& repository, const repo::CommitInfo& child,
                         const repo::Revision& child_revision, const std::string& parent_id,
                         std::vector<NotesTampering>& out) {
  repo::Revision parent = repository.resolve(parent_id);
  for (const repo::FileChange& change : repository.diff_files(parent, child_revision, {})) {
    if (change.kind == repo::ChangeKind::added) {
      continue;
    }
    std::string old_path = change.kind == repo::ChangeKind::renamed ? change.old_path : change.path;
    auto before = decision_lines(repository.read_file(parent, old_path));
    auto after = change.kind == repo::ChangeKind::deleted
                     ? std::set<std::string, std::less<>>{}
                     : decision_lines(repository.read_file(child_revision, change.path));
    for (const std::string& line : before) {
      if (!after.contains(line)) {
        out.push_back({child.id, child.committer, describe_line(line)});
      }
    }
  }
}

}  // namespace

nlohmann::json NotesTampering::to_json() const {
  return {{"commit", commit},
          {"committer", util::identity_json(who.name, who.email)},
          {"removed", removed}};
}

std::string NotesTampering::describe() const {
  return "notes commit " + commit.substr(0, 7) + " by " + who.name + " <" + who.email +
         "> removed or rewrote: " + removed;
}

std::vector<NotesTampering> check_notes_history(const repo::Repository& repository) {
  std::vector<NotesTampering> out;
  repo::Revision tip;
  try {
    tip = repository.resolve(k_approvals_ref);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found) {
      return out;  // nobody has approved anything yet
    }
    throw;
  }
  for (const repo::CommitInfo& commit : repository.log(tip)) {
    repo::Revision revision = repository.resolve(commit.id);
    for (const std::string& parent : commit.parents) {
      compare_with_parent(repository, commit, revision, parent, out);
    }
  }
  return out;
}

}  // namespace promptctl
