// The user's text editor, chosen and run as git does, for commit messages and `edit`.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace promptctl::cli {

/// The editor, as git chooses it: GIT_EDITOR, then git's `core.editor` (`core_editor`), then
/// VISUAL (not on a dumb terminal), then EDITOR, then vi when standard input is a terminal.
/// Empty when none is set and there is no terminal to run vi on.
std::string chosen_editor(const std::optional<std::string>& core_editor);

/// Runs `editor` on `file` through /bin/sh, as git does (`$EDITOR "$file"`: the file is an
/// argument, never part of the command text), and waits for it. Throws `Error` (io) when it
/// cannot start, and (refused) when it exits with a failure.
void run_editor(const std::string& editor, const std::filesystem::path& file);

}  // namespace promptctl::cli
