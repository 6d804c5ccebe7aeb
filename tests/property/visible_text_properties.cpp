// Text made visible for a terminal holds no control character but tabs (and newlines when they
// are kept), and it is the text itself with each other control byte written as "\xNN".
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdio>

#include "util/strings.hpp"

using promptctl::util::append_visible;
using promptctl::util::visible;

namespace {

// Mostly printable text with control bytes, DEL and UTF-8 among it.
rc::Gen<std::string> text_with_controls() {
  return rc::gen::container<std::string>(rc::gen::weightedOneOf<char>({
      {4, rc::gen::inRange<char>(0x20, 0x7f)},
      {2, rc::gen::inRange<char>(0, 0x20)},
      {1, rc::gen::just<char>(0x7f)},
      {1, rc::gen::map(rc::gen::inRange<int>(0x80, 0x100),
                       [](int byte) { return static_cast<char>(byte); })},
  }));
}

// The same, one byte at a time.
std::string escaped_bytewise(const std::string& text, bool keep_line_breaks) {
  std::string out;
  for (unsigned char c : text) {
    bool kept = c == '\t' || (keep_line_breaks && c == '\n');
    if ((c < 0x20 && !kept) || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "\\x%02x", c);
      out += code;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

RC_GTEST_PROP(VisibleTextProperties, ControlBytesBecomeTextAndNothingElseChanges, ()) {
  std::string text = *text_with_controls();
  bool keep_line_breaks = *rc::gen::arbitrary<bool>();
  std::string shown = visible(text, keep_line_breaks);
  RC_ASSERT(shown == escaped_bytewise(text, keep_line_breaks));
  for (unsigned char c : shown) {
    RC_ASSERT(!((c < 0x20 && c != '\t' && !(keep_line_breaks && c == '\n')) || c == 0x7f));
  }
  std::string before = *text_with_controls();
  std::string appended = before;
  append_visible(appended, text, keep_line_breaks);
  RC_ASSERT(appended == before + shown);
}
