// Where pins live: one branch for the whole repository. A deploy committed on a side branch
// would pin a version that nobody on the main line sees, and that a later merge might bring
// in, or not, long after the fact.
#include "promptctl/governance.hpp"

namespace promptctl {

std::string deploy_branch(const Workspace& workspace, const repo::Repository& repository) {
  if (!workspace.settings().deploy_branch.empty()) {
    return workspace.settings().deploy_branch;
  }
  std::string main_line = repository.default_branch();
  return main_line.empty() ? repository.current_branch() : main_line;
}

void require_deploy_branch(const Workspace& workspace, const repo::Repository& repository) {
  std::string wanted = deploy_branch(workspace, repository);
  std::string current = repository.current_branch();
  if (!current.empty() && current == wanted) {
    return;
  }
  std::string where = current.empty() ? "a detached HEAD" : "branch '" + current + "'";
  std::string source = workspace.settings().deploy_branch.empty()
                           ? "the repository's default branch"
                           : "deploy_branch in promptctl.yaml";
  throw Error(ErrorKind::refused,
              "pins are committed to '" + wanted + "' (" + source + "), not to " + where, {},
              "run 'promptctl switch " + wanted + "' and deploy from there");
}

}  // namespace promptctl
