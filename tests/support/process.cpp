#include "support/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace promptctl::testing {
namespace {

std::vector<std::string> scrubbed_environment(const ProcessOptions& options) {
  std::string home = options.cwd.empty() ? "/tmp" : options.cwd.string();
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", home},
      {"XDG_CONFIG_HOME", home + "/.config"},
      {"TZ", "UTC"},
      {"LANG", "C"},
      {"LC_ALL", "C"},
      {"GIT_CONFIG_NOSYSTEM", "1"},
      {"GIT_AUTHOR_NAME", "Test Author"},
      {"GIT_AUTHOR_EMAIL", "author@example.com"},
      {"GIT_COMMITTER_NAME", "Test Committer"},
      {"GIT_COMMITTER_EMAIL", "committer@example.com"},
      {"GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z"},
      {"GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z"},
  };
  // A sanitizer build's settings (suppressions, exit codes) must reach the binaries under test.
  for (const char* sanitizer : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(sanitizer)) {
      env[sanitizer] = value;
    }
  }
  for (const auto& [key, value] : options.env) {
    env[key] = value;
  }
  std::vector<std::string> out;
  for (const auto& [key, value] : env) {
    out.push_back(key + "=" + value);
  }
  return out;
}

// A pipe, or with `terminal` a pseudo-terminal whose far end the child sees as a terminal
// (raw, so its bytes arrive as written).
class Pipe {
 public:
  explicit Pipe(bool terminal = false) {
    if (!terminal) {
      if (::pipe2(m_fds.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
      }
      return;
    }
    termios raw{};
    ::cfmakeraw(&raw);
    if (::openpty(&m_fds[0], &m_fds[1], nullptr, &raw, nullptr) != 0) {
      throw std::runtime_error("openpty failed");
    }
    for (int fd : m_fds) {
      ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int read_end() const { return m_fds[0]; }
  int write_end() const { return m_fds[1]; }
  void close_read() { close_fd(m_fds[0]); }
  void close_write() { close_fd(m_fds[1]); }

 private:
  static void close_fd(int& fd) {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
  std::array<int, 2> m_fds{-1, -1};
};

// Sends the interruption, if any, once its time has come. The child is not reaped before
// this runs out, so its pid cannot belong to another process yet.
class Interrupter {
 public:
  Interrupter(pid_t pid, const std::optional<Interruption>& interruption)
      : m_pid(pid),
        m_interruption(interruption),
        m_due(std::chrono::steady_clock::now() +
              (interruption ? interruption->after : std::chrono::microseconds(0))) {}
  // How long to wait for output before the next look at the clock.
  [[nodiscard]] timespec wait() const {
    auto left = std::chrono::seconds(30);
    if (m_interruption) {
      auto until = std::chrono::duration_cast<std::chrono::nanoseconds>(
          m_due - std::chrono::steady_clock::now());
      until = std::max(until, std::chrono::nanoseconds(0));
      if (until < left) {
        return {static_cast<time_t>(until.count() / 1000000000),
                static_cast<long>(until.count() % 1000000000)};
      }
    }
    return {left.count(), 0};
  }
  // True while a timeout means nothing is wrong: an interruption is still to come.
  bool send_if_due() {
    if (!m_interruption) {
      return false;
    }
    if (std::chrono::steady_clock::now() >= m_due) {
      ::kill(m_pid, m_interruption->signal);
      m_interruption.reset();
    }
    return true;
  }

 private:
  pid_t m_pid;
  std::optional<Interruption> m_interruption;
  std::chrono::steady_clock::time_point m_due;
};

// A write to a child that may have exited without reading (a usage error stops it first): the
// write fails with EPIPE instead of SIGPIPE ending the test process. SIGPIPE is blocked on this
// thread just for the write, and one it raised is taken before it is unblocked.
ssize_t write_without_sigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_signal;
  sigset_t previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  ssize_t n = ::write(fd, data, size);
  if (n < 0 && errno == EPIPE) {
    timespec no_wait{};
    while (sigtimedwait(&pipe_signal, nullptr, &no_wait) > 0) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return n;
}

// Feeds stdin and drains stdout and stderr together so neither pipe can fill and block.
void pump(Pipe& in, Pipe& out, Pipe& err, const std::string& input, ProcessResult& result,
          Interrupter& interrupter) {
  size_t written = 0;
  if (input.empty()) {
    in.close_write();
  }
  bool out_open = true;
  bool err_open = true;
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) {
      fds.push_back({out.read_end(), POLLIN, 0});
    }
    if (err_open) {
      fds.push_back({err.read_end(), POLLIN, 0});
    }
    if (in.write_end() >= 0) {
      fds.push_back({in.write_end(), POLLOUT, 0});
    }
    timespec wait = interrupter.wait();
    int ready = ::ppoll(fds.data(), fds.size(), &wait, nullptr);
    if (ready <= 0 && !interrupter.send_if_due()) {
      throw std::runtime_error("child process produced no output for 30 s");
    }
    if (ready <= 0) {
      continue;
    }
    interrupter.send_if_due();
    for (const pollfd& p : fds) {
      if (p.revents == 0) {
        continue;
      }
      if (p.fd == in.write_end()) {
        ssize_t n = write_without_sigpipe(p.fd, input.data() + written, input.size() - written);
        written += n > 0 ? static_cast<size_t>(n) : 0;
        if (n <= 0 || written == input.size()) {
          in.close_write();
        }
        continue;
      }
      char buffer[8192];
      ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      bool is_out = p.fd == out.read_end();
      if (n <= 0) {
        (is_out ? out_open : err_open) = false;
      } else {
        (is_out ? result.out : result.err).append(buffer, static_cast<size_t>(n));
      }
    }
  }
}

// Starts `program` with `args` in the scrubbed environment, in `options.cwd`, after `actions`
// (which this destroys); throws when it cannot start.
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const ProcessOptions& options, posix_spawn_file_actions_t& actions) {
  if (!options.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  }
  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = scrubbed_environment(options);
  std::vector<char*> envp;
  for (std::string& entry : env_storage) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  }
  return pid;
}

