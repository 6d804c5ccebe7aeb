#include "util/uuid.hpp"

#include <array>

namespace promptctl::util {

UuidV7Generator::UuidV7Generator() : m_random(std::random_device{}()) {}

std::string UuidV7Generator::next(std::int64_t unix_ms) {
  std::uint64_t ms = 0;
  std::uint32_t counter = 0;
  std::uint64_t rand_b = 0;
  {
    // The next id in the same millisecond (or an earlier one, after a clock step) counts on
    // from the last, so that the ids keep their order.
    std::lock_guard lock(m_mutex);
    if (unix_ms > m_last_ms) {
      m_last_ms = unix_ms;
      m_counter = static_cast<std::uint32_t>(m_random() & 0x3ff);  // leaves room to count on
    } else if (++m_counter > 0xfff) {
      ++m_last_ms;  // the counter is spent: borrow the next millisecond
      m_counter = 0;
    }
    ms = static_cast<std::uint64_t>(m_last_ms) & 0xffffffffffffULL;
    counter = m_counter;
    rand_b = m_random();
  }
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 6; ++i) {
    bytes[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  }
  bytes[6] = static_cast<std::uint8_t>(0x70 | (counter >> 8));  // version 7
  bytes[7] = static_cast<std::uint8_t>(counter & 0xff);
  for (int i = 0; i < 8; ++i) {
    bytes[8 + i] = static_cast<std::uint8_t>(rand_b >> (8 * (7 - i)));
  }
  bytes[8] = static_cast<std::uint8_t>(0x80 | (bytes[8] & 0x3f));  // the RFC's variant
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text += '-';
    }
    text += k_hex[bytes[i] >> 4];
    text += k_hex[bytes[i] & 0xf];
  }
  return text;
}

std::string uuid_v7(std::int64_t unix_ms) {
  static UuidV7Generator generator;
  return generator.next(unix_ms);
}

bool is_uuid_v7(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = text[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (dash ? c != '-' : !hex) {
      return false;
    }
  }
  char variant = text[19];
  return text[14] == '7' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

}  // namespace promptctl::util
