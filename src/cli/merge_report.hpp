// What `merge` and `pull` print about a merge, and the arguments the remote commands share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/command.hpp"

namespace promptctl::cli {

/// Prints the result of merging `merged` (a branch or revision, as the user knows it): the
/// outcome, or the conflicts by prompt with what to do next. `extra` adds fields to the JSON.
/// Returns the exit code: 1 when the merge stopped with conflicts.
int report_merge(Session& session, const repo::MergeResult& result, const std::string& merged,
                 bool json, nlohmann::json extra = nlohmann::json::object());

/// The REMOTE and --json arguments of fetch, pull and push.
void add_remote_arguments(CLI::App& sub, std::string& remote, bool& json);

/// `remote`, or the repository's default remote when it is empty.
std::string chosen_remote(Session& session, const std::string& remote);

}  // namespace promptctl::cli
