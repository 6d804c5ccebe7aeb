// Fetched notes and the local notes refs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "promptctl/repo.hpp"
#include "repo/git_api.hpp"

namespace promptctl::repo {

/// Where fetch puts `remote`'s notes refs ("refs/remote-notes/REMOTE/"), beside the local
/// ones, so that a fetch never overwrites local notes.
std::string fetched_notes_prefix(const std::string& remote);

/// Brings each fetched notes ref of `remote` into refs/notes/: created when missing,
/// fast-forwarded, or merged (a commit by `who` with both sides as parents) when both sides
/// added notes. Without `who`, diverged refs are left alone. Returns what was worth saying.
std::vector<std::string> integrate_fetched_notes(git_repository* repository,
                                                 const std::string& remote,
                                                 const std::optional<Identity>& who);

}  // namespace promptctl::repo
