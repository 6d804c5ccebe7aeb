// UUIDs of version 7 (RFC 9562): 48 bits of Unix time in milliseconds, then random bits, so
// that ids made on many machines never collide and sort by time.
#pragma once

#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace promptctl::util {

/// Makes UUIDv7s as 36 lowercase characters. The ids one generator makes are strictly
/// increasing, even within one millisecond or when the clock steps back (a counter in the
/// random part, as the RFC allows). Safe from several threads.
class UuidV7Generator {
 public:
  UuidV7Generator();
  std::string next(std::int64_t unix_ms);

 private:
  std::mutex m_mutex;
  std::mt19937_64 m_random;
  std::int64_t m_last_ms = -1;
  std::uint32_t m_counter = 0;  // 12 bits, in the rand_a field
};

/// A new UUIDv7 for `unix_ms` from the process's generator.
std::string uuid_v7(std::int64_t unix_ms);

/// Whether `text` is a UUIDv7 as `uuid_v7` writes it.
bool is_uuid_v7(std::string_view text);

}  // namespace promptctl::util
