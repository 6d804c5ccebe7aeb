// Memory freed by the process stays in its heap for reuse: a block under 4 MiB comes from the
// heap rather than a mapping of its own, and freeing it does not hand the pages back.
#include "util/heap.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

// AddressSanitizer brings its own allocator, which neither takes these settings nor reports
// through mallinfo2.
#if defined(__SANITIZE_ADDRESS__)
#define PROMPTCTL_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PROMPTCTL_SANITIZER_ALLOCATOR 1
#endif
#endif

namespace promptctl::util {
namespace {

#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && \
    !defined(PROMPTCTL_SANITIZER_ALLOCATOR)

TEST(Heap, FreedMemoryStaysForReuse) {
  keep_freed_memory_for_reuse();
  malloc_trim(0);  // the heap's top holds no free memory now, so freeing the block cannot
                   // leave more than the 8 MiB kept
  constexpr std::size_t size = 3 << 20;
  struct mallinfo2 before = mallinfo2();
  void* block = std::malloc(size);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, size);
  struct mallinfo2 holding = mallinfo2();
  EXPECT_EQ(holding.hblkhd, before.hblkhd) << "the block was given a mapping of its own";
  std::free(block);
  struct mallinfo2 after = mallinfo2();
  EXPECT_EQ(after.arena, holding.arena) << "the freed block went back to the system";
}

#else

TEST(Heap, FreedMemoryStaysForReuse) {
  GTEST_SKIP() << "no such settings in this allocator";
}

#endif

}  // namespace
}  // namespace promptctl::util
