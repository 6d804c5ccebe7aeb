#include "util/sha256.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
#if defined(__clang__)
// glibc's header is C: its functions return _Bool, which clang knows in C++ only as bool.
#define _Bool bool
#include <sys/platform/x86.h>
#undef _Bool
#else
#include <sys/platform/x86.h>
#endif
#endif
#endif

namespace promptctl::util {
namespace {

constexpr std::array<std::uint32_t, 64> k_rounds = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

using State = std::array<std::uint32_t, 8>;

constexpr std::uint32_t rotate_right(std::uint32_t value, int bits) {
  return (value >> bits) | (value << (32 - bits));
}

void compress_one(State& state, const unsigned char* block) {
  std::array<std::uint32_t, 64> w{};
  for (int i = 0; i < 16; ++i) {
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
  }
  for (int i = 16; i < 64; ++i) {
    std::uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
    std::uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  auto [a, b, c, d, e, f, g, h] = state;
  for (int i = 0; i < 64; ++i) {
    std::uint32_t sum1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
    std::uint32_t choose = (e & f) ^ (~e & g);
    std::uint32_t t1 = h + sum1 + choose + k_rounds[i] + w[i];
    std::uint32_t sum0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
    std::uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    std::uint32_t t2 = sum0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  std::array<std::uint32_t, 8> add = {a, b, c, d, e, f, g, h};
  for (int i = 0; i < 8; ++i) {
    state[i] += add[i];
  }
}

void compress_portable(State& state, const unsigned char* blocks, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    compress_one(state, blocks + 64 * i);
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PROMPTCTL_SHA_EXTENSIONS 1

// The same compression with the processor's SHA extensions, which do two rounds in one
// instruction. The state lives in two registers as the instructions want it: {A, B, E, F} and
// {C, D, G, H}, highest lane first.
__attribute__((target("sha,sse4.1,ssse3"))) void compress_sha_extensions(
    State& state, const unsigned char* blocks, std::size_t count) {
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  // Message words are big-endian: reverse the bytes of each 32-bit lane.
  const __m128i big_endian = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  for (std::size_t b = 0; b < count; ++b) {
    const unsigned char* block = blocks + 64 * b;
    __m128i abef_before = abef;
    __m128i cdgh_before = cdgh;
    // w[g % 4] holds message words 4g..4g+3 when group g of four rounds starts.
    __m128i w[4];  // NOLINT(*-avoid-c-arrays): std::array drops the vector type's attributes
    for (int i = 0; i < 4; ++i) {
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)),
                              big_endian);
    }
    for (int g = 0; g < 16; ++g) {
      __m128i words = w[g % 4];
      __m128i sums =
          _mm_add_epi32(words, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&k_rounds[4 * g])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sums);  // two rounds: now {A, B, E, F}
      sums = _mm_shuffle_epi32(sums, 0x0E);            // the next two words to the low lanes
      abef = _mm_sha256rnds2_epu32(abef, cdgh, sums);  // two more: back in place
      if (g < 12) {
        // Words 4g+16..4g+19 from 4g.., 4g+4.., 4g+9..4g+12 and 4g+12..4g+15.
        __m128i nine_to_twelve = _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4);
        __m128i partial =
            _mm_add_epi32(_mm_sha256msg1_epu32(words, w[(g + 1) % 4]), nine_to_twelve);
        w[g % 4] = _mm_sha256msg2_epu32(partial, w[(g + 3) % 4]);
      }
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), _mm_alignr_epi8(dchg, feba, 8));
}

// From what the C library found out at start-up: the cpuid instruction itself stops a virtual
// machine, and asking it on the first digest showed in a render's profile.
bool processor_has_sha_extensions() {
#if __has_include(<sys/platform/x86.h>)
  return CPU_FEATURE_ACTIVE(SHA) && CPU_FEATURE_ACTIVE(SSE4_1) && CPU_FEATURE_ACTIVE(SSSE3);
#else
  return false;
#endif
}
#endif

using Compress = void (*)(State&, const unsigned char*, std::size_t);

Compress fastest_compress() {
#ifdef PROMPTCTL_SHA_EXTENSIONS
  static const Compress chosen =
      processor_has_sha_extensions() ? compress_sha_extensions : compress_portable;
  return chosen;
#else
  return compress_portable;
#endif
}

std::string digest_hex(std::string_view data, Compress compress) {
  State state = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  size_t full = data.size() / 64;
  compress(state, bytes, full);
  // The tail, the 0x80 marker and the bit length fill one or two final blocks.
  std::array<unsigned char, 128> tail{};
  size_t rest = data.size() - 64 * full;
  for (size_t i = 0; i < rest; ++i) {
    tail[i] = bytes[64 * full + i];
  }
  tail[rest] = 0x80;
  size_t tail_size = rest + 1 + 8 <= 64 ? 64 : 128;
  std::uint64_t bits = static_cast<std::uint64_t>(data.size()) * 8;
  for (int i = 0; i < 8; ++i) {
    tail[tail_size - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  }
  compress(state, tail.data(), tail_size / 64);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(64);
  for (std::uint32_t word : state) {
    for (int shift = 28; shift >= 0; shift -= 4) {
      hex += k_hex[(word >> shift) & 0xf];
    }
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  return digest_hex(data, fastest_compress());
}

namespace sha256_detail {

std::string hex_portable(std::string_view data) {
  return digest_hex(data, compress_portable);
}

bool hardware_available() {
  return fastest_compress() != compress_portable;
}

}  // namespace sha256_detail
}  // namespace promptctl::util
