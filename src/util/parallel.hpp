// Running independent work items on every core.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace promptctl::util {

/// Calls `work(i)` for every i below `count`, spread over the machine's cores. `work` must be
/// safe to run concurrently for different i. The first exception thrown is rethrown here. Each
/// thread started beyond the caller's has `items_per_thread` items to do or more: small items
/// are not worth a thread.
template <class Work>
void parallel_for(std::size_t count, Work work, std::size_t items_per_thread = 64) {
  std::size_t threads = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                              count / items_per_thread + 1);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        work(i);
      } catch (...) {
        if (!failed.exchange(true)) {
          failure = std::current_exception();
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  worker();
  for (std::thread& thread : pool) {
    thread.join();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

}  // namespace promptctl::util
