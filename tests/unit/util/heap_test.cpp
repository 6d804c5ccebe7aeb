// Memory freed by the process stays in its heap for reuse: a block under 4 MiB comes from the
// heap rather than a mapping of its own, and freeing it does not hand the pages back.
#include "util/heap.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace promptctl::util {
namespace {

#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)

TEST(Heap, FreedMemoryStaysForReuse) {
  keep_freed_memory_for_reuse();
  malloc_trim(0);  // the heap's top holds no free memory now
  constexpr std::size_t size = 3 << 20;
  struct mallinfo2 before = mallinfo2();
  void* block = std::malloc(size);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, size);
  struct mallinfo2 holding = mallinfo2();
  EXPECT_EQ(holding.hblkhd, before.hblkhd) << "the block was given a mapping of its own";
  EXPECT_GE(holding.arena, before.arena + size);
  std::free(block);
  struct mallinfo2 after = mallinfo2();
  EXPECT_EQ(after.arena, holding.arena) << "the freed block went back to the system";
}

#else

TEST(Heap, FreedMemoryStaysForReuse) {
  GTEST_SKIP() << "this C library has no such settings";
}

#endif

}  // namespace
}  // namespace promptctl::util
