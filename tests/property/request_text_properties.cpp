// A request's text written directly (the OpenAI-style body sent, and the form stored and hashed)
// is the text the JSON tree it stands for compacts to, byte for byte, and refuses what that
// refuses; a request the direct writers do not cover is built as that tree.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "exec/wire.hpp"
#include "support/json_values.hpp"
#include "util/json_writer.hpp"
#include "util/sha256.hpp"

using promptctl::ChatMessage;
using promptctl::ChatRequest;
using promptctl::ModelSettings;
using promptctl::testing::any_bytes;
using promptctl::testing::valid_text;

namespace {

// Text that is mostly valid UTF-8, now and then not (a stray byte, a character cut short, or
// any bytes at all): both ways must refuse it alike.
std::string any_text() {
  switch (*rc::gen::inRange(0, 8)) {
    case 0:
      return *valid_text() + *rc::gen::elementOf(std::vector<std::string>{"\xff", "\xc3", "\x80"}) +
             *valid_text();
    case 1:
      return *any_bytes();
    default:
      return *valid_text();
  }
}

double any_double() {
  return *rc::gen::oneOf(
      rc::gen::arbitrary<double>(),
      rc::gen::elementOf(std::vector<double>{0.0, -0.0, 0.3, 1.0, 2.0, 1e300, 5e-324,
                                             std::numeric_limits<double>::infinity(),
                                             std::numeric_limits<double>::quiet_NaN()}));
}

// Mostly plain text messages; now and then one the direct writer leaves to the tree (tool calls,
// an image, a tool's result).
ChatMessage any_message() {
  ChatMessage message(
      *rc::gen::elementOf(std::vector<std::string>{"system", "developer", "user", "assistant", ""}),
      any_text());
  switch (*rc::gen::inRange(0, 16)) {
    case 0:
      message.tool_calls.push_back({"call_1", "lookup", nlohmann::json{{"q", any_text()}}});
      break;
    case 1:
      message.images.push_back("https://example.com/" + *valid_text());
      break;
    case 2:
      message.role = "tool";
      message.tool_call_id = "call_1";
      break;
    case 3:
      message.tool_call_id = "call_1";  // kept in the stored form whatever the role
      break;
    default:
      break;
  }
  return message;
}

ModelSettings any_parameters() {
  ModelSettings p;
  auto sometimes = [] { return *rc::gen::inRange(0, 3) == 0; };
  if (sometimes()) {
    p.temperature = any_double();
  }
  if (sometimes()) {
    p.top_p = any_double();
  }
  if (sometimes()) {
    p.max_tokens = *rc::gen::arbitrary<std::int64_t>();
  }
  if (sometimes()) {
    p.seed = *rc::gen::arbitrary<std::int64_t>();
  }
  if (sometimes()) {
    p.reasoning_effort = any_text();
  }
  if (sometimes()) {
    p.response_format = *rc::gen::elementOf(std::vector<std::string>{"json", "text"});
  }
  if (sometimes()) {
    p.stop = *rc::gen::container<std::vector<std::string>>(valid_text());
  }
  if (*rc::gen::inRange(0, 20) == 0) {
    p.response_schema = {{"name", "answer"}, {"schema", {{"type", "object"}}}};
  }
  if (*rc::gen::inRange(0, 20) == 0) {
    p.tools = nlohmann::json::array({{{"name", "lookup"}, {"parameters", {{"type", "object"}}}}});
  }
  if (*rc::gen::inRange(0, 6) == 0) {
    p.tool_choice = *rc::gen::elementOf(std::vector<std::string>{"auto", "required", "lookup"});
  }
  if (*rc::gen::inRange(0, 6) == 0) {
    p.schema_retries = *rc::gen::inRange(0, 4);
  }
  // Never stored or sent: the request names its provider and model itself.
  p.provider = "ignored";
  p.name = "ignored";
  if (*rc::gen::inRange(0, 20) == 0) {
    p.fallback = {"other/model"};
  }
  return p;
}

ChatRequest any_request() {
  ChatRequest request;
  request.provider = any_text();
  // Reasoning models take max_completion_tokens; others max_tokens.
  request.model = *rc::gen::inRange(0, 4) > 0
                      ? *rc::gen::elementOf(std::vector<std::string>{"gpt-4o", "o3-mini", "gpt-5"})
                      : any_text();
  int count = *rc::gen::inRange(0, 5);
  for (int i = 0; i < count; ++i) {
    request.messages.push_back(any_message());
  }
  request.parameters = any_parameters();
  return request;
}

// The text, or the message of what writing it threw.
template <typename Write>
std::string outcome(const Write& write) {
  try {
    return write();
  } catch (const nlohmann::json::exception& e) {
    return std::string("threw: ") + e.what();
  }
}

}  // namespace

RC_GTEST_PROP(RequestTextProperties, TheBodyIsTheTreeItStandsForCompacted, ()) {
  ChatRequest request = any_request();
  bool azure = *rc::gen::arbitrary<bool>();
  bool stream = *rc::gen::arbitrary<bool>();
  std::string written =
      outcome([&] { return promptctl::exec_detail::openai_body(request, azure, stream); });
  std::string compacted = outcome([&] {
    return promptctl::util::json_compact(
        promptctl::exec_detail::openai_body_tree(request, azure, stream));
  });
  RC_ASSERT(written == compacted);
}

RC_GTEST_PROP(RequestTextProperties, TheStoredFormIsTheRequestsTreeCompacted, ()) {
  ChatRequest request = any_request();
  std::string written = outcome([&] { return request.compact_json(); });
  std::string compacted = outcome([&] { return promptctl::util::json_compact(request.to_json()); });
  RC_ASSERT(written == compacted);
  if (!written.starts_with("threw: ")) {
    RC_ASSERT(request.hash() == promptctl::util::sha256_hex(compacted));
  }
}
