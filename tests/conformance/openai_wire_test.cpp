// The OpenAI wire format checked against OpenAI's own OpenAPI description: the requests
// promptctl sends, and the answers the loopback test provider gives (so that what the tests
// exercise is the real format). A small JSON Schema checker covers what the description uses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "exec/wire.hpp"
#include "http/client.hpp"
#include "promptctl/requests.hpp"
#include "support/provider_server.hpp"
#include "util/yaml.hpp"

namespace promptctl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_description =
    fs::path(PROMPTCTL_CONFORMANCE_DIR) / "openai" / "openapi-trimmed-v1.yaml";

class SchemaChecker {
 public:
  explicit SchemaChecker(json document) : m_document(std::move(document)) {}

  /// Every way `value` breaks the named component schema.
  std::vector<std::string> check(const std::string& schema, const json& value) const {
    std::vector<std::string> problems;
    check_node(component(schema), value, "$", problems);
    return problems;
  }

  /// Every property name the schema defines, through allOf and references.
  std::set<std::string> property_names(const std::string& schema) const {
    std::set<std::string> names;
    collect_names(component(schema), names);
    return names;
  }

 private:
  const json& component(const std::string& name) const {
    return m_document.at("components").at("schemas").at(name);
  }

  const json& resolve(const json& schema) const {
    if (schema.is_object() && schema.contains("$ref")) {
      std::string ref = schema["$ref"];
      return resolve(component(ref.substr(ref.rfind('/') + 1)));
    }
    return schema;
  }

  void collect_names(const json& node, std::set<std::string>& names) const {
    const json& schema = resolve(node);
    if (schema.contains("allOf")) {
      for (const json& part : schema["allOf"]) {
        collect_names(part, names);
      }
    }
    if (schema.contains("properties")) {
      for (const auto& entry : schema["properties"].items()) {
        names.insert(entry.key());
      }
    }
  }

  static bool has_type(const json& value, const std::string& type) {
    if (type == "null") {
      return value.is_null();
    }
    if (type == "integer") {
      return value.is_number_integer();
    }
    if (type == "number") {
      return value.is_number();
    }
    if (type == "string") {
      return value.is_string();
    }
    if (type == "boolean") {
      return value.is_boolean();
    }
    if (type == "array") {
      return value.is_array();
    }
    return type == "object" && value.is_object();
  }

  bool passes(const json& schema, const json& value, const std::string& path) const {
    std::vector<std::string> problems;
    check_node(schema, value, path, problems);
    return problems.empty();
  }

  void check_node(const json& node, const json& value, const std::string& path,
                  std::vector<std::string>& problems) const {
    const json& schema = resolve(node);
    if (!schema.is_object()) {
      return;
    }
    if (value.is_null() && schema.contains("nullable") && schema["nullable"] == true) {
      return;
    }
    if (schema.contains("allOf")) {
      for (const json& part : schema["allOf"]) {
        check_node(part, value, path, problems);
      }
    }
    for (const char* either : {"anyOf", "oneOf"}) {
      if (schema.contains(either)) {
        bool any = false;
        for (const json& option : schema[either]) {
          any = any || passes(option, value, path);
        }
        if (!any) {
          problems.push_back(path + ": matches none of " + either);
        }
      }
    }
    if (schema.contains("type")) {
      json types = schema["type"].is_array() ? schema["type"] : json::array({schema["type"]});
      bool any = false;
      for (const json& type : types) {
        any = any || has_type(value, type.get<std::string>());
      }
      if (!any) {
        problems.push_back(path + ": expected " + schema["type"].dump() + ", got " + value.dump());
        return;
      }
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
      problems.push_back(path + ": " + value.dump() + " is not one of " + schema["enum"].dump());
    }
    if (value.is_number()) {
      auto bound = [&](const char* key) { return schema.contains(key) && schema[key].is_number(); };
      if (bound("minimum") && value.get<double>() < schema["minimum"].get<double>()) {
        problems.push_back(path + ": below the minimum");
      }
      if (bound("maximum") && value.get<double>() > schema["maximum"].get<double>()) {
        problems.push_back(path + ": above the maximum");
      }
    }
    if (value.is_object()) {
      if (schema.contains("required")) {
        for (const json& required : schema["required"]) {
          if (!value.contains(required.get<std::string>())) {
            problems.push_back(path + ": '" + required.get<std::string>() + "' is required");
          }
        }
      }
      const json properties = schema.contains("properties") ? schema["properties"] : json::object();
      for (const auto& entry : value.items()) {
        if (properties.contains(entry.key())) {
          check_node(properties[entry.key()], entry.value(), path + "." + entry.key(), problems);
        } else if (schema.contains("additionalProperties") &&
                   schema["additionalProperties"] == false) {
          problems.push_back(path + ": unexpected property '" + entry.key() + "'");
        }
      }
    }
    if (value.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        check_node(schema["items"], value[i], path + "[" + std::to_string(i) + "]", problems);
      }
    }
  }

  json m_document;
};

