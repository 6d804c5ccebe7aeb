// Prompts named by the path to their file, read from the directory the command started in, as
// git reads paths: `cd prompts/support && promptctl render reply.yaml`.
#pragma once

#include <filesystem>
#include <string>

namespace CLI {
class App;
}

namespace promptctl::cli {

class Session;

/// `word` with its prompt part written as a path to a prompt file relative to `start`
/// ("reply.yaml", "./prompts/x.yaml", "../a.yaml@HEAD~1") turned into the prompt's name
/// ("support/reply", "x", "a@HEAD~1"). A word that is no such path, or a path that leads
/// outside `prompts_dir`, comes back as written, for the usual name rules to read.
std::string prompt_argument(const std::string& word, const std::filesystem::path& start,
                            const std::filesystem::path& prompts_dir);

/// Rewrites the parsed positional arguments of `command`, whose positionals are prompts, by
/// `prompt_argument`. Outside a prompt repository nothing changes: the command reports that.
void read_prompt_paths(CLI::App& command, Session& session);

}  // namespace promptctl::cli
