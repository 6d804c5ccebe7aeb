#include "support/provider_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

namespace promptctl::testing {
namespace {

using nlohmann::json;

enum class Api {
  openai,
  azure,
  anthropic,
  ollama,
  embeddings,
  ollama_embed,
  models,
  traces,
  unknown
};

// A fixed creation time keeps answers reproducible.
constexpr std::int64_t k_created = 1767225600;

bool is_azure(const std::string& target) {
  return target.find("/openai/deployments/") != std::string::npos;
}

Api api_of(const HttpRequest& request) {
  std::string path = request.target.substr(0, request.target.find('?'));
  if (path.ends_with("/chat/completions")) {
    return is_azure(path) ? Api::azure : Api::openai;
  }
  if (path.ends_with("/v1/messages")) {
    return Api::anthropic;
  }
  if (path == "/api/chat") {
    return Api::ollama;
  }
  if (path == "/api/embed") {
    return Api::ollama_embed;
  }
  if (path.ends_with("/embeddings")) {
    return Api::embeddings;
  }
  if (path.ends_with("/models")) {
    return Api::models;
  }
  if (path == "/v1/traces") {
    return Api::traces;
  }
  return Api::unknown;
}

// The deployment in "/openai/deployments/NAME/chat/completions".
std::string azure_deployment(const std::string& target) {
  const std::string marker = "/openai/deployments/";
  size_t start = target.find(marker) + marker.size();
  return target.substr(start, target.find('/', start) - start);
}

struct Directive {
  std::string value;
  int times = 0;  // 0: every request
};

std::map<std::string, Directive> directives_of(const std::string& model) {
  std::map<std::string, Directive> directives;
  std::stringstream parts(model);
  std::string part;
  std::getline(parts, part, '~');  // the model's own name
  while (std::getline(parts, part, '~')) {
    Directive directive;
    size_t x = part.rfind('x');
    if (x != std::string::npos && x + 1 < part.size() &&
        part.find_first_not_of("0123456789", x + 1) == std::string::npos) {
      directive.times = std::stoi(part.substr(x + 1));
      part.erase(x);
    }
    size_t equals = part.find('=');
    if (equals != std::string::npos) {
      directive.value = part.substr(equals + 1);
      part.erase(equals);
    }
    directives[part] = directive;
  }
  return directives;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::stringstream stream(text);
  std::string word;
  while (stream >> word) {
    words.push_back(word);
  }
  return words;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

bool respond(int fd, int status, const std::string& content_type, const std::string& body,
             const std::string& extra_headers = "") {
  return write_all(fd, "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                           "\r\nContent-Type: " + content_type + "\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body);
}

json error_body(Api api, int status, const std::string& message) {
  std::string type = status == 401   ? "authentication_error"
                     : status == 429 ? "rate_limit_error"
                     : status >= 500 ? "api_error"
                                     : "invalid_request_error";
  if (api == Api::anthropic) {
    return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
  }
  if (api == Api::ollama) {
    return {{"error", message}};
  }
  if (type == "api_error") {
    type = "server_error";
  }
  return {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}};
}

// What the model would say: "echo: " and the last user message, cut at max_tokens words.
struct Answer {
  std::string text;
  /// For Anthropic's structured output: the forced tool's name and the input it is called with.
  std::string tool_name;
  json tool_input;
  /// A call of one of the request's own tools, instead of text: {"name", "arguments"}, or null.
  json call;
  std::string finish = "stop";
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

// The text between <tag> and </tag>, or "".
std::string tagged(const std::string& text, const std::string& tag) {
  size_t open = text.find("<" + tag + ">");
  size_t close = text.find("</" + tag + ">");
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return "";
  }
  open += tag.size() + 2;
  return text.substr(open, close - open);
}

std::set<std::string> content_words(const std::string& text) {
  std::set<std::string> words;
  std::string word;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (word.size() >= 3) {
        words.insert(word);
      }
      word.clear();
    }
  }
  return words;
}

// A judge's verdict on a grading request written like the built-in judge prompt: the output
// passes when it holds every word (of three letters or more) of the rubric.
std::string verdict_for(const std::string& request) {
  std::set<std::string> output = content_words(tagged(request, "output"));
  std::set<std::string> rubric = content_words(tagged(request, "rubric"));
  std::vector<std::string> missing;
  for (const std::string& word : rubric) {
    if (!output.contains(word)) {
      missing.push_back(word);
    }
  }
  double score = rubric.empty() ? 0.0
                                : 1.0 - static_cast<double>(missing.size()) /
                                            static_cast<double>(rubric.size());
  std::string reason = rubric.empty() ? "there is no rubric" : "the output covers the rubric";
  if (!missing.empty()) {
    reason = "the output does not mention";
    for (const std::string& word : missing) {
      reason += " " + word;
    }
  }
  return json{{"pass", !rubric.empty() && missing.empty()}, {"score", score}, {"reason", reason}}
      .dump();
}

