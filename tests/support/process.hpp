// Running the built promptctl binary (or git) in a scrubbed environment, for end-to-end tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
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

/// The promptctl binary running in the background (a server), its standard output and error
/// collected by a thread. Killed, if still running, when destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& args, const ProcessOptions& options);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  /// Waits until standard error holds `text`; false when the process ended or `timeout`
  /// passed first.
  bool wait_for_err(const std::string& text, std::chrono::milliseconds timeout);
  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;
  void signal(int signal_number) const;
  /// Waits for the process to end: its exit code, or 128 + the signal that ended it; -1 when
  /// it is still running after `timeout`.
  int wait(std::chrono::milliseconds timeout);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

/// Runs git; fails the current test when git exits non-zero.
std::string git(const std::filesystem::path& cwd, const std::vector<std::string>& args);

}  // namespace promptctl::testing
