// A mapping's fields, read once, find what yaml-cpp's own lookup finds: the same node for every
// key, none for a key the mapping lacks, the first of a key written twice.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "util/yaml_fields.hpp"

using promptctl::util::YamlFields;

namespace {

// Keys that look alike to YAML in different ways: plain, quoted, null-like, numeric, an
// extension; a flow sequence as a key is not a scalar and is found by no name.
const std::vector<std::string> k_keys = {"model", "'model'", "name", "~",
                                         "null",  "1",       "x-a",  "[a, b]"};
const std::vector<std::string> k_values = {"1", "", "~", "text", "[1, 2]", "{k: v}", "'quoted'"};
const std::vector<std::string> k_probes = {"model", "name", "~",      "null", "1",
                                           "x-a",   "a",    "absent", ""};

}  // namespace

RC_GTEST_PROP(YamlFieldsProperties, FindsWhatTheParsersLookupFinds, ()) {
  std::string text;
  for (int entry = *rc::gen::inRange(0, 8); entry > 0; --entry) {
    text += *rc::gen::elementOf(k_keys) + ": " + *rc::gen::elementOf(k_values) + "\n";
  }
  const YAML::Node map = YAML::Load(text.empty() ? "{}" : text);
  RC_PRE(map.IsMap());
  const YamlFields fields(map);
  for (const std::string& key : k_probes) {
    const YAML::Node expected = map[key];
    const YAML::Node found = fields[key];
    RC_ASSERT(static_cast<bool>(found) == static_cast<bool>(expected));
    if (expected) {
      RC_ASSERT(found.is(expected));  // the very node, with its place in the file
    }
  }
}