// Whether the request asks for an answer to a schema: OpenAI's json_schema response format,
// Ollama's format given as a schema, or Anthropic's forced tool.
bool asks_for_schema(Api api, const json& body) {
  if (api == Api::anthropic) {
    return body.contains("tool_choice") && body["tool_choice"].value("type", "") == "tool";
  }
  if (api == Api::ollama) {
    return body.contains("format") && body["format"].is_object();
  }
  return body.contains("response_format") && body["response_format"].is_object() &&
         body["response_format"].value("type", "") == "json_schema";
}

// The schema the request asks the answer to fit.
const json& requested_schema(Api api, const json& body) {
  if (api == Api::anthropic) {
    std::string chosen = body["tool_choice"].value("name", "");
    for (const json& tool : body["tools"]) {
      if (tool.value("name", "") == chosen) {
        return tool["input_schema"];
      }
    }
  }
  if (api == Api::ollama) {
    return body["format"];
  }
  return body["response_format"]["json_schema"]["schema"];
}

// The smallest value `schema` describes: its first enum value, or an object of every property,
// a list of one item, "echo", the minimum or 0.
json example_of(const json& schema) {
  if (!schema.is_object()) {
    return nullptr;
  }
  if (schema.contains("enum") && !schema["enum"].empty()) {
    return schema["enum"][0];
  }
  json type = schema.value("type", json("object"));
  std::string first = type.is_array() && !type.empty() ? type[0].get<std::string>()
                      : type.is_string()               ? type.get<std::string>()
                                                       : "object";
  if (first == "object") {
    json value = json::object();
    json properties = schema.value("properties", json::object());
    for (const auto& [name, property] : properties.items()) {
      value[name] = example_of(property);
    }
    return value;
  }
  if (first == "array") {
    return json::array({example_of(schema.value("items", json::object()))});
  }
  if (first == "string") {
    return "echo";
  }
  if (first == "integer" || first == "number") {
    return schema.value("minimum", json(0));
  }
  if (first == "boolean") {
    return true;
  }
  return nullptr;
}

// A message's text: its content, or the text and tool results of its blocks.
std::string content_text(const json& message) {
  const json content = message.contains("content") ? message["content"] : json();
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  for (const json& block : content.is_array() ? content : json::array()) {
    if (!block.contains("text") && !block.contains("content")) {
      continue;  // an image
    }
    const json& part = block.contains("text") ? block["text"] : block["content"];
    text += (text.empty() ? "" : " ") + (part.is_string() ? part.get<std::string>() : part.dump());
  }
  return text;
}

// The request's tools as {name: parameters schema}, in each format's shape.
std::vector<std::pair<std::string, json>> declared_tools(Api api, const json& body) {
  std::vector<std::pair<std::string, json>> tools;
  for (const json& tool : body.value("tools", json::array())) {
    if (api == Api::anthropic) {
      tools.emplace_back(tool.value("name", ""), tool.value("input_schema", json::object()));
    } else {
      const json& function = tool.value("function", json::object());
      tools.emplace_back(function.value("name", ""), function.value("parameters", json::object()));
    }
  }
  return tools;
}

// The tool the model calls: the one tool_choice names, the first when tool_choice requires a
// call, or the one the directive asks for ("call": the first; "call=NAME"); null for none.
json tool_to_call(Api api, const json& body, bool directed, const std::string& directed_name) {
  std::vector<std::pair<std::string, json>> tools = declared_tools(api, body);
  if (tools.empty()) {
    return nullptr;
  }
  std::string wanted = directed ? directed_name : "";
  const json choice = body.value("tool_choice", json());
  if (choice.is_string() && choice == "required") {
    directed = true;
  } else if (choice.is_object() && choice.value("type", "") == "any") {
    directed = true;
  } else if (choice.is_object() && choice.contains("function")) {
    directed = true;
    wanted = choice["function"].value("name", "");
  }
  if (!directed || (choice.is_string() && choice == "none") ||
      (choice.is_object() && choice.value("type", "") == "none")) {
    return nullptr;
  }
  for (const auto& [name, parameters] : tools) {
    if (wanted.empty() || name == wanted) {
      return {{"name", name}, {"arguments", example_of(parameters)}};
    }
  }
  return nullptr;
}

