// promptctl's entry point.
#include <cstdio>
#include <exception>

#include "cli/command_line.hpp"
#include "cli/exit_codes.hpp"
#include "util/heap.hpp"
#include "util/interrupts.hpp"

int main(int argc, char** argv) {
  promptctl::util::install_interrupt_handlers();
  promptctl::util::keep_freed_memory_for_reuse();
  // Commands report their own errors; this catches failures of the set-up around them.
  try {
    return promptctl::cli::run_main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "promptctl: error: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "promptctl: error: internal error\n");
  }
  return promptctl::cli::k_exit_internal;
}
