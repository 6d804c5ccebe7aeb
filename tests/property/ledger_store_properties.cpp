// Invariants of what the ledger keeps: a redacted text holds no variable's value outside a
// marker, and a hashed run holds no variable's value at all.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/ledger.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

// A small alphabet that includes the markers' own letters and brackets, so values that
// occur inside markers, overlap each other or repeat are drawn often.
rc::Gen<std::string> text_of(std::size_t at_least) {
  return rc::gen::suchThat(
      rc::gen::container<std::string>(rc::gen::element('a', 'b', 'r', 'e', 'd', '[', ']', ':')),
      [at_least](const std::string& text) { return text.size() >= at_least; });
}

struct Span {
  std::size_t begin;
  std::size_t end;
};

// Redacts `text` while noting where each marker landed, by marking with unique characters
// the alphabet above never draws and then substituting the real markers.
std::pair<std::string, std::vector<Span>> redact_with_spans(
    const std::string& text, const std::vector<Redaction>& redactions) {
  std::vector<Redaction> tagged = redactions;
  for (std::size_t i = 0; i < tagged.size(); ++i) {
    tagged[i].marker = std::string(1, static_cast<char>('0' + i));
  }
  std::string placeholders = redact(text, tagged);
  std::string out;
  std::vector<Span> spans;
  for (char c : placeholders) {
    if (c >= '0' && c < static_cast<char>('0' + tagged.size())) {
      const std::string& marker = redactions[static_cast<std::size_t>(c - '0')].marker;
      spans.push_back({out.size(), out.size() + marker.size()});
      out += marker;
    } else {
      out += c;
    }
  }
  return {out, spans};
}

RC_GTEST_PROP(LedgerStoreProperties, NoValueSurvivesOutsideAMarker, ()) {
  std::string text = *text_of(0);
  std::size_t count = *rc::gen::inRange<std::size_t>(1, 4);
  std::vector<Redaction> redactions;
  for (std::size_t i = 0; i < count; ++i) {
    redactions.push_back({*text_of(1), "[redacted:v" + std::to_string(i) + "]"});
  }
  auto [redacted, spans] = redact_with_spans(text, redactions);
  RC_ASSERT(redacted == redact(text, redactions));
  for (const Redaction& redaction : redactions) {
    for (std::size_t at = redacted.find(redaction.value); at != std::string::npos;
         at = redacted.find(redaction.value, at + 1)) {
      std::size_t end = at + redaction.value.size();
      bool overlaps_a_marker = std::any_of(spans.begin(), spans.end(), [&](const Span& span) {
        return at < span.end && span.begin < end;
      });
      RC_ASSERT(overlaps_a_marker);
    }
  }
}

RC_GTEST_PROP(LedgerStoreProperties, WithoutTheValuesRedactingChangesNothing, ()) {
  std::string text = *text_of(0);
  std::string value = *text_of(1);
  RC_PRE(text.find(value) == std::string::npos);
  RC_ASSERT(redact(text, {{value, "[redacted:x]"}}) == text);
}

RC_GTEST_PROP(LedgerStoreProperties, AHashedRunHoldsNoValueOfItsVariables, ()) {
  std::string secret = "S" + *text_of(6);
  std::string other = *text_of(0);
  RunRecord run;
  run.store = LedgerStore::hashes;
  run.variables = {{"secret", secret}, {"list", json::array({other, secret})}};
  run.request = {{"messages", json::array({{{"role", "user"}, {"content", other + secret}}})}};
  run.output = "the secret is " + secret;
  run.error = "could not " + secret;
  std::string kept = run.stored_form().to_json().dump();
  RC_ASSERT(kept.find(secret) == std::string::npos);
}

}  // namespace
