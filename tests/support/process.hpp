// Running the built promptctl binary (or git) in a scrubbed environment, for end-to-end tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace promptctl::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// A signal sent to the child a given time after it started (if it is still running then).
struct Interruption {
  std::chrono::microseconds after{0};
  int signal = 0;
};

struct ProcessOptions {
  std::filesystem::path cwd;
  std::string stdin_text;
  /// Extra variables on top of the scrubbed environment (HOME, XDG_CONFIG_HOME, TZ, LANG,
  /// PATH, fixed git identity and dates; no API keys, no TERM, no colour variables).
  std::map<std::string, std::string> env;
  std::optional<Interruption> interruption = std::nullopt;
  /// Standard error is a pseudo-terminal, as at an interactive shell.
  bool stderr_is_terminal = false;
  /// Standard output is a pseudo-terminal (of its own, so that it is still read apart).
  bool stdout_is_terminal = false;
};

/// Runs `program` with `args` and waits for it.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const ProcessOptions& options);

/// Runs the promptctl binary under test.
ProcessResult run_promptctl(const std::vector<std::string>& args, const ProcessOptions& options);

/// Runs git; fails the current test when git exits non-zero.
std::string git(const std::filesystem::path& cwd, const std::vector<std::string>& args);

}  // namespace promptctl::testing
