// The command table. To add a command: a cmd_<name>.cpp defining a CommandSpec, its row in
// commands.cpp, man/promptctl-<name>.1, its entry in each file of completions/, and e2e tests.
//
// A command is a value: its options are a struct that each invocation creates afresh, and what
// it needs from its surroundings is declared in its row, as git's command table declares
// RUN_SETUP. Nothing about a command lives in a file-level static, so the table can be parsed
// and run any number of times in one process.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "cli/output.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/telemetry.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl::cli {

/// What a command needs before it runs.
enum class Setup {
  none,       ///< never opens a prompt repository (init, clone, version)
  gently,     ///< the prompt repository when it asks for one (render --template-file: anywhere)
  workspace,  ///< the prompt repository, found before the command runs: outside one it fails
  ledger,     ///< the prompt repository, and the run ledger in its state folder
};

/// What a command may use: output, the starting folder, and the repository found from it.
class Session {
 public:
  Session(Output& output, std::filesystem::path start, Setup setup)
      : m_output(output), m_start(std::move(start)), m_setup(setup) {}

  [[nodiscard]] Output& out() const { return m_output; }
  [[nodiscard]] const std::filesystem::path& start() const { return m_start; }
  /// What the command declared it needs.
  [[nodiscard]] Setup setup() const { return m_setup; }
  /// Finds what the command declared before it runs, so that a command outside a repository
  /// fails the same way whatever its arguments.
  void prepare();
  /// The prompt repository containing the starting folder, found on first use; throws when
  /// there is none. Only for commands that declared a need for it.
  Workspace& workspace();
  /// The git repository holding the prompt repository, opened on first use.
  repo::Repository& repository();
  /// The same repository, for sources that keep it (a RevisionSource reading a commit).
  std::shared_ptr<repo::Repository> shared_repository();
  /// Where this command's calls send their spans: configured by the OTEL_* variables on first
  /// use (a setting that cannot be used is a warning, and no span is sent).
  telemetry::Tracer& tracer();
  /// Sends the spans still queued (waiting at most the export timeout) and warns about those
  /// that could not be sent.
  void finish_tracing();

  /// The words after the command name, unparsed: all of them for the completion helper, and
  /// for other commands to see what CLI11 does not keep (where "--" was).
  [[nodiscard]] const std::vector<std::string>& raw_arguments() const { return m_raw; }
  void set_raw_arguments(std::vector<std::string> words) { m_raw = std::move(words); }

 private:
  std::vector<std::string> m_raw;
  Output& m_output;
  std::filesystem::path m_start;
  Setup m_setup;
  std::optional<Workspace> m_workspace;
  std::shared_ptr<repo::Repository> m_repository;
  std::unique_ptr<telemetry::Tracer> m_tracer;
};

/// What a command's positional arguments are, for shell completion.
enum class Completes {
  nothing,
  prompt_names,
  branches,
  revisions,
  revisions_and_prompt_names,
  run_ids,  ///< the ledger's newest runs (rerun, feedback)
};

/// The hidden command that shells call for completion candidates; it takes its words raw.
inline constexpr std::string_view k_complete_command = "__complete";

/// One use of a command: the options the parser fills in, and the code that runs on them.
class Invocation {
 public:
  Invocation() = default;
  Invocation(const Invocation&) = delete;
  Invocation& operator=(const Invocation&) = delete;
  virtual ~Invocation() = default;
  /// Runs the command on its parsed options and returns its exit code; throws `Error`.
  virtual int run(Session& session) = 0;
};

namespace command_detail {

template <class Options, int (*Run)(Session&, const Options&)>
class BoundInvocation final : public Invocation {
 public:
  Options options;
  int run(Session& session) override { return Run(session, options); }
};

}  // namespace command_detail

/// The `declare` of a command whose options are `Options`: `Add` declares them on the
/// subcommand, bound to a fresh `Options`, and `Run` runs on them once parsed.
template <class Options, void (*Add)(CLI::App&, Options&), int (*Run)(Session&, const Options&)>
std::unique_ptr<Invocation> declare(CLI::App& sub) {
  auto invocation = std::make_unique<command_detail::BoundInvocation<Options, Run>>();
  Add(sub, invocation->options);
  return invocation;
}

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  Completes positionals;
  Setup setup;
  /// Declares the command's options on its CLI11 subcommand, bound to the invocation it
  /// returns, which must outlive the parse.
  std::unique_ptr<Invocation> (*declare)(CLI::App& sub);
};

/// Every command, in the order `promptctl --help` lists them.
std::span<const CommandSpec* const> all_commands();

/// Prompt-name arguments as given: a name, or a path to a prompt file.
std::vector<std::string> prompt_names(const std::vector<std::string>& arguments);

/// A --since (or --older-than) DATE as seconds since the epoch: nothing for "". Throws
/// `Error` (usage) when the date cannot be read.
std::optional<std::int64_t> since_option(const std::string& text);

}  // namespace promptctl::cli
