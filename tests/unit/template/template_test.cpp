#include <gtest/gtest.h>

#include "promptctl/template.hpp"

using namespace promptctl;
using namespace promptctl::tmpl;
using nlohmann::json;

namespace {

std::string render_strict(std::string_view source, const json& data) {
  return render(Template::parse(source, {"t.mustache", 1, 1, 0}), data, RenderOptions{});
}

std::string parse_error(std::string_view source) {
  try {
    (void)Template::parse(source, {"t.mustache", 1, 1, 0});
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(Template, StrictModeNamesTheMissingVariableAndItsPosition) {
  try {
    render_strict("Hello\n  {{name}}!", json::object());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "t.mustache:2:3: variable 'name' is not set");
    EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
  }
}

TEST(Template, StrictModeReportsBrokenDottedChains) {
  EXPECT_THROW(render_strict("{{a.b}}", json{{"a", json::object()}}), Error);
  EXPECT_EQ(render_strict("{{a.b}}", json{{"a", {{"b", 1}}}}), "1");
}

TEST(Template, PromptDefaultsDoNotEscapeHtml) {
  EXPECT_EQ(render_strict("{{x}}", json{{"x", "<b> & \"q\""}}), "<b> & \"q\"");
  RenderOptions escaping;
  escaping.escape_html = true;
  EXPECT_EQ(render(Template::parse("{{x}}"), json{{"x", "<'&'>"}}, escaping),
            "&lt;&#39;&amp;&#39;&gt;");
}

TEST(Template, SectionsOverMissingNamesAreFalseEvenWhenStrict) {
  EXPECT_EQ(render_strict("a{{#missing}}x{{/missing}}b{{^missing}}y{{/missing}}", json::object()),
            "aby");
}

TEST(Template, EmptyStringsAreFalsey) {
  EXPECT_EQ(render_strict("{{#s}}yes{{/s}}{{^s}}no{{/s}}", json{{"s", ""}}), "no");
}

TEST(Template, ArraysAndObjectsInterpolateAsJson) {
  EXPECT_EQ(render_strict("{{a}} {{o}}", json{{"a", {1, 2}}, {"o", {{"k", "v"}}}}),
            "[1,2] {\"k\":\"v\"}");
}

TEST(Template, DigitsIndexIntoArrays) {
  EXPECT_EQ(render_strict("{{items.1.name}}", json{{"items", {{{"name", "a"}}, {{"name", "b"}}}}}),
            "b");
}

TEST(Template, ParseErrorsNameTheirPosition) {
  EXPECT_EQ(parse_error("ab\n {{#a}}x"), "t.mustache:2:2: unclosed section 'a'");
  EXPECT_EQ(parse_error("{{#a}}{{/b}}"),
            "t.mustache:1:7: closing tag 'b' does not match open section 'a' from 1:1");
  EXPECT_EQ(parse_error("x {{/a}}"), "t.mustache:1:3: closing tag 'a' has no open section");
  EXPECT_EQ(parse_error("{{name"), "t.mustache:1:1: unclosed tag '{{' (expected '}}')");
  EXPECT_EQ(parse_error("{{ }}"), "t.mustache:1:1: empty tag name");
  EXPECT_EQ(parse_error("{{a b}}"), "t.mustache:1:1: tag name 'a b' contains white space");
  EXPECT_EQ(parse_error("{{=<% %>}}"), "t.mustache:1:1: set-delimiter tag must end with '='");
}

TEST(Template, OriginMapsBlockScalarPositionsToTheFile) {
  // A template that starts on line 10 of a YAML file, indented by 4 columns.
  TextOrigin origin{"p.yaml", 10, 5, 4};
  try {
    (void)Template::parse("first\n  {{#x}}", origin);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "p.yaml:11:7: unclosed section 'x'");
  }
}

TEST(Template, DeepNestingIsRefusedWithoutCrashing) {
  std::string source;
  for (int i = 0; i < 5000; ++i) {
    source += "{{#a}}";
  }
  EXPECT_NE(parse_error(source).find("t.mustache:1:1201: sections nested deeper than 200"),
            std::string::npos);
}

TEST(Template, RecursivePartialsStopAtTheDepthLimit) {
  MapPartialResolver partials;
  partials.add("loop", Template::parse("x{{>loop}}"));
  RenderOptions options;
  options.max_partial_depth = 5;
  try {
    render(Template::parse("{{>loop}}"), json::object(), options, &partials);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("partials nested deeper than 5 (loop -> loop"),
              std::string::npos)
        << e.what();
  }
}

// Ten partials each including the next ten times would render 10^10 bytes; the render stops
// at the tag that passes the limit, in the partial where that happens.
TEST(Template, RenderedTextStopsAtTheSizeLimit) {
  MapPartialResolver partials;
  for (int level = 0; level < 10; ++level) {
    std::string next = level == 9 ? "x" : std::string(10, ' ');
    if (level < 9) {
      next.clear();
      for (int i = 0; i < 10; ++i) {
        next += "{{>p" + std::to_string(level + 1) + "}}";
      }
    }
    partials.add("p" + std::to_string(level),
                 Template::parse(next, {"p" + std::to_string(level) + ".mustache", 1, 1, 0}));
  }
  RenderOptions options;
  options.max_size = 1000;
  try {
    render(Template::parse("{{>p0}}", {"top.mustache", 1, 1, 0}), json::object(), options,
           &partials);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("larger than 1000 bytes"), std::string::npos) << e.message();
    EXPECT_NE(e.location().file.find(".mustache"), std::string::npos);
  }
  options.max_size = 1000000;
  partials.add("small", Template::parse("{{>p7}}"));  // 100 bytes
  EXPECT_EQ(render(Template::parse("{{>small}}"), json::object(), options, &partials).size(), 100U);
}

TEST(Template, UnknownPartialIsAnErrorWhenStrict) {
  MapPartialResolver partials;
  EXPECT_THROW(render(Template::parse("{{>nope}}"), json::object(), RenderOptions{}, &partials),
               Error);
  EXPECT_EQ(
      render(Template::parse("a{{>nope}}b"), json::object(), RenderOptions::spec(), &partials),
      "ab");
}

TEST(Template, NamesComeFromTheParseTree) {
  auto parsed =
      Template::parse("{{a}} {{#list}}{{b.c}}{{/list}} {{^d}}{{/d}} {{> p}} {{! {{e}} }}");
  auto names = parsed.names();
  ASSERT_EQ(names.size(), 5u);
  EXPECT_EQ(names[0].name, "a");
  EXPECT_EQ(names[1].kind, UseKind::section);
  EXPECT_EQ(names[2].name, "b.c");
  EXPECT_EQ(names[2].sections, std::vector<std::string>{"list"});
  EXPECT_EQ(names[3].kind, UseKind::inverted);
  EXPECT_EQ(names[4].kind, UseKind::partial);
  EXPECT_EQ(parsed.partials(), std::vector<std::string>{"p"});
}

TEST(Template, StandalonePartialsIndentEveryLine) {
  MapPartialResolver partials;
  partials.add("p", Template::parse("one\ntwo\n"));
  EXPECT_EQ(
      render(Template::parse("list:\n  {{>p}}\nend"), json::object(), RenderOptions{}, &partials),
      "list:\n  one\n  two\nend");
}