Answer answer_for(Api api, const json& body, bool as_json, bool as_judge, bool prose,
                  const json& call) {
  Answer answer;
  std::string last_user;
  for (const json& message : body.value("messages", json::array())) {
    std::string content = content_text(message);
    answer.input_tokens += static_cast<std::int64_t>(words_of(content).size());
    std::string role = message.value("role", "");
    if (role == "user" || role == "tool") {
      last_user = content;  // a tool's result is what the model answers next
    }
  }
  if (body.contains("system") && body["system"].is_string()) {
    answer.input_tokens += static_cast<std::int64_t>(words_of(body["system"]).size());
  }
  answer.text = as_judge  ? verdict_for(last_user)
                : as_json ? json{{"answer", last_user}}.dump()
                          : "echo: " + last_user;
  if (asks_for_schema(api, body) && !prose) {
    json given = json::parse(last_user, nullptr, false);
    if (given.is_discarded()) {
      given = example_of(requested_schema(api, body));
    }
    {
      answer.text = given.dump();
      as_json = true;
      if (api == Api::anthropic && given.is_object()) {
        answer.tool_name = body["tool_choice"].value("name", "");
        answer.tool_input = given;
        answer.finish = "tool_use";
      }
    }
  }
  if (!call.is_null()) {
    answer.call = call;
    json given = json::parse(last_user, nullptr, false);
    if (given.is_object()) {
      answer.call["arguments"] = given;  // the test chooses the arguments
    }
    answer.text.clear();
    answer.finish = api == Api::anthropic ? "tool_use" : api == Api::ollama ? "stop" : "tool_calls";
    if (api == Api::anthropic) {
      answer.tool_name = answer.call["name"];
      answer.tool_input = answer.call["arguments"];
    }
    as_json = true;
  }
  as_json = as_json || as_judge;  // never cut short
  std::int64_t limit = body.value("max_tokens", std::int64_t{0});
  if (body.contains("options")) {
    limit = body["options"].value("num_predict", limit);
  }
  std::vector<std::string> words = words_of(answer.text);
  if (limit > 0 && static_cast<std::int64_t>(words.size()) > limit && !as_json) {
    words.resize(static_cast<size_t>(limit));
    answer.text.clear();
    for (const std::string& word : words) {
      answer.text += (answer.text.empty() ? "" : " ") + word;
    }
    answer.finish = "length";
  }
  answer.output_tokens = static_cast<std::int64_t>(words_of(answer.text).size());
  return answer;
}

// Why an Anthropic content block is not one the API takes, or "".
std::string block_problem(const json& block) {
  std::string type = block.is_object() ? block.value("type", "") : "";
  if (type == "text") {
    return block.contains("text") && block["text"].is_string() ? "" : "text: Field required";
  }
  if (type == "tool_use") {
    bool whole = block.contains("id") && block["id"].is_string() && block.contains("name") &&
                 block.contains("input") && block["input"].is_object();
    return whole ? "" : "tool_use: id, name and an object input are required";
  }
  if (type == "tool_result") {
    return block.contains("tool_use_id") && block["tool_use_id"].is_string()
               ? ""
               : "tool_result.tool_use_id: Field required";
  }
  if (type == "image") {
    const json source = block.value("source", json::object());
    std::string kind = source.value("type", "");
    bool whole = kind == "base64" ? source.contains("media_type") && source.contains("data")
                                  : kind == "url" && source.contains("url");
    return whole ? "" : "image.source: base64 {media_type, data} or url {url} is required";
  }
  return "content: unknown block type '" + type + "'";
}

// Why an OpenAI message's content parts are not what the API takes, or "".
std::string parts_problem(const std::string& role, const json& parts) {
  for (const json& part : parts) {
    std::string type = part.is_object() ? part.value("type", "") : "";
    if (type == "text" && part.contains("text") && part["text"].is_string()) {
      continue;
    }
    if (type == "image_url" && role == "user" &&
        part.value("image_url", json::object()).value("url", json()).is_string()) {
      continue;
    }
    return "content: a part is neither text nor, in a user message, an image_url";
  }
  return parts.empty() ? "content: must not be empty" : "";
}

