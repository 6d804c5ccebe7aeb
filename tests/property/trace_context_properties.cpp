// A trace context written as `traceparent` reads back as itself, and a `traceparent` that
// differs from a valid one in one character either reads back as written or is refused.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/telemetry.hpp"

using namespace promptctl::telemetry;

namespace {

rc::Gen<std::string> hex(std::size_t digits) {
  return rc::gen::suchThat(
      rc::gen::container<std::string>(digits, rc::gen::elementOf(std::string("0123456789abcdef"))),
      [](const std::string& text) { return text.find_first_not_of('0') != std::string::npos; });
}

}  // namespace

RC_GTEST_PROP(TraceContextProperties, WrittenContextsReadBackAsThemselves, ()) {
  TraceContext context{*hex(32), *hex(16), *rc::gen::arbitrary<bool>()};
  std::optional<TraceContext> read = TraceContext::parse(context.traceparent());
  RC_ASSERT(read.has_value());
  RC_ASSERT(read->trace_id == context.trace_id);
  RC_ASSERT(read->span_id == context.span_id);
  RC_ASSERT(read->sampled == context.sampled);
}

RC_GTEST_PROP(TraceContextProperties, AChangedCharacterIsReadAsWrittenOrRefused, ()) {
  std::string text = TraceContext{*hex(32), *hex(16), true}.traceparent();
  std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
  text[at] = *rc::gen::elementOf(std::string("0123456789abcdefABCDEF-_ gz\x01"));
  std::optional<TraceContext> read = TraceContext::parse(text);
  if (read) {
    // Whatever was accepted is exactly what the text says.
    RC_ASSERT(text.substr(3, 32) == read->trace_id);
    RC_ASSERT(text.substr(36, 16) == read->span_id);
    RC_ASSERT(read->traceparent().substr(3, 49) == text.substr(3, 49));
    RC_ASSERT((read->trace_id + read->span_id).find_first_not_of("0123456789abcdef") ==
              std::string::npos);
  }
}
