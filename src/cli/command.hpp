// The command table. To add a command: a cmd_<name>.cpp defining a CommandSpec, its row in
// commands.cpp, man/promptctl-<name>.1, its entry in each file of completions/, and e2e tests.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "cli/output.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl::cli {

/// What a command may use: output, the starting folder, and the repository found from it.
class Session {
 public:
  Session(Output& output, std::filesystem::path start)
      : m_output(output), m_start(std::move(start)) {}

  [[nodiscard]] Output& out() const { return m_output; }
  [[nodiscard]] const std::filesystem::path& start() const { return m_start; }
  /// The prompt repository containing the starting folder, found on first use; throws when
  /// there is none.
  Workspace& workspace();
  /// The git repository holding the prompt repository, opened on first use.
  repo::Repository& repository();
  /// The same repository, for sources that keep it (a RevisionSource reading a commit).
  std::shared_ptr<repo::Repository> shared_repository();

  /// The words after the command name, unparsed: all of them for the completion helper, and
  /// for other commands to see what CLI11 does not keep (where "--" was).
  [[nodiscard]] const std::vector<std::string>& raw_arguments() const { return m_raw; }
  void set_raw_arguments(std::vector<std::string> words) { m_raw = std::move(words); }

 private:
  std::vector<std::string> m_raw;
  Output& m_output;
  std::filesystem::path m_start;
  std::optional<Workspace> m_workspace;
  std::shared_ptr<repo::Repository> m_repository;
};

/// What a command's positional arguments are, for shell completion.
enum class Completes { nothing, prompt_names, branches, revisions, revisions_and_prompt_names };

/// The hidden command that shells call for completion candidates; it takes its words raw.
inline constexpr std::string_view k_complete_command = "__complete";

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  Completes positionals;
  /// Declares the command's options on its CLI11 subcommand, bound to the command's state.
  void (*add_options)(CLI::App& sub);
  /// Runs the command and returns its exit code; throws `Error` for failures.
  int (*run)(Session& session);
};

/// Every command, in the order `promptctl --help` lists them.
std::span<const CommandSpec* const> all_commands();

/// Prompt-name arguments as given: a name, or a path to a prompt file.
std::vector<std::string> prompt_names(const std::vector<std::string>& arguments);

/// A --since (or --older-than) DATE as seconds since the epoch: nothing for "". Throws
/// `Error` (usage) when the date cannot be read.
std::optional<std::int64_t> since_option(const std::string& text);

/// {"expression": …, "commit": …} for a revision, null for the working tree.
nlohmann::json revision_json(const std::optional<repo::Revision>& revision);

}  // namespace promptctl::cli
