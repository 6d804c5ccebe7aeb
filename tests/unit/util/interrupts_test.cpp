// A signal that arrives inside an UninterruptedSection ends the process only when the section
// ends, with the signal's own status; outside one it ends the process at once.
#include "util/interrupts.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

namespace promptctl::util {
namespace {

struct Outcome {
  std::string said;  // what the child wrote before it ended
  int status = 0;
};

// Runs `body` in a child process with the handlers installed; `body` writes to `fd`.
template <typename Body>
Outcome in_child(Body body) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    install_interrupt_handlers();
    body(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  Outcome outcome;
  char buffer[64];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) {
    outcome.said.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  ::waitpid(pid, &outcome.status, 0);
  return outcome;
}

void say(int fd, const char* text) {
  (void)!::write(fd, text, std::char_traits<char>::length(text));
}

TEST(Interrupts, ASignalInsideASectionWaitsForItsEnd) {
  Outcome outcome = in_child([](int fd) {
    {
      UninterruptedSection whole;
      std::raise(SIGINT);
      say(fd, "finished ");
      {
        UninterruptedSection nested;
        std::raise(SIGTERM);
      }
      say(fd, "outer ");
    }
    say(fd, "after");
  });
  EXPECT_EQ(outcome.said, "finished outer ");
  ASSERT_TRUE(WIFSIGNALED(outcome.status));
  EXPECT_EQ(WTERMSIG(outcome.status), SIGTERM);  // the last one held
}

TEST(Interrupts, ASignalOutsideASectionEndsTheProcessAtOnce) {
  Outcome outcome = in_child([](int fd) {
    std::raise(SIGINT);
    say(fd, "after");
  });
  EXPECT_EQ(outcome.said, "");
  ASSERT_TRUE(WIFSIGNALED(outcome.status));
  EXPECT_EQ(WTERMSIG(outcome.status), SIGINT);
}

TEST(Interrupts, AnIgnoredSignalStaysIgnored) {
  Outcome outcome = in_child([](int fd) {
    std::signal(SIGHUP, SIG_IGN);
    install_interrupt_handlers();
    std::raise(SIGHUP);
    say(fd, "alive");
  });
  EXPECT_EQ(outcome.said, "alive");
  EXPECT_TRUE(WIFEXITED(outcome.status));
}

}  // namespace
}  // namespace promptctl::util