// Why one message is not what the API takes, or "".
std::string message_problem(Api api, const json& message) {
  std::string role = message.is_object() ? message.value("role", "") : "";
  const json content =
      message.is_object() && message.contains("content") ? message["content"] : json();
  if (api == Api::anthropic) {
    if (role != "user" && role != "assistant") {
      return "messages: roles must be 'user' or 'assistant' (system goes in 'system')";
    }
    if (content.is_array()) {
      for (const json& block : content) {
        if (std::string wrong = block_problem(block); !wrong.empty()) {
          return wrong;
        }
      }
      return content.empty() ? "content: must not be empty" : "";
    }
    return content.is_string() ? "" : "each message needs 'content'";
  }
  std::set<std::string> roles = {"system", "user", "assistant", "tool"};
  if (api != Api::ollama) {
    roles.insert("developer");
  }
  if (!roles.contains(role)) {
    return "messages: unknown role '" + role + "'";
  }
  bool calls = message.contains("tool_calls");
  if (calls && (role != "assistant" || !message["tool_calls"].is_array())) {
    return "tool_calls: only an assistant's message has a list of them";
  }
  for (const json& call : calls ? message["tool_calls"] : json::array()) {
    const json& function = call.value("function", json::object());
    bool whole = api == Api::ollama
                     ? function.contains("name") && function.value("arguments", json()).is_object()
                     : call.value("type", "") == "function" && call.contains("id") &&
                           function.contains("name") &&
                           function.value("arguments", json()).is_string();
    if (!whole) {
      return "tool_calls: a call is not in the API's shape";
    }
  }
  if (role == "tool" && api != Api::ollama &&
      (!message.contains("tool_call_id") || !message["tool_call_id"].is_string())) {
    return "messages: a tool message needs 'tool_call_id'";
  }
  if (api == Api::ollama && message.contains("images")) {
    for (const json& image : message["images"]) {
      std::string data = image.is_string() ? image.get<std::string>() : "";
      if (data.empty() || data.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                                                 "vwxyz0123456789+/=") != std::string::npos) {
        return "images: each image is base64 data";
      }
    }
  }
  if (api != Api::ollama && content.is_array()) {
    return parts_problem(role, content);
  }
  bool may_be_null = calls && api != Api::ollama;
  return content.is_string() || (may_be_null && content.is_null())
             ? ""
             : "each message needs string 'content'";
}

// Why the request's tools or tool choice are not what the API takes, or "".
std::string tools_problem(Api api, const json& body) {
  if (body.contains("tools") && (!body["tools"].is_array() || body["tools"].empty())) {
    return "tools: must be a non-empty array";
  }
  std::set<std::string> names;
  for (const json& tool : body.value("tools", json::array())) {
    bool anthropic = api == Api::anthropic;
    if (!anthropic && (tool.value("type", "") != "function" || !tool.contains("function"))) {
      return "tools: each tool is {type: function, function: {...}}";
    }
    const json& declared = anthropic ? tool : tool["function"];
    std::string name = declared.value("name", "");
    bool name_ok =
        !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        });
    if (!name_ok) {
      return "tools: invalid tool name '" + name + "'";
    }
    names.insert(name);
    const json schema = declared.value(anthropic ? "input_schema" : "parameters", json());
    if (!schema.is_object() || (anthropic && schema.value("type", "") != "object")) {
      return "tools: the schema of '" + name + "' must be a JSON Schema object";
    }
  }
  if (!body.contains("tool_choice")) {
    return "";
  }
  const json& choice = body["tool_choice"];
  if (names.empty()) {
    return "tool_choice: only allowed when tools are given";
  }
  std::string named;
  if (api == Api::anthropic) {
    std::string type = choice.value("type", "");
    if (type != "auto" && type != "any" && type != "none" && type != "tool") {
      return "tool_choice.type: unknown '" + type + "'";
    }
    named = type == "tool" ? choice.value("name", "") : "";
    if (type == "tool" && named.empty()) {
      return "tool_choice.name: Field required";
    }
  } else if (choice.is_string()) {
    if (choice != "auto" && choice != "none" && choice != "required") {
      return "tool_choice: unknown mode " + choice.dump();
    }
  } else {
    named = choice.value("function", json::object()).value("name", "");
    if (choice.value("type", "") != "function" || named.empty()) {
      return "tool_choice: expected {type: function, function: {name}}";
    }
  }
  if (!named.empty() && !names.contains(named)) {
    return "tool_choice: no tool named '" + named + "'";
  }
  return "";
}

