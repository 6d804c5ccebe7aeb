// Base64 (RFC 4648, with padding), for images sent inline as data URIs.
#pragma once

#include <string>
#include <string_view>

namespace promptctl::util {

std::string base64_encode(std::string_view bytes);

}  // namespace promptctl::util
