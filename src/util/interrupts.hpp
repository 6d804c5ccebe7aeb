// Interruptions (Ctrl-C, kill, a closed terminal) that wait for a change to be whole: a step
// that writes several files or moves a ref and then the index would otherwise be cut in two.
#pragma once

#include <atomic>

namespace promptctl::util {

/// Installs handlers for SIGINT, SIGTERM, SIGHUP and SIGQUIT that end the process at once, as
/// their default action does, except while an `UninterruptedSection` is alive anywhere in the
/// process: then the signal is held and delivered when the last section ends. Signals that
/// are ignored when this is called (`nohup`) stay ignored. Call once, early, from `main`.
void install_interrupt_handlers();

/// A scope that the signals above do not cut short (SIGKILL still does). Keep it to the few
/// system calls that must happen together; a signal received meanwhile ends the process
/// when the outermost section ends, with the signal's own exit status.
class UninterruptedSection {
 public:
  UninterruptedSection();
  ~UninterruptedSection();
  UninterruptedSection(const UninterruptedSection&) = delete;
  UninterruptedSection& operator=(const UninterruptedSection&) = delete;
};

/// A scope for long work that can end early and still leave whole results (a batch of model
/// calls): while it is alive, the first SIGINT or SIGTERM does not end the process but sets
/// `requested()`, for the work to notice, stop starting new steps and finish the ones under
/// way. A second signal, or any signal once the scope has ended, ends the process as usual.
class GracefulStop {
 public:
  GracefulStop();
  ~GracefulStop();
  GracefulStop(const GracefulStop&) = delete;
  GracefulStop& operator=(const GracefulStop&) = delete;

  /// Set by the first SIGINT or SIGTERM; safe to read from any thread.
  [[nodiscard]] static const std::atomic<bool>& requested();
  /// The signal that asked to stop, or 0.
  [[nodiscard]] static int signal_number();
};

}  // namespace promptctl::util