class OpenAiWire : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (fs::exists(k_description)) {
      std::ifstream in(k_description);
      std::stringstream text;
      text << in.rdbuf();
      s_checker = std::make_unique<SchemaChecker>(
          util::yaml_to_json(util::parse_yaml(text.str(), k_description.string())));
    }
  }
  void SetUp() override {
    ASSERT_TRUE(s_checker) << "the OpenAI OpenAPI description was not found at " << k_description
                           << ": the repository is incomplete";
  }

  static ChatRequest full_request() {
    ChatRequest request;
    request.provider = "openai";
    request.model = "gpt-4o-mini";
    request.messages = {
        {"system", "Be brief."}, {"user", "Hello"}, {"assistant", "Hi"}, {"user", "Again"}};
    ModelSettings& p = request.parameters;
    p.temperature = 0.2;
    p.top_p = 0.9;
    p.max_tokens = 100;
    p.seed = 42;
    p.stop = {"END", "STOP"};
    p.response_format = "json";
    return request;
  }

  static std::string post(const std::string& url, const json& body) {
    http::Request request;
    request.url = url;
    request.body = body.dump();
    request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer k"}};
    http::Transfer transfer(request, nullptr);
    http::MultiClient client;
    client.add(transfer);
    while (client.poll(100).empty()) {
    }
    EXPECT_EQ(transfer.response().status, 200) << transfer.response().body;
    return transfer.response().body;
  }

  static inline std::unique_ptr<SchemaChecker> s_checker;
};

TEST_F(OpenAiWire, RequestsMatchCreateChatCompletionRequest) {
  std::set<std::string> known = s_checker->property_names("CreateChatCompletionRequest");
  ASSERT_TRUE(known.contains("messages") && known.contains("stream_options"));
  ProviderSettings settings = builtin_providers().at("openai");
  for (bool stream : {false, true}) {
    http::Request request = exec_detail::wire_format(ProviderType::openai)
                                .build(full_request(), settings, "sk-x", stream);
    json body = json::parse(request.body);
    for (const auto& entry : body.items()) {
      EXPECT_TRUE(known.contains(entry.key())) << "'" << entry.key() << "' is not in the API";
    }
    std::vector<std::string> problems = s_checker->check("CreateChatCompletionRequest", body);
    EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << body.dump(2);
  }
}

TEST_F(OpenAiWire, ReasoningModelRequestsMatchTheDescription) {
  ChatRequest request = full_request();
  request.model = "o3-mini";
  request.messages.front().role = "developer";
  request.parameters.temperature.reset();
  request.parameters.top_p.reset();
  request.parameters.reasoning_effort = "low";
  ASSERT_TRUE(settings_problems(ProviderType::openai, request.model, request.parameters).empty());
  json body = json::parse(exec_detail::wire_format(ProviderType::openai)
                              .build(request, builtin_providers().at("openai"), "k", false)
                              .body);
  EXPECT_EQ(body["max_completion_tokens"], 100);
  EXPECT_FALSE(body.contains("max_tokens"));
  std::vector<std::string> problems = s_checker->check("CreateChatCompletionRequest", body);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << body.dump(2);
  body["reasoning_effort"] = "hard";
  EXPECT_FALSE(s_checker->check("CreateChatCompletionRequest", body).empty());
  EXPECT_FALSE(is_reasoning_effort("hard"));
}

