#include "util/interrupts.hpp"

#include <csignal>

#include <atomic>

namespace promptctl::util {
namespace {

// Both are read in the signal handler, so they must be lock-free atomics.
std::atomic<int> g_sections{0};
std::atomic<int> g_held_signal{0};
std::atomic<int> g_graceful_scopes{0};
std::atomic<int> g_stop_signal{0};
std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<int>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

constexpr int k_interrupts[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Ends the process with `signal`'s default action, so that the parent sees the real cause.
void die_of(int signal) {
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// The first SIGINT or SIGTERM inside a GracefulStop scope becomes a request; anything else
// ends the process.
void deliver(int signal) {
  bool stoppable = signal == SIGINT || signal == SIGTERM;
  if (stoppable && g_graceful_scopes.load() > 0 && !g_stop_requested.load()) {
    g_stop_signal.store(signal);
    g_stop_requested.store(true);
    return;
  }
  die_of(signal);
}

extern "C" void on_interrupt(int signal) {
  if (g_sections.load() > 0) {
    g_held_signal.store(signal);
    return;
  }
  deliver(signal);
}

}  // namespace

void install_interrupt_handlers() {
  for (int signal : k_interrupts) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) != 0 || current.sa_handler == SIG_IGN) {
      continue;
    }
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
  }
}

UninterruptedSection::UninterruptedSection() {
  g_sections.fetch_add(1);
}

UninterruptedSection::~UninterruptedSection() {
  if (g_sections.fetch_sub(1) == 1) {
    if (int held = g_held_signal.exchange(0); held != 0) {
      deliver(held);
    }
  }
}

GracefulStop::GracefulStop() {
  g_graceful_scopes.fetch_add(1);
}

GracefulStop::~GracefulStop() {
  g_graceful_scopes.fetch_sub(1);
}

const std::atomic<bool>& GracefulStop::requested() {
  return g_stop_requested;
}

int GracefulStop::signal_number() {
  return g_stop_signal.load();
}

}  // namespace promptctl::util
