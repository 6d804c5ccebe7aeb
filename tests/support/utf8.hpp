// Characters for tests that build text from code points: drawn at random, written as UTF-8.
#pragma once

#include <rapidcheck.h>

#include <string>

#include "util/utf8.hpp"

namespace promptctl::testing {

using util::append_utf8;

/// Characters of every UTF-8 width (control characters, Latin-1, the BMP without surrogates,
/// the astral planes): anything valid UTF-8 can hold.
inline rc::Gen<char32_t> any_code_point() {
  return rc::gen::oneOf(
      rc::gen::inRange<char32_t>(0, 0x80), rc::gen::inRange<char32_t>(0x80, 0x800),
      rc::gen::inRange<char32_t>(0x800, 0xd800), rc::gen::inRange<char32_t>(0xe000, 0x10000),
      rc::gen::inRange<char32_t>(0x10000, 0x110000));
}

/// Any bytes: control characters, quotes, non-ASCII and invalid UTF-8 among them.
inline rc::Gen<std::string> any_bytes() {
  return rc::gen::container<std::string>(rc::gen::arbitrary<char>());
}

}  // namespace promptctl::testing
