#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pthread.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <tuple>

#include "promptctl/error.hpp"

extern char** environ;

namespace promptctl::util {
namespace {

// Both ends of a pipe, closed when it goes away; either end may be closed early.
class Pipe {
 public:
  Pipe() {
    if (::pipe2(m_ends, O_CLOEXEC) != 0) {
      throw Error(ErrorKind::io, std::string("cannot create a pipe: ") + std::strerror(errno));
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  [[nodiscard]] int read_end() const { return m_ends[0]; }
  [[nodiscard]] int write_end() const { return m_ends[1]; }
  void close_read() { close_end(0); }
  void close_write() { close_end(1); }

 private:
  void close_end(int which) {
    if (m_ends[which] >= 0) {
      ::close(m_ends[which]);
      m_ends[which] = -1;
    }
  }
  int m_ends[2] = {-1, -1};
};

// posix_spawn's file actions, destroyed when done.
class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&m_actions); }
  ~FileActions() { posix_spawn_file_actions_destroy(&m_actions); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &m_actions; }

 private:
  posix_spawn_file_actions_t m_actions{};
};

// Blocks SIGPIPE for this thread while it lives and discards one raised meanwhile: a helper
// that exits before reading all its input must not end this process, and the process's own
// handling of SIGPIPE (for a closed standard output) stays as it was.
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_previous);
  }
  ~SigpipeBlocked() {
    timespec no_wait{};
    while (sigtimedwait(&m_set, nullptr, &no_wait) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t m_set{};
  sigset_t m_previous{};
};

// Writes `input` and reads both outputs at once, so that neither side waits on a full pipe.
void exchange(Pipe& in, Pipe& out, Pipe& err, std::string_view input, ProgramResult& result) {
  size_t written = 0;
  if (input.empty()) {
    in.close_write();
  } else {
    // A blocking write of more than the pipe holds would wait for the child to read, while the
    // child waits for us to read its output: write only what fits, as poll reports room.
    ::fcntl(in.write_end(), F_SETFL, ::fcntl(in.write_end(), F_GETFL) | O_NONBLOCK);
  }
  char buffer[8192];
  while (out.read_end() >= 0 || err.read_end() >= 0) {
    pollfd fds[3] = {
        {in.write_end(), POLLOUT, 0}, {out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    if (fds[0].revents != 0) {
      ssize_t sent = ::write(in.write_end(), input.data() + written, input.size() - written);
      bool again = sent < 0 && (errno == EAGAIN || errno == EINTR);
      written += sent > 0 ? static_cast<size_t>(sent) : 0;
      if ((sent < 0 && !again) || written == input.size()) {
        in.close_write();  // done, or the child stopped reading
      }
    }
    for (auto [index, pipe, target] :
         {std::tuple{1, &out, &result.out}, std::tuple{2, &err, &result.err}}) {
      if (fds[index].revents == 0) {
        continue;
      }
      ssize_t got = ::read(pipe->read_end(), buffer, sizeof buffer);
      if (got > 0) {
        target->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        pipe->close_read();
      }
    }
  }
  in.close_write();
}

}  // namespace

ProgramResult run_program(const std::vector<std::string>& argv, std::string_view input) {
  Pipe in;
  Pipe out;
  Pipe err;
  FileActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), in.read_end(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err.write_end(), STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  int started =
      ::posix_spawnp(&pid, argv.at(0).c_str(), actions.get(), nullptr, args.data(), environ);
  if (started != 0) {
    throw Error(ErrorKind::not_found, "cannot run " + argv[0] + ": " + std::strerror(started));
  }
  in.close_read();
  out.close_write();
  err.close_write();
  ProgramResult result;
  {
    SigpipeBlocked blocked;
    exchange(in, out, err, input, result);
  }
  result.exit_code = wait_for_exit(pid);
  return result;
}

pid_t start_user_command(const std::string& command, const std::vector<std::string>& arguments,
                         int standard_input) {
  FileActions actions;
  if (standard_input >= 0) {
    posix_spawn_file_actions_adddup2(actions.get(), standard_input, STDIN_FILENO);
  }
  std::vector<std::string> words = {"sh", "-c", arguments.empty() ? command : command + " \"$@\"",
                                    command};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  argv.reserve(words.size() + 1);
  for (std::string& word : words) {
    argv.push_back(word.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int failed = ::posix_spawn(&pid, "/bin/sh", actions.get(), nullptr, argv.data(), environ);
      failed != 0) {
    throw Error(ErrorKind::io, "cannot start /bin/sh: " + std::string(std::strerror(failed)));
  }
  return pid;
}

int wait_for_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return -1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace promptctl::util
