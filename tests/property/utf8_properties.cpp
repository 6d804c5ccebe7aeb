// Where text stops being UTF-8 does not depend on where it starts in memory: the check that
// steps over ASCII eight bytes at a time finds the same first invalid byte as one that reads
// each byte, wherever the ASCII before it ends.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "util/strings.hpp"

using promptctl::util::invalid_utf8_at;

namespace {

// Bytes mostly ASCII, with lead and continuation bytes of every kind among them.
rc::Gen<std::string> mixed_bytes() {
  return rc::gen::container<std::string>(rc::gen::weightedOneOf<char>({
      {6, rc::gen::inRange<char>(0x20, 0x7f)},
      {1, rc::gen::map(rc::gen::inRange<int>(0x80, 0x100),
                       [](int byte) { return static_cast<char>(byte); })},
  }));
}

rc::Gen<std::string> ascii() {
  return rc::gen::container<std::string>(rc::gen::inRange<char>(0, 0x7f));
}

}  // namespace

RC_GTEST_PROP(Utf8Properties, AsciiBeforeTextMovesItsFirstInvalidByteByItsLength, ()) {
  std::string before = *ascii();
  std::string text = *mixed_bytes();
  std::optional<std::size_t> alone = invalid_utf8_at(text);
  std::optional<std::size_t> after = invalid_utf8_at(before + text);
  RC_ASSERT(after.has_value() == alone.has_value());
  if (alone) {
    RC_ASSERT(*after == before.size() + *alone);
  }
}

RC_GTEST_PROP(Utf8Properties, AsciiAfterValidTextKeepsItValid, ()) {
  std::string text = *mixed_bytes();
  std::string after = *ascii();
  std::optional<std::size_t> alone = invalid_utf8_at(text);
  RC_PRE(!alone.has_value());
  RC_ASSERT(!invalid_utf8_at(text + after).has_value());
}
