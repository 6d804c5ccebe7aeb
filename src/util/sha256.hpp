// SHA-256 (FIPS 180-4), for content-addressed keys that must not depend on libgit2 being loaded.
#pragma once

#include <string>
#include <string_view>

namespace promptctl::util {

/// The SHA-256 digest of `data` as 64 lowercase hexadecimal digits.
std::string sha256_hex(std::string_view data);

}  // namespace promptctl::util
