// SHA-256 (FIPS 180-4), for content-addressed keys that must not depend on libgit2 being loaded.
#pragma once

#include <string>
#include <string_view>

namespace promptctl::util {

/// The SHA-256 digest of `data` as 64 lowercase hexadecimal digits.
/// Uses the processor's SHA instructions where it has them (x86-64), else portable code.
std::string sha256_hex(std::string_view data);

/// Both implementations, for the tests that hold one to the other.
namespace sha256_detail {
std::string hex_portable(std::string_view data);
/// Whether this processor has the instructions `sha256_hex` then uses.
bool hardware_available();
}  // namespace sha256_detail

}  // namespace promptctl::util