// Why a request is not one the real API would accept, or "".
std::string invalid_reason(Api api, const json& body) {
  if (!body.is_object()) {
    return "the body is not a JSON object";
  }
  if (api != Api::azure && !body.contains("model")) {
    return "'model' is required";
  }
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return "'messages' must be a non-empty array";
  }
  for (const json& message : body["messages"]) {
    if (std::string wrong = message_problem(api, message); !wrong.empty()) {
      return wrong;
    }
  }
  if (api == Api::anthropic && !body.contains("max_tokens")) {
    return "max_tokens: Field required";
  }
  if (std::string wrong = tools_problem(api, body); !wrong.empty()) {
    return wrong;
  }
  if (api != Api::anthropic && api != Api::ollama && asks_for_schema(api, body)) {
    const json& format = body["response_format"];
    if (!format.contains("json_schema") || !format["json_schema"].contains("name")) {
      return "response_format.json_schema.name: Field required";
    }
  }
  return "";
}

bool authorized(Api api, const HttpRequest& request, const std::string& key) {
  if (key.empty() || api == Api::ollama || api == Api::ollama_embed) {
    return true;
  }
  if (api == Api::embeddings && is_azure(request.target)) {
    api = Api::azure;  // Azure's embedding deployments take its key header too
  }
  switch (api) {
    case Api::anthropic:
      return request.header("x-api-key") == key;
    case Api::azure:
      return request.header("api-key") == key;
    default:
      return request.header("authorization") == "Bearer " + key;
  }
}

std::string anthropic_stop_reason(const Answer& answer) {
  return answer.finish == "length"     ? "max_tokens"
         : answer.finish == "tool_use" ? "tool_use"
                                       : "end_turn";
}

json whole_body(Api api, const std::string& model, const Answer& answer, bool empty) {
  if (api == Api::anthropic) {
    json content = empty ? json::array() : json::array({{{"type", "text"}, {"text", answer.text}}});
    if (!answer.tool_name.empty()) {
      content = json::array({{{"type", "tool_use"},
                              {"id", "toolu_test"},
                              {"name", answer.tool_name},
                              {"input", answer.tool_input}}});
    }
    return {{"id", "msg_test"},
            {"type", "message"},
            {"role", "assistant"},
            {"model", model},
            {"content", content},
            {"stop_reason", anthropic_stop_reason(answer)},
            {"stop_sequence", nullptr},
            {"usage",
             {{"input_tokens", answer.input_tokens}, {"output_tokens", answer.output_tokens}}}};
  }
  if (api == Api::ollama) {
    json body = {{"model", model},
                 {"created_at", "2026-01-01T00:00:00Z"},
                 {"done", true},
                 {"done_reason", answer.finish},
                 {"prompt_eval_count", answer.input_tokens},
                 {"eval_count", answer.output_tokens}};
    if (!empty) {
      body["message"] = {{"role", "assistant"}, {"content", answer.text}};
      if (!answer.call.is_null()) {
        body["message"]["tool_calls"] = json::array(
            {{{"function",
               {{"name", answer.call["name"]}, {"arguments", answer.call["arguments"]}}}}});
      }
    }
    return body;
  }
  json message = {{"role", "assistant"},
                  {"content", empty || !answer.call.is_null() ? json(nullptr) : json(answer.text)},
                  {"refusal", nullptr}};
  if (!answer.call.is_null()) {
    message["tool_calls"] = json::array(
        {{{"id", "call_test1"},
          {"type", "function"},
          {"function",
           {{"name", answer.call["name"]}, {"arguments", answer.call["arguments"].dump()}}}}});
  }
  return {{"id", "chatcmpl-test"},
          {"object", "chat.completion"},
          {"created", k_created},
          {"model", model},
          {"choices", json::array({{{"index", 0},
                                    {"message", message},
                                    {"logprobs", nullptr},
                                    {"finish_reason", answer.finish}}})},
          {"usage",
           {{"prompt_tokens", answer.input_tokens},
            {"completion_tokens", answer.output_tokens},
            {"total_tokens", answer.input_tokens + answer.output_tokens}}}};
}

