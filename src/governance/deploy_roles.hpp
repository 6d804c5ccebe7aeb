// Deploy commits: how they are signed, and what `check` finds wrong with the one that set a pin.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "promptctl/governance.hpp"

namespace promptctl::governance_detail {

/// Signs a deploy commit with `key` as git signs commits (nothing without a key). Where the
/// policy requires signed deploys, a signature the allowed signers file does not give the
/// committer is refused before the commit is made.
repo::CommitSigner deploy_signer(const std::string& key, const repo::Identity& committer,
                                 const EnvironmentPolicy* policy,
                                 const std::filesystem::path& allowed_signers);

/// Why the commit in HEAD's history that set `pin` does not satisfy the policy's deployers
/// (and signatures, where required); empty when it does.
std::vector<std::string> deploy_commit_problems(const Workspace& workspace,
                                                const repo::Repository& repository,
                                                const EnvironmentPolicy& policy,
                                                const std::string& prompt, const Pin& pin);

}  // namespace promptctl::governance_detail
