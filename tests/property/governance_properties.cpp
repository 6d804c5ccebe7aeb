// Invariants of the governance files: any pins file promptctl writes reads back as the same
// pins, and any decision survives its note line.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/governance.hpp"

using namespace promptctl;

namespace {

rc::Gen<std::string> word() {
  return rc::gen::nonEmpty(
      rc::gen::container<std::string>(rc::gen::element('a', 'z', '0', '-', '_', '.', '/')));
}

// Free text: quotes, colons, hashes, backslashes, newlines and non-ASCII included.
rc::Gen<std::string> text() {
  return rc::gen::container<std::string>(rc::gen::oneOf(
      rc::gen::element('a', ' ', ':', '#', '"', '\'', '\\', '\n', '\t', '{', '-', '@'),
      rc::gen::just('\xc3'), rc::gen::just('\xa9')));
}

rc::Gen<std::string> hex_id() {
  return rc::gen::container<std::string>(40, rc::gen::element('0', '9', 'a', 'f'));
}

// Text made valid UTF-8: "\xc3" is completed to "é" and a stray "\xa9" dropped.
std::string valid_utf8(const std::string& raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\xc3') {
      out += "\xc3\xa9";
    } else if (raw[i] != '\xa9') {
      out += raw[i];
    }
  }
  return out;
}

RC_GTEST_PROP(GovernanceProperties, PinsFilesReadBackAsWritten, ()) {
  PinFile pins;
  int environments = *rc::gen::inRange(0, 3);
  for (int e = 0; e < environments; ++e) {
    auto& entries = pins.environments[*word()];
    int count = *rc::gen::inRange(1, 4);
    for (int p = 0; p < count; ++p) {
      Pin pin;
      pin.commit = *hex_id();
      pin.content = *hex_id();
      pin.deployed_by = valid_utf8(*text());
      pin.deployed_at = valid_utf8(*text());
      pin.emergency = *rc::gen::arbitrary<bool>();
      pin.reason = valid_utf8(*text());
      entries[*word()] = pin;
    }
  }
  std::vector<Diagnostic> diagnostics;
  PinFile read = parse_pins(pins.to_yaml(), "deployments.yaml", diagnostics);
  RC_ASSERT(diagnostics.empty());
  RC_ASSERT(read.environments.size() == pins.environments.size());
  for (const auto& [environment, entries] : pins.environments) {
    for (const auto& [name, pin] : entries) {
      const Pin* back = read.find(environment, name);
      RC_ASSERT(back != nullptr);
      RC_ASSERT(back->to_json() == pin.to_json());
    }
  }
}

RC_GTEST_PROP(GovernanceProperties, DecisionsSurviveTheirNoteLine, ()) {
  Decision d;
  d.verdict = *rc::gen::element(Verdict::approve, Verdict::reject);
  d.prompt = *word();
  d.content = *hex_id();
  d.commit = *hex_id();
  d.stage = *word();
  d.name = valid_utf8(*text());
  d.email = valid_utf8(*text());
  d.time_ms = *rc::gen::inRange<std::int64_t>(0, 4'000'000'000'000);
  d.comment = valid_utf8(*text());
  // An armored signature has line breaks; the note line must still be one line.
  d.signature = *rc::gen::element(std::string(), std::string("-----BEGIN SSH SIGNATURE-----\n"
                                                             "U1NIU0lHAAAAAQ==\n"
                                                             "-----END SSH SIGNATURE-----\n"));
  std::string line = d.to_line();
  RC_ASSERT(line.find('\n') == std::string::npos);  // one decision, one line, for line merges
  auto back = Decision::from_line(line);
  RC_ASSERT(back.has_value());
  RC_ASSERT(back->signature == d.signature);
  // What was signed reads back byte for byte, or no signature could ever verify.
  RC_ASSERT(back->signed_payload() == d.signed_payload());
  back->signature_state = d.signature_state;
  RC_ASSERT(back->to_json() == d.to_json());
}

RC_GTEST_PROP(GovernanceProperties, EverySignedFieldChangesThePayload, ()) {
  Decision d;
  d.prompt = *word();
  d.content = *hex_id();
  d.stage = *word();
  d.email = valid_utf8(*text());
  d.comment = valid_utf8(*text());
  Decision changed = d;
  switch (*rc::gen::inRange(0, 5)) {
    case 0:
      changed.verdict = Verdict::reject;
      break;
    case 1:
      changed.stage += "x";
      break;
    case 2:
      changed.email += "x";
      break;
    case 3:
      changed.comment += "x";
      break;
    default:
      changed.time_ms += 1;
      break;
  }
  RC_ASSERT(changed.signed_payload() != d.signed_payload());
  changed = d;
  changed.signature = "anything";
  RC_ASSERT(changed.signed_payload() == d.signed_payload());  // the signature is not signed
}

}  // namespace
