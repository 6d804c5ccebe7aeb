#include "util/base64.hpp"

#include <cstdint>

namespace promptctl::util {

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t at = 0;
  for (; at + 3 <= bytes.size(); at += 3) {
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 16 |
                          static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1]))
                              << 8 |
                          static_cast<unsigned char>(bytes[at + 2]);
    for (int shift : {18, 12, 6, 0}) {
      out += k_alphabet[(group >> shift) & 0x3F];
    }
  }
  std::size_t left = bytes.size() - at;
  if (left > 0) {
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 16;
    if (left == 2) {
      group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8;
    }
    out += k_alphabet[(group >> 18) & 0x3F];
    out += k_alphabet[(group >> 12) & 0x3F];
    out += left == 2 ? k_alphabet[(group >> 6) & 0x3F] : '=';
    out += '=';
  }
  return out;
}

}  // namespace promptctl::util
