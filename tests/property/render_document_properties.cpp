// The render document written directly is, byte for byte, what nlohmann-json writes for the same
// render: `render --json` printed it that way before, and the server answers the same bytes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "promptctl/address.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/prepared.hpp"
#include "util/json_writer.hpp"

using namespace promptctl;
using nlohmann::json;

namespace {

// Text with what escaping must get right: quotes, backslashes, every control character,
// DEL, multi-byte characters and, now and then, bytes that are not UTF-8.
rc::Gen<std::string> tricky_text() {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(rc::gen::element<std::string>(
          "a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f", std::string(1, '\0'),
          "\x01", "\x1f", "\x7f", "é", "€", "😀", "\xff", "\xc3", "\xed\xa0\x80", "{{x}}")),
      [](const std::vector<std::string>& parts) {
        std::string text;
        for (const std::string& part : parts) {
          text += part;
        }
        return text;
      });
}

rc::Gen<json> leaf() {
  return rc::gen::oneOf(rc::gen::map(tricky_text(), [](std::string s) { return json(s); }),
                        rc::gen::map(rc::gen::arbitrary<int>(), [](int n) { return json(n); }),
                        rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }),
                        rc::gen::just(json(nullptr)), rc::gen::just(json(0.1)),
                        rc::gen::just(json::array()), rc::gen::just(json::object()));
}

rc::Gen<json> variables() {
  return rc::gen::map(rc::gen::container<std::map<std::string, std::vector<json>>>(
                          tricky_text(), rc::gen::container<std::vector<json>>(leaf())),
                      [](const std::map<std::string, std::vector<json>>& entries) {
                        json object = json::object();
                        for (const auto& [key, values] : entries) {
                          object[key] = values.size() == 1 ? values.front() : json(values);
                        }
                        return object;
                      });
}

ChatMessage message() {
  ChatMessage made(*rc::gen::element<std::string>("system", "user", "assistant", "tool"),
                   *tricky_text());
  if (*rc::gen::inRange(0, 4) == 0) {
    made.images.push_back("data:image/png;base64,AAAA");
  }
  if (*rc::gen::inRange(0, 4) == 0) {
    made.tool_calls.push_back({"call_1", "lookup", json{{"q", *tricky_text()}}});
  }
  if (*rc::gen::inRange(0, 6) == 0) {
    made.tool_call_id = "call_1";
  }
  return made;
}

RC_GTEST_PROP(RenderDocumentProperties, IsWhatNlohmannJsonWrites, ()) {
  RenderedPrompt rendered;
  rendered.name = *tricky_text();
  for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
    rendered.messages.push_back(message());
  }
  rendered.model.provider = "echo";
  rendered.model.name = *tricky_text();
  if (*rc::gen::arbitrary<bool>()) {
    rendered.model.temperature = 0.7;
  }
  rendered.variables = *variables();
  rendered.partials = *rc::gen::container<std::vector<std::string>>(tricky_text());
  std::optional<repo::Revision> revision;
  if (*rc::gen::arbitrary<bool>()) {
    revision = repo::Revision{*tricky_text(), std::string(40, 'a')};
  }
  std::optional<json> experiment;
  if (*rc::gen::arbitrary<bool>()) {
    experiment = json{{"name", *tricky_text()}, {"variant", "b"}};
  }

  json expected = rendered.to_json();
  add_revision_fields(expected, revision);
  if (experiment) {
    expected["experiment"] = *experiment;
  }
  expected["schema_version"] = k_json_schema_version;
  std::string written = render_document(rendered, revision, experiment ? &*experiment : nullptr);
  RC_ASSERT(written == expected.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

RC_GTEST_PROP(RenderDocumentProperties, StringsAreEscapedAsNlohmannJsonEscapesThem, ()) {
  std::string text = *tricky_text();
  std::string written;
  util::append_json_string(written, text);
  RC_ASSERT(written == json(text).dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace
