// Any input either parses or fails with a located Error; parsed templates render in both modes.
#include <cstdint>
#include <cstdlib>

#include "promptctl/template.hpp"

using namespace promptctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  try {
    auto parsed = tmpl::Template::parse(source, {"fuzz", 1, 1, 0});
    (void)parsed.names();
    tmpl::MapPartialResolver partials;
    partials.add("p", tmpl::Template::parse("{{#a}}{{>p}}{{/a}}[{{.}}]"));
    nlohmann::json values = {{"a", {1, {{"a", false}}, "x"}}, {"b", "<&>"}, {"c", {{"d", 2}}}};
    (void)tmpl::render(parsed, values, tmpl::RenderOptions::spec(), &partials);
    (void)tmpl::render(parsed, values, tmpl::RenderOptions{}, &partials);
  } catch (const Error& e) {
    if (e.location().line < 1) {
      std::abort();  // every template error must name its position
    }
  }
  return 0;
}
