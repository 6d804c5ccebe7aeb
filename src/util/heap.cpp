#include "util/heap.hpp"

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace promptctl::util {

void keep_freed_memory_for_reuse() {
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
  constexpr int mmap_threshold = 4 << 20;
  // glibc's own rule when it raises the threshold: trim at twice the mmap threshold.
  mallopt(M_MMAP_THRESHOLD, mmap_threshold);
  mallopt(M_TRIM_THRESHOLD, 2 * mmap_threshold);
#endif
}

}  // namespace promptctl::util
