// The pins file read line by line is read exactly as the YAML parser reads it, whenever the line
// reader takes it; and it takes every file a deploy writes with plain names and values.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "prompt/pins_reader.hpp"

using namespace promptctl;
using prompt_detail::parse_pins_as_yaml;
using prompt_detail::read_written_pins;

namespace {

rc::Gen<std::string> object_id() {
  return rc::gen::container<std::string>(40, rc::gen::element('0', '1', '7', '9', 'a', 'c', 'f'));
}

// Names and texts, most of them plain; some that must be quoted or escaped.
const std::vector<std::string> k_plain_names = {"dev",           "prod",         "staging",
                                                "support/reply", "team_1/a-b.c", "x"};
const std::vector<std::string> k_odd_names = {"my env", "a:b", "-lead", ".hidden", "ü", "\"q\""};
const std::vector<std::string> k_plain_texts = {"Ann <ann@example.com>", "José <j@example.com>",
                                                "2026-01-31T11:00:00+00:00", "guard: p95 # high",
                                                ""};
const std::vector<std::string> k_odd_texts = {"two\nlines", "a \"quote\"", "back\\slash",
                                              "tab\there", "\x7f"};

std::string pick(const std::vector<std::string>& plain, const std::vector<std::string>& odd,
                 bool allow_odd) {
  bool use_odd = allow_odd && *rc::gen::inRange(0, 5) == 0;
  return *rc::gen::elementOf(use_odd ? odd : plain);
}

PinFile random_pins(bool allow_odd) {
  PinFile pins;
  for (int e = *rc::gen::inRange(1, 3); e > 0; --e) {
    auto& entries = pins.environments[pick(k_plain_names, k_odd_names, allow_odd)];
    for (int p = *rc::gen::inRange(1, 4); p > 0; --p) {
      Pin pin;
      pin.commit = *object_id();
      pin.content = *object_id();
      pin.deployed_by = pick(k_plain_texts, k_odd_texts, allow_odd);
      pin.deployed_at = pick(k_plain_texts, k_odd_texts, allow_odd);
      pin.emergency = *rc::gen::arbitrary<bool>();
      pin.reason = *rc::gen::arbitrary<bool>() ? pick(k_plain_texts, k_odd_texts, allow_odd) : "";
      entries[pick(k_plain_names, k_odd_names, allow_odd)] = pin;
    }
  }
  return pins;
}

// The YAML parser's reading of `text`, which must have no problem.
std::string as_yaml_reads_it(const std::string& text) {
  std::vector<Diagnostic> diagnostics;
  PinFile pins = parse_pins_as_yaml(text, "deployments.yaml", diagnostics);
  RC_ASSERT(diagnostics.empty());
  return pins.to_yaml();
}

RC_GTEST_PROP(PinsReaderProperties, TakesEveryPlainWrittenFileAndReadsItAsYamlDoes, ()) {
  std::string text = random_pins(false).to_yaml();
  std::optional<PinFile> read = read_written_pins(text);
  RC_ASSERT(read.has_value());
  RC_ASSERT(read->to_yaml() == as_yaml_reads_it(text));
}

RC_GTEST_PROP(PinsReaderProperties, WhatItTakesItReadsAsYamlDoes, ()) {
  std::string text = random_pins(true).to_yaml();
  // Edited by hand, perhaps: a byte changed, inserted or removed somewhere.
  if (*rc::gen::arbitrary<bool>() && !text.empty()) {
    std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
    char byte = *rc::gen::element(' ', ':', '"', '#', '\n', '-', 'a', '0', '\t', '\\');
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        text[at] = byte;
        break;
      case 1:
        text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte);
        break;
      default:
        text.erase(at, 1);
    }
  }
  std::optional<PinFile> read = read_written_pins(text);
  if (read) {
    RC_ASSERT(read->to_yaml() == as_yaml_reads_it(text));
  }
}

}  // namespace
