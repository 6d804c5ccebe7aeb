// How the process's heap gives memory back to the system.
#pragma once

namespace promptctl::util {

/// Keeps freed memory for reuse instead of returning it to the system as soon as 128 KiB are
/// free at the heap's top, glibc's default. A batch's memory rises and falls by a few hundred
/// kilobytes with every group of rows it commits; returning it each time made the kernel
/// fault the same pages in again, several times a row (a tenth of a batch's CPU went to page
/// faults). Allocations under 4 MiB come from the heap and up to 8 MiB of free memory stays
/// there: the values glibc adopts by itself after a large block is freed, set from the start.
/// Changes nothing where the C library has no such settings. Call once, early, from `main`.
void keep_freed_memory_for_reuse();

}  // namespace promptctl::util