TEST_F(OpenAiWire, StructuredOutputRequestsMatchTheDescription) {
  ChatRequest request = full_request();
  request.parameters.response_schema = json::parse(
      R"({"name": "person", "strict": true, "schema": {"type": "object",
          "properties": {"name": {"type": "string"}}, "required": ["name"],
          "additionalProperties": false}})");
  for (ProviderType type : {ProviderType::openai, ProviderType::azure_openai}) {
    ProviderSettings settings = builtin_providers().at(std::string(to_string(type)));
    settings.base_url = "https://example.invalid";
    json body =
        json::parse(exec_detail::wire_format(type).build(request, settings, "k", false).body);
    EXPECT_EQ(body["response_format"]["type"], "json_schema");
    body["model"] = request.model;  // Azure names the deployment in the URL instead
    std::vector<std::string> problems = s_checker->check("CreateChatCompletionRequest", body);
    EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << body.dump(2);
  }
  json broken = json::parse(exec_detail::wire_format(ProviderType::openai)
                                .build(request, builtin_providers().at("openai"), "k", false)
                                .body);
  broken["response_format"]["json_schema"].erase("name");
  EXPECT_FALSE(s_checker->check("CreateChatCompletionRequest", broken).empty());
}

TEST_F(OpenAiWire, ToolRequestsAndToolCallsMatchTheDescription) {
  ChatRequest request = full_request();
  request.parameters.response_format.reset();
  request.parameters.tools = json::parse(
      R"([{"name": "get_weather", "description": "The weather in a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
          {"name": "get_time", "parameters": {"type": "object", "properties": {}}}])");
  const exec_detail::WireFormat& wire = exec_detail::wire_format(ProviderType::openai);
  ProviderSettings settings = builtin_providers().at("openai");
  for (const char* choice : {"auto", "required", "get_time"}) {
    request.parameters.tool_choice = choice;
    json body = json::parse(wire.build(request, settings, "k", false).body);
    std::vector<std::string> problems = s_checker->check("CreateChatCompletionRequest", body);
    EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << body.dump(2);
  }

  // The test provider's calls, whole and streamed, are in the API's shapes and read back alike.
  testing::ProviderServer server{testing::ProviderServer::Options{"k", 0, 0}};
  request.model = "gpt-test~call=get_weather";
  request.parameters.tool_choice = "auto";
  json body = json::parse(wire.build(request, settings, "k", false).body);
  std::string whole = post(server.url() + "/v1/chat/completions", body);
  std::vector<std::string> problems =
      s_checker->check("CreateChatCompletionResponse", json::parse(whole));
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << whole;
  ChatResponse parsed = wire.parse(whole, request);
  ASSERT_EQ(parsed.tool_calls.size(), 1U) << whole;
  EXPECT_EQ(parsed.tool_calls[0].name, "get_weather");

  body = json::parse(wire.build(request, settings, "k", true).body);
  std::string stream = post(server.url() + "/v1/chat/completions", body);
  exec_detail::SseParser parser;
  parser.feed(stream, [&](const std::string&, const std::string& data) {
    if (data != "[DONE]") {
      std::vector<std::string> found =
          s_checker->check("CreateChatCompletionStreamResponse", json::parse(data));
      EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found) << "\n" << data;
    }
  });
  auto decoder = wire.decoder(request);
  decoder->feed(stream, [](std::string_view) {});
  ChatResponse streamed = decoder->finish();
  EXPECT_EQ(streamed.tool_calls, parsed.tool_calls);
  EXPECT_EQ(streamed.finish_reason, "tool_calls");
}