bool asks_for_json(const std::vector<std::string>& args) {
  // `runs export` writes JSON lines whatever it is asked.
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "runs" && args[i + 1] == "export") {
      return true;
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json" || args[i] == "--format=json" ||
        (args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json")) {
      return true;
    }
  }
  return false;
}

// Every --json output of the binary, for the check against docs/schemas after the tests (one
// file per test process, a line per output; tests that run the binary from several threads
// take turns).
void record_json_output(const std::vector<std::string>& args, const ProcessResult& result) {
#ifdef PROMPTCTL_JSON_CAPTURE_DIR
  static const std::filesystem::path file = [] {
    std::filesystem::create_directories(PROMPTCTL_JSON_CAPTURE_DIR);
    return std::filesystem::path(PROMPTCTL_JSON_CAPTURE_DIR) /
           (std::to_string(::getpid()) + ".jsonl");
  }();
  nlohmann::json record = {{"args", args}, {"exit_code", result.exit_code}, {"stdout", result.out}};
  static std::mutex writing;
  std::lock_guard<std::mutex> turn(writing);
  std::ofstream(file, std::ios::app)
      << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
#else
  (void)args;
  (void)result;
#endif
}

}  // namespace

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const ProcessOptions& options) {
  Pipe in;
  Pipe out(options.stdout_is_terminal);
  Pipe err(options.stderr_is_terminal);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read_end(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  pid_t pid = spawn(program, args, options, actions);
  in.close_read();
  out.close_write();
  err.close_write();
  ProcessResult result;
  Interrupter interrupter(pid, options.interruption);
  pump(in, out, err, options.stdin_text, result, interrupter);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ProcessResult run_promptctl(const std::vector<std::string>& args, const ProcessOptions& options) {
  ProcessResult result = run_process(PROMPTCTL_BINARY, args, options);
  if (asks_for_json(args) && !options.stdout_is_terminal) {
    record_json_output(args, result);
  }
  return result;
}

struct BackgroundProcess::State {
  pid_t pid = 0;
  int out_fd = -1;
  int err_fd = -1;
  std::thread reader;
  mutable std::mutex lock;
  std::condition_variable changed;
  std::string out;
  std::string err;
  bool ended_output = false;
  std::optional<int> exit_code;
};

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& args,
                                     const ProcessOptions& options)
    : m_state(std::make_unique<State>()) {
  Pipe out;
  Pipe err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  m_state->pid = spawn(PROMPTCTL_BINARY, args, options, actions);
  out.close_write();
  err.close_write();
  // The reader owns the read ends from here: duplicates, since the pipes close with this scope.
  m_state->out_fd = ::fcntl(out.read_end(), F_DUPFD_CLOEXEC, 0);
  m_state->err_fd = ::fcntl(err.read_end(), F_DUPFD_CLOEXEC, 0);
  State* state = m_state.get();
  m_state->reader = std::thread([state] {
    std::array<pollfd, 2> fds = {pollfd{state->out_fd, POLLIN, 0},
                                 pollfd{state->err_fd, POLLIN, 0}};
    int open = 2;
    while (open > 0) {
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        break;
      }
      for (pollfd& p : fds) {
        if (p.fd < 0 || p.revents == 0) {
          continue;
        }
        char buffer[4096];
        ssize_t n = ::read(p.fd, buffer, sizeof buffer);
        if (n <= 0) {
          p.fd = -1;
          --open;
          continue;
        }
        std::lock_guard<std::mutex> guard(state->lock);
        (p.fd == state->err_fd ? state->err : state->out).append(buffer, static_cast<size_t>(n));
        state->changed.notify_all();
      }
    }
    std::lock_guard<std::mutex> guard(state->lock);
    state->ended_output = true;
    state->changed.notify_all();
  });
}

BackgroundProcess::~BackgroundProcess() {
  if (wait(std::chrono::milliseconds(0)) == -1) {
    ::kill(m_state->pid, SIGKILL);
    wait(std::chrono::seconds(30));
  }
  if (m_state->reader.joinable()) {
    m_state->reader.join();
  }
  ::close(m_state->out_fd);
  ::close(m_state->err_fd);
}

bool BackgroundProcess::wait_for_err(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> guard(m_state->lock);
  return m_state->changed.wait_for(guard, timeout, [&] {
    return m_state->err.find(text) != std::string::npos || m_state->ended_output;
  }) && m_state->err.find(text) != std::string::npos;
}

std::string BackgroundProcess::out() const {
  std::lock_guard<std::mutex> guard(m_state->lock);
  return m_state->out;
}

std::string BackgroundProcess::err() const {
  std::lock_guard<std::mutex> guard(m_state->lock);
  return m_state->err;
}

void BackgroundProcess::signal(int signal_number) const {
  ::kill(m_state->pid, signal_number);
}

int BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  if (m_state->exit_code) {
    return *m_state->exit_code;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(m_state->pid, &status, WNOHANG);
    if (done == m_state->pid) {
      m_state->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return *m_state->exit_code;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string git(const std::filesystem::path& cwd, const std::vector<std::string>& args) {
  ProcessOptions options;
  options.cwd = cwd;
  ProcessResult result = run_process("git", args, options);
  EXPECT_EQ(result.exit_code, 0) << "git failed: " << result.err;
  return result.out;
}

}  // namespace promptctl::testing
