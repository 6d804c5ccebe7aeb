// How the process's heap gives memory back to the system.
#pragma once

namespace promptctl::util {

/// Keeps freed memory for reuse instead of returning it to the system as soon as 128 KiB are
/// free at the heap's top, glibc's default. A batch's heap rises and falls as its rows come and
/// go; returning the top each time made the kernel fault the same pages in again, over ten
/// times a row (a fifth of a batch's CPU). Allocations under 4 MiB come from the heap and up to
/// 8 MiB of free memory stays there, twice the first, as glibc sets them itself when it raises
/// its threshold after a large block is freed. Changes nothing where the C library has no such
/// settings. Call once, early, from `main`.
void keep_freed_memory_for_reuse();

}  // namespace promptctl::util
