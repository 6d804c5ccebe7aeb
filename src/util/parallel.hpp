// Running independent work items on every core.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace promptctl::util {

/// Calls `work()` on `threads` threads at once (at least one: the caller's, then threads started
/// for the rest) and waits for them all. The first exception thrown is rethrown here.
template <class Work>
void run_on_threads(std::size_t threads, Work work) {
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto guarded = [&] {
    try {
      work();
    } catch (...) {
      if (!failed.exchange(true)) {
        failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(guarded);
  }
  guarded();
  for (std::thread& thread : pool) {
    thread.join();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

/// How many threads the machine runs at once.
inline std::size_t core_count() {
  return std::max(1u, std::thread::hardware_concurrency());
}

/// Calls `work(i)` for every i below `count`, spread over the machine's cores. `work` must be
/// safe to run concurrently for different i. The first exception thrown is rethrown here, and
/// stops the items not yet started.
template <class Work>
void parallel_for(std::size_t count, Work work) {
  constexpr std::size_t k_items_per_thread = 64;  // small items are not worth a thread
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  run_on_threads(std::min(core_count(), count / k_items_per_thread + 1), [&] {
    try {
      for (std::size_t i = next++; i < count && !stop; i = next++) {
        work(i);
      }
    } catch (...) {
      stop = true;
      throw;
    }
  });
}

}  // namespace promptctl::util