TEST_F(OpenAiWire, ImagePartsMatchTheDescription) {
  ChatRequest request = full_request();
  request.messages.back().images = {"data:image/png;base64,iVBORw0KGgo=",
                                    "https://example.com/cat.jpg"};
  json body = json::parse(exec_detail::wire_format(ProviderType::openai)
                              .build(request, builtin_providers().at("openai"), "k", false)
                              .body);
  EXPECT_EQ(body["messages"].back()["content"].size(), 3U) << body;
  std::vector<std::string> problems = s_checker->check("CreateChatCompletionRequest", body);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << body.dump(2);
  body["messages"].back()["content"][1]["image_url"] = "not an object";
  EXPECT_FALSE(s_checker->check("CreateChatCompletionRequest", body).empty());
}

// promptctl refuses exactly the sampling values that the description puts out of range.
TEST_F(OpenAiWire, RangeChecksAgreeWithTheDescription) {
  for (double value : {-0.01, 0.0, 0.7, 1.0, 1.5, 2.0, 2.01}) {
    for (const char* field : {"temperature", "top_p"}) {
      ChatRequest request = full_request();
      request.parameters.temperature.reset();
      request.parameters.top_p.reset();
      (std::string(field) == "temperature" ? request.parameters.temperature
                                           : request.parameters.top_p) = value;
      json body = json::parse(exec_detail::wire_format(ProviderType::openai)
                                  .build(request, builtin_providers().at("openai"), "k", false)
                                  .body);
      bool described = s_checker->check("CreateChatCompletionRequest", body).empty();
      bool accepted =
          settings_problems(ProviderType::openai, request.model, request.parameters).empty();
      EXPECT_EQ(accepted, described) << field << " = " << value;
    }
  }
}

TEST_F(OpenAiWire, TheTestProviderAnswersInTheApisShapes) {
  testing::ProviderServer server{testing::ProviderServer::Options{"k", 0, 0}};
  json request =
      json::parse(exec_detail::wire_format(ProviderType::openai)
                      .build(full_request(), builtin_providers().at("openai"), "k", false)
                      .body);
  request.erase("response_format");  // plain text answers
  json whole = json::parse(post(server.url() + "/v1/chat/completions", request));
  std::vector<std::string> problems = s_checker->check("CreateChatCompletionResponse", whole);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems) << "\n" << whole.dump(2);

  request["stream"] = true;
  request["stream_options"] = {{"include_usage", true}};
  std::string stream = post(server.url() + "/v1/chat/completions", request);
  exec_detail::SseParser parser;
  int chunks = 0;
  parser.feed(stream, [&](const std::string&, const std::string& data) {
    if (data == "[DONE]") {
      return;
    }
    ++chunks;
    std::vector<std::string> found =
        s_checker->check("CreateChatCompletionStreamResponse", json::parse(data));
    EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found) << "\n" << data;
  });
  EXPECT_GE(chunks, 3);

  json embeddings = json::parse(post(server.url() + "/v1/embeddings",
                                     {{"model", "text-embedding-3-small"}, {"input", "a b"}}));
  problems = s_checker->check("CreateEmbeddingResponse", embeddings);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
}

TEST_F(OpenAiWire, TheCheckerCatchesWrongShapes) {
  json body = json::parse(R"({"model": "m", "messages": [{"role": "wizard", "content": "x"}]})");
  EXPECT_FALSE(s_checker->check("CreateChatCompletionRequest", body).empty());
  EXPECT_FALSE(
      s_checker->check("CreateChatCompletionRequest", json::parse(R"({"model":"m"})")).empty());
  EXPECT_FALSE(
      s_checker->check("CreateChatCompletionResponse", json::parse(R"({"id": 5})")).empty());
}

}  // namespace
}  // namespace promptctl