// The events of a streamed answer, each ready to send as it is written on the wire.
std::vector<std::string> stream_events(Api api, const std::string& model, const Answer& answer,
                                       bool include_usage) {
  std::vector<std::string> pieces;
  std::vector<std::string> words = words_of(answer.text);
  for (size_t i = 0; i < words.size(); ++i) {
    pieces.push_back((i ? " " : "") + words[i]);
  }
  std::vector<std::string> events;
  auto sse = [&](const std::string& event, const json& data) {
    events.push_back((event.empty() ? "" : "event: " + event + "\n") + "data: " + data.dump() +
                     "\n\n");
  };
  if (api == Api::anthropic) {
    sse("message_start",
        {{"type", "message_start"},
         {"message",
          {{"id", "msg_test"},
           {"type", "message"},
           {"role", "assistant"},
           {"model", model},
           {"content", json::array()},
           {"stop_reason", nullptr},
           {"usage", {{"input_tokens", answer.input_tokens}, {"output_tokens", 1}}}}}});
    bool tool = !answer.tool_name.empty();
    json block = tool ? json{{"type", "tool_use"},
                             {"id", "toolu_test"},
                             {"name", answer.tool_name},
                             {"input", json::object()}}
                      : json{{"type", "text"}, {"text", ""}};
    sse("content_block_start",
        {{"type", "content_block_start"}, {"index", 0}, {"content_block", block}});
    sse("ping", {{"type", "ping"}});
    if (tool) {
      // The tool's input arrives as pieces of JSON text, cut anywhere.
      std::string input = answer.tool_input.dump();
      for (size_t at = 0; at < input.size(); at += 7) {
        sse("content_block_delta",
            {{"type", "content_block_delta"},
             {"index", 0},
             {"delta", {{"type", "input_json_delta"}, {"partial_json", input.substr(at, 7)}}}});
      }
    }
    for (const std::string& piece : tool ? std::vector<std::string>{} : pieces) {
      sse("content_block_delta", {{"type", "content_block_delta"},
                                  {"index", 0},
                                  {"delta", {{"type", "text_delta"}, {"text", piece}}}});
    }
    sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}});
    sse("message_delta",
        {{"type", "message_delta"},
         {"delta", {{"stop_reason", anthropic_stop_reason(answer)}, {"stop_sequence", nullptr}}},
         {"usage", {{"output_tokens", answer.output_tokens}}}});
    sse("message_stop", {{"type", "message_stop"}});
    return events;
  }
  if (api == Api::ollama) {
    for (const std::string& piece : pieces) {
      events.push_back(json{{"model", model},
                            {"created_at", "2026-01-01T00:00:00Z"},
                            {"message", {{"role", "assistant"}, {"content", piece}}},
                            {"done", false}}
                           .dump() +
                       "\n");
    }
    json last = whole_body(api, model, answer, false);
    if (!answer.call.is_null()) {
      json calling = last;  // the call comes whole, in a line before the last
      calling["done"] = false;
      for (const char* key : {"done_reason", "prompt_eval_count", "eval_count"}) {
        calling.erase(key);
      }
      events.push_back(calling.dump() + "\n");
    }
    last["message"] = {{"role", "assistant"}, {"content", ""}};
    events.push_back(last.dump() + "\n");
    return events;
  }
  auto chunk = [&](const json& delta, const json& finish) {
    return json{
        {"id", "chatcmpl-test"},
        {"object", "chat.completion.chunk"},
        {"created", k_created},
        {"model", model},
        {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
  };
  sse("", chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
  for (const std::string& piece : pieces) {
    sse("", chunk({{"content", piece}}, nullptr));
  }
  if (!answer.call.is_null()) {
    // The call's id and name first, then its arguments as pieces of JSON text, cut anywhere.
    sse("",
        chunk({{"tool_calls",
                json::array({{{"index", 0},
                              {"id", "call_test1"},
                              {"type", "function"},
                              {"function", {{"name", answer.call["name"]}, {"arguments", ""}}}}})}},
              nullptr));
    std::string arguments = answer.call["arguments"].dump();
    for (size_t at = 0; at < arguments.size(); at += 5) {
      sse("", chunk({{"tool_calls",
                      json::array({{{"index", 0},
                                    {"function", {{"arguments", arguments.substr(at, 5)}}}}})}},
                    nullptr));
    }
  }
  sse("", chunk(json::object(), answer.finish));
  if (include_usage) {
    sse("", {{"id", "chatcmpl-test"},
             {"object", "chat.completion.chunk"},
             {"created", k_created},
             {"model", model},
             {"choices", json::array()},
             {"usage",
              {{"prompt_tokens", answer.input_tokens},
               {"completion_tokens", answer.output_tokens},
               {"total_tokens", answer.input_tokens + answer.output_tokens}}}});
  }
  events.push_back("data: [DONE]\n\n");
  return events;
}

bool write_chunk(int fd, const std::string& data) {
  std::ostringstream size;
  size << std::hex << data.size();
  return write_all(fd, size.str() + "\r\n" + data + "\r\n");
}

// A deterministic embedding: words hashed into 64 buckets, normalised to length 1.
json embedding_of(const std::string& text) {
  std::vector<double> vector(64, 0.0);
  for (const std::string& word : words_of(text)) {
    vector[std::hash<std::string>{}(word) % vector.size()] += 1.0;
  }
  double norm = 0;
  for (double value : vector) {
    norm += value * value;
  }
  norm = norm > 0 ? std::sqrt(norm) : 1.0;
  for (double& value : vector) {
    value /= norm;
  }
  return vector;
}

// OpenAI's /embeddings and Ollama's /api/embed take the same "input" (one string or a list)
// and answer in their own shapes; Azure names the deployment in the path, not in the body.
bool answer_embeddings(int fd, Api api, const HttpRequest& request, const json& body) {
  Api errors = api == Api::ollama_embed ? Api::ollama : Api::openai;
  if (!body.is_object()) {
    return respond(fd, 400, "application/json",
                   error_body(errors, 400, "the body is not a JSON object").dump());
  }
  bool azure = is_azure(request.target);
  json model = azure ? json(azure_deployment(request.target)) : body.value("model", json(nullptr));
  if (!model.is_string()) {
    return respond(fd, 400, "application/json",
                   error_body(errors, 400, "'model' must be a string").dump());
  }
  json inputs = body.value("input", json(nullptr));
  if (inputs.is_string()) {
    inputs = json::array({inputs});
  }
  if (!inputs.is_array() || inputs.empty()) {
    return respond(fd, 400, "application/json",
                   error_body(errors, 400, "'input' must be a string or an array").dump());
  }
  json vectors = json::array();
  std::int64_t tokens = 0;
  for (const json& input : inputs) {
    std::string text = input.is_string() ? input.get<std::string>() : input.dump();
    tokens += static_cast<std::int64_t>(words_of(text).size());
    vectors.push_back(embedding_of(text));
  }
  json reply;
  if (api == Api::ollama_embed) {
    reply = {{"model", model},
             {"embeddings", vectors},
             {"total_duration", 14143917},
             {"load_duration", 1019500},
             {"prompt_eval_count", tokens}};
  } else {
    json data = json::array();
    for (size_t i = 0; i < vectors.size(); ++i) {
      data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", vectors[i]}});
    }
    reply = {{"object", "list"},
             {"data", data},
             {"model", model},
             {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
  }
  return respond(fd, 200, "application/json", reply.dump());
}

}  // namespace

ProviderServer::ProviderServer(Options options) : m_options(std::move(options)) {
  Listener listener = listen_on_loopback(m_options.port);
  m_listener = listener.fd;
  m_port = listener.port;
  m_thread = std::thread([this] { serve(); });
}

ProviderServer::~ProviderServer() {
  m_stopping = true;
  m_thread.join();
  {
    std::lock_guard lock(m_mutex);
    for (int fd : m_open) {
      ::shutdown(fd, SHUT_RDWR);
    }
  }
  for (std::thread& worker : m_workers) {
    worker.join();
  }
  ::close(m_listener);
}

std::string ProviderServer::url() const {
  return "http://127.0.0.1:" + std::to_string(m_port);
}

std::vector<HttpRequest> ProviderServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::size_t ProviderServer::request_count() const {
  std::lock_guard lock(m_mutex);
  return m_requests.size();
}

int ProviderServer::count_use(const std::string& model) {
  std::lock_guard lock(m_mutex);
  return ++m_uses[model];
}

void ProviderServer::serve() {
  while (!m_stopping) {
    pollfd waiting{m_listener, POLLIN, 0};
    if (poll(&waiting, 1, 50) <= 0) {
      continue;
    }
    int connection = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      continue;
    }
    ++m_connections;
    std::lock_guard lock(m_mutex);
    m_open.push_back(connection);
    m_workers.emplace_back([this, connection] { handle_connection(connection); });
  }
}

void ProviderServer::handle_connection(int fd) {
  HttpReader reader(fd);
  HttpRequest request;
  while (!m_stopping && reader.next(request)) {
    {
      std::lock_guard lock(m_mutex);
      m_requests.push_back(request);
    }
    if (!answer(fd, request)) {
      break;
    }
  }
  std::lock_guard lock(m_mutex);
  std::erase(m_open, fd);
  ::close(fd);
}

bool ProviderServer::answer(int fd, const HttpRequest& request) {
  Api api = api_of(request);
  if (api == Api::unknown) {
    return respond(fd, 404, "application/json",
                   error_body(Api::openai, 404, "no route " + request.target).dump());
  }
  if (api == Api::traces) {  // an OpenTelemetry collector: every batch accepted
    return request.header("content-type") == "application/x-protobuf"
               ? respond(fd, 200, "application/x-protobuf", "")  // an empty response message
               : respond(fd, 200, "application/json", R"({"partialSuccess":{}})");
  }
  if (!authorized(api, request, m_options.key)) {
    return respond(fd, 401, "application/json",
                   error_body(api, 401, "invalid x-api-key or bearer token").dump());
  }
  if (api == Api::models) {
    return respond(fd, 200, "application/json",
                   json{{"object", "list"},
                        {"data", json::array({{{"id", "gpt-test"},
                                               {"object", "model"},
                                               {"created", k_created},
                                               {"owned_by", "test"}}})}}
                       .dump());
  }
  json body = json::parse(request.body, nullptr, false);
  if (api == Api::embeddings || api == Api::ollama_embed) {
    return answer_embeddings(fd, api, request, body);
  }
  if (std::string invalid =
          body.is_discarded() ? "the body is not JSON" : invalid_reason(api, body);
      !invalid.empty()) {
    return respond(fd, 400, "application/json", error_body(api, 400, invalid).dump());
  }
  if (api == Api::anthropic && request.header("anthropic-version").empty()) {
    return respond(fd, 400, "application/json",
                   error_body(api, 400, "anthropic-version header is required").dump());
  }
  std::string model =
      api == Api::azure ? azure_deployment(request.target) : body["model"].get<std::string>();
  int use = count_use(model);
  std::map<std::string, Directive> directives = directives_of(model);
  auto active = [&](const std::string& name) {
    auto found = directives.find(name);
    return found != directives.end() && (found->second.times == 0 || use <= found->second.times);
  };
  int delay = m_options.latency_ms;
  if (active("slow")) {
    delay += std::stoi(directives["slow"].value);
  }
  if (active("jitter")) {
    thread_local std::mt19937 random{std::random_device{}()};
    delay += std::uniform_int_distribution<int>(0, std::stoi(directives["jitter"].value))(random);
  }
  if (delay > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  std::string retry_after =
      directives.contains("retry-after") ? directives["retry-after"].value : "0";
  for (int status : {429, 500, 503}) {
    if (active(std::to_string(status))) {
      return respond(fd, status, "application/json",
                     error_body(api, status, "injected failure " + std::to_string(status)).dump(),
                     status == 429 ? "Retry-After: " + retry_after + "\r\n" : "");
    }
  }
  bool drop_now = directives.contains("drop-on") && use == std::stoi(directives["drop-on"].value);
  if (active("drop") || drop_now) {
    return false;
  }
  if (active("malformed")) {
    return respond(fd, 200, "application/json", "{\"choices\": [ not json");
  }
  bool stream = api == Api::ollama ? body.value("stream", true) : body.value("stream", false);
  // Anthropic's forced tool (an output schema, or tool_choice naming a tool) is answered below.
  bool forced_tool = api == Api::anthropic && asks_for_schema(api, body);
  bool directed_call = active("call");
  std::string directed_name = directed_call ? directives.at("call").value : "";
  json call = forced_tool ? json(nullptr) : tool_to_call(api, body, directed_call, directed_name);
  Answer answer = answer_for(api, body, active("json"), active("judge"), active("prose"), call);
  if (!stream) {
    std::string whole = whole_body(api, model, answer, active("empty")).dump();
    if (active("truncate")) {
      write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(whole.size()) + "\r\n\r\n" +
                        whole.substr(0, whole.size() / 2));
      return false;
    }
    return respond(fd, 200, "application/json", whole);
  }
  bool include_usage =
      body.contains("stream_options") && body["stream_options"].value("include_usage", false);
  std::vector<std::string> events = stream_events(api, model, answer, include_usage);
  std::string type = api == Api::ollama ? "application/x-ndjson" : "text/event-stream";
  if (!write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: " + type +
                         "\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n")) {
    return false;
  }
  size_t send_count = active("truncate") ? events.size() / 2 : events.size();
  for (size_t i = 0; i < send_count; ++i) {
    if (!write_chunk(fd, events[i])) {
      return false;
    }
  }
  if (send_count < events.size()) {
    return false;  // cut short: close without the final chunk
  }
  return write_all(fd, "0\r\n\r\n");
}

}  // namespace promptctl::testing
