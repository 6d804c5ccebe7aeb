// Invariants of parsing and rendering, checked on generated inputs.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/names.hpp"
#include "promptctl/template.hpp"
#include "support/utf8.hpp"
#include "support/yaml_writer.hpp"
#include "util/yaml.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

// Text that holds no tag: no "{{" can form.
rc::Gen<std::string> plain_text() {
  return rc::gen::map(rc::gen::string<std::string>(), [](std::string s) {
    for (char& c : s) {
      if (c == '{') {
        c = '(';
      }
    }
    return s;
  });
}

// Valid UTF-8 from random code points (control characters, Latin-1, the BMP without
// surrogates, and astral planes): what YAML and JSON files can hold.
std::string utf8_text() {
  std::string out;
  for (int n = *rc::gen::inRange(0, 12); n > 0; --n) {
    promptctl::testing::append_utf8(out, *promptctl::testing::any_code_point());
  }
  return out;
}

// A random JSON value, drawn inside a property (nested up to `depth`).
json random_json(int depth) {
  int kind = *rc::gen::inRange(0, depth > 0 ? 6 : 4);
  switch (kind) {
    case 0:
      return utf8_text();
    case 1:
      return *rc::gen::arbitrary<int>();
    case 2:
      return *rc::gen::arbitrary<bool>();
    case 3:
      return nullptr;
    case 4: {
      json array = json::array();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
        array.push_back(random_json(depth - 1));
      }
      return array;
    }
    default: {
      json object = json::object();
      for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
        object[utf8_text()] = random_json(depth - 1);
      }
      return object;
    }
  }
}

}  // namespace

RC_GTEST_PROP(TemplateProperties, TextWithoutTagsRendersToItself, ()) {
  std::string text = *plain_text();
  RC_ASSERT(tmpl::render(tmpl::Template::parse(text), json::object(), tmpl::RenderOptions{}) ==
            text);
}

RC_GTEST_PROP(TemplateProperties, ParsingNeverCrashes, ()) {
  // Random text seeded with tag pieces either parses or fails with a located Error.
  auto pieces = *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(
      std::vector<std::string>{"{{", "}}", "{{#a}}", "{{/a}}", "{{^b}}", "{{/b}}", "{{>p}}",
                               "{{=<% %>=}}", "<%x%>", "{{{c}}}", "{{! note }}", "\n", "  ", "text",
                               "{{$blk}}", "{{<par}}", "{{/par}}", "{{/blk}}", "{{&d}}"}));
  std::string source;
  for (const std::string& piece : pieces) {
    source += piece;
  }
  try {
    auto parsed = tmpl::Template::parse(source);
    (void)tmpl::render(parsed, json{{"a", {1, 2}}, {"c", "<"}}, tmpl::RenderOptions::spec());
  } catch (const Error& e) {
    RC_ASSERT(e.kind() == ErrorKind::invalid_input);
    RC_ASSERT(e.location().line >= 1);
  }
}

RC_GTEST_PROP(TemplateProperties, InterpolationInsertsTheValueVerbatim, ()) {
  std::string prefix = *plain_text();
  std::string value = *rc::gen::arbitrary<std::string>();
  std::string suffix = *plain_text();
  auto parsed = tmpl::Template::parse(prefix + "{{{v}}}" + suffix);
  RC_ASSERT(tmpl::render(parsed, json{{"v", value}}, tmpl::RenderOptions{}) ==
            prefix + value + suffix);
}

RC_GTEST_PROP(TemplateProperties, EscapedOutputHasNoRawMarkup, ()) {
  std::string value = *rc::gen::arbitrary<std::string>();
  tmpl::RenderOptions options;
  options.escape_html = true;
  std::string out = tmpl::render(tmpl::Template::parse("{{v}}"), json{{"v", value}}, options);
  RC_ASSERT(out.find_first_of("<>\"'") == std::string::npos);
}

RC_GTEST_PROP(TemplateProperties, SectionsRepeatOncePerItem, ()) {
  auto items = *rc::gen::container<std::vector<int>>(rc::gen::arbitrary<int>());
  std::string expected;
  for (int item : items) {
    expected += "[" + std::to_string(item) + "]";
  }
  auto parsed = tmpl::Template::parse("{{#items}}[{{.}}]{{/items}}");
  RC_ASSERT(tmpl::render(parsed, json{{"items", items}}, tmpl::RenderOptions{}) == expected);
}

RC_GTEST_PROP(YamlProperties, JsonSurvivesAYamlRoundTrip, ()) {
  json value = random_json(3);
  std::string yaml = promptctl::testing::write_block_yaml(value);
  RC_ASSERT(util::yaml_to_json(util::parse_yaml(yaml, "roundtrip.yaml")) == value);
}

RC_GTEST_PROP(NameProperties, SegmentsOfAllowedCharactersMakeValidNames, ()) {
  // A segment may not start with '-' (it would read as an option), so the first character is
  // drawn without it.
  auto make_segment = [] {
    int length = *rc::gen::inRange(0, 11);
    return *rc::gen::elementOf(std::string("abz09_")) +
           *rc::gen::container<std::string>(static_cast<size_t>(length),
                                            rc::gen::elementOf(std::string("abz09_-")));
  };
  std::vector<std::string> segments;
  for (int i = *rc::gen::inRange(1, 6); i > 0; --i) {
    segments.push_back(make_segment());
  }
  std::string name;
  for (const std::string& segment : segments) {
    name += (name.empty() ? "" : "/") + segment;
  }
  RC_ASSERT(!name_problem(name).has_value());
  RC_ASSERT(normalize_name("prompts/" + name + ".yaml") == name);
}
