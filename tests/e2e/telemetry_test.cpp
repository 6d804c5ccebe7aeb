// OpenTelemetry: the calls of `run`, `rerun`, `test` and `serve` exported as GenAI spans over
// OTLP/HTTP to a loopback collector (the test provider server, which accepts /v1/traces), the
// payloads (binary by default, JSON when asked) parsed with the official protobuf definitions, and
// `traceparent` carried to the provider and taken from the environment.
#include <csignal>
#include <filesystem>
#include <regex>
#include <set>

#include "e2e/execution.hpp"
#include "support/http_client.hpp"
#include "util/fs.hpp"

namespace promptctl::testing {
namespace {

using nlohmann::json;

constexpr const char* k_ci_trace = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* k_ci_span = "b7ad6b7169203331";

// A span as exported, with its attributes as a map of plain JSON values.
struct ExportedSpan {
  json span;
  std::map<std::string, json> attributes;

  [[nodiscard]] const json& attribute(const std::string& key) const {
    static const json k_missing;
    auto found = attributes.find(key);
    return found == attributes.end() ? k_missing : found->second;
  }
};

json plain_value(const json& value) {
  if (value.contains("stringValue")) {
    return value["stringValue"];
  }
  if (value.contains("intValue")) {
    return std::stoll(value["intValue"].get<std::string>());
  }
  if (value.contains("doubleValue")) {
    return value["doubleValue"];
  }
  if (value.contains("boolValue")) {
    return value["boolValue"];
  }
  json values = json::array();
  for (const json& item : value["arrayValue"]["values"]) {
    values.push_back(plain_value(item));
  }
  return values;
}

class TelemetryTest : public ExecutionTest {
 protected:
  [[nodiscard]] std::map<std::string, std::string> exporting(
      std::map<std::string, std::string> extra = {}) const {
    extra["OTEL_EXPORTER_OTLP_ENDPOINT"] = m_server.url();
    return extra;
  }

  [[nodiscard]] std::vector<HttpRequest> batches() const {
    std::vector<HttpRequest> found;
    for (const HttpRequest& request : m_server.requests()) {
      if (request.target == "/v1/traces") {
        found.push_back(request);
      }
    }
    return found;
  }

  [[nodiscard]] std::vector<HttpRequest> chats() const {
    std::vector<HttpRequest> found;
    for (const HttpRequest& request : m_server.requests()) {
      if (request.target.ends_with("/chat/completions")) {
        found.push_back(request);
      }
    }
    return found;
  }

  [[nodiscard]] std::vector<ExportedSpan> spans() const {
    std::vector<ExportedSpan> found;
    std::vector<HttpRequest> sent = batches();
    for (std::size_t i = 0; i < sent.size(); ++i) {
      json payload = payload_json(sent[i], i);
      for (const json& span : payload["resourceSpans"][0]["scopeSpans"][0]["spans"]) {
        ExportedSpan exported{span, {}};
        for (const json& attribute : span["attributes"]) {
          exported.attributes[attribute["key"]] = plain_value(attribute["value"]);
        }
        found.push_back(std::move(exported));
      }
    }
    return found;
  }

  [[nodiscard]] static bool is_protobuf(const HttpRequest& batch) {
    return batch.header("content-type") == "application/x-protobuf";
  }

  // The batch's body written to a file named for its encoding, as check_otlp.py reads it.
  [[nodiscard]] std::filesystem::path payload_file(const HttpRequest& batch,
                                                   std::size_t number) const {
    std::string file = "payload-" + std::to_string(number) + (is_protobuf(batch) ? ".pb" : ".json");
    write(file, batch.body);
    return root() / file;
  }

  [[nodiscard]] ProcessResult check_otlp(std::vector<std::string> args) const {
    args.insert(
        args.begin(),
        (std::filesystem::path(PROMPTCTL_SOURCE_DIR) / "tests/conformance/check_otlp.py").string());
    // Debian's interpreter, which has python3-protobuf.
    return run_process("/usr/bin/python3", args, {root(), {}, {}});
  }

  // A batch in OTLP's JSON encoding: as sent, or a binary one read with the official
  // definitions and written as JSON.
  [[nodiscard]] json payload_json(const HttpRequest& batch, std::size_t number) const {
    if (!is_protobuf(batch)) {
      return json::parse(batch.body);
    }
    ProcessResult converted = check_otlp(
        {"--to-json", (std::filesystem::path(PROMPTCTL_CONFORMANCE_DIR) / "otlp").string(),
         payload_file(batch, number).string()});
    EXPECT_EQ(converted.exit_code, 0) << converted.out << converted.err;
    return json::parse(converted.out, nullptr, false);
  }

  // Every payload parsed strictly as an ExportTraceServiceRequest of the official definitions,
  // and every gen_ai attribute found in the conventions' registry with its type.
  void expect_valid_payloads() const {
    std::vector<std::string> args = {
        (std::filesystem::path(PROMPTCTL_CONFORMANCE_DIR) / "otlp").string(),
        (std::filesystem::path(PROMPTCTL_CONFORMANCE_DIR) / "otel-genai/gen-ai.md").string()};
    std::vector<HttpRequest> sent = batches();
    ASSERT_FALSE(sent.empty());
    for (std::size_t i = 0; i < sent.size(); ++i) {
      args.push_back(payload_file(sent[i], i).string());
    }
    ProcessResult checked = check_otlp(args);
    EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  }
};

TEST_F(TelemetryTest, ARunIsAGenAiSpanLinkedToItsLedgerRowAndToTheProvidersRequest) {
  json run = run_json(
      {"run", "hello", "--var", "who=Ada"},
      exporting({{"OTEL_SERVICE_NAME", "ci"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}}));
  ASSERT_EQ(run["status"], "ok") << run;
  ASSERT_EQ(batches().size(), 1U);
  EXPECT_EQ(batches()[0].header("content-type"), "application/json");
  std::vector<ExportedSpan> exported = spans();
  ASSERT_EQ(exported.size(), 1U);
  const ExportedSpan& span = exported[0];
  EXPECT_EQ(span.span["name"], "chat gpt-test");
  EXPECT_EQ(span.span["kind"], 3);  // client
  EXPECT_FALSE(span.span.contains("parentSpanId"));
  EXPECT_EQ(span.attribute("gen_ai.operation.name"), "chat");
  EXPECT_EQ(span.attribute("gen_ai.provider.name"), "openai");
  EXPECT_EQ(span.attribute("gen_ai.request.model"), "gpt-test");
  EXPECT_EQ(span.attribute("gen_ai.request.temperature"), 0.7);
  EXPECT_EQ(span.attribute("gen_ai.response.id"), "chatcmpl-test");
  EXPECT_EQ(span.attribute("gen_ai.response.model"), "gpt-test");
  EXPECT_EQ(span.attribute("gen_ai.response.finish_reasons"), json::array({"stop"}));
  EXPECT_EQ(span.attribute("gen_ai.usage.input_tokens"), run["input_tokens"]);
  EXPECT_EQ(span.attribute("gen_ai.usage.output_tokens"), run["output_tokens"]);
  EXPECT_EQ(span.attribute("server.address"), "127.0.0.1");
  EXPECT_EQ(span.attribute("server.port"), m_server.port());
  // promptctl's own: the run's lineage and the uid of its row in the ledger.
  EXPECT_EQ(span.attribute("gen_ai.prompt.name"), "hello");
  EXPECT_EQ(span.attribute("promptctl.run.uid"), run["run_uid"]);
  EXPECT_EQ(span.attribute("promptctl.prompt.content_hash"), run["content_hash"]);
  EXPECT_EQ(span.attribute("promptctl.commit"), run["commit"]);
  // Contents only when asked for.
  EXPECT_TRUE(span.attribute("gen_ai.input.messages").is_null());
  EXPECT_EQ(batches()[0].body.find("Hello Ada"), std::string::npos);
  json resource = json::parse(batches()[0].body)["resourceSpans"][0]["resource"]["attributes"][0];
  EXPECT_EQ(resource["value"]["stringValue"], "ci");
  // The provider was told which span called it.
  ASSERT_EQ(chats().size(), 1U);
  EXPECT_EQ(chats()[0].header("traceparent"), "00-" + span.span["traceId"].get<std::string>() +
                                                  "-" + span.span["spanId"].get<std::string>() +
                                                  "-01");
  expect_valid_payloads();
}

TEST_F(TelemetryTest, ACiJobsTraceHoldsTheTestsCallsWithTheirContentsWhenAskedFor) {
  write("prompts/hello.yaml",
        "variables:\n  who: {type: string, default: Ann}\n"
        "model: {provider: openai, name: gpt-test}\n"
        "template: \"Hello {{who}}\"\n"
        "tests:\n"
        "  - {name: ann, assert: [{type: contains, value: Ann},\n"
        "                         {type: similar, value: 'echo: Hello Ann', threshold: 0.9}]}\n"
        "  - {name: bob, vars: {who: Bob}, assert: [{type: contains, value: Bob}]}\n");
  write("prompts/broken.yaml",
        "model: {provider: openai, name: 'gpt-test~500'}\ntemplate: Hi\n"
        "tests:\n  - {name: fails, assert: [{type: contains, value: x}]}\n");
  std::string parent = std::string("00-") + k_ci_trace + "-" + k_ci_span + "-01";
  ProcessResult tested = run_with_server(
      {"test"}, exporting({{"TRACEPARENT", parent},
                           {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true"}}));
  EXPECT_EQ(tested.exit_code, 5) << tested.out << tested.err;  // the broken case: HTTP 500
  for (const HttpRequest& batch : batches()) {                 // the protocol's default encoding
    EXPECT_EQ(batch.header("content-type"), "application/x-protobuf");
  }
  // A span for the run, one per case under it, each case's call under the case, and the
  // similarity assertion's embeddings request under the run.
  std::vector<ExportedSpan> exported = spans();
  ASSERT_EQ(exported.size(), 8U) << tested.err;
  std::map<std::string, const ExportedSpan*> by_id;
  const ExportedSpan* run = nullptr;
  for (const ExportedSpan& span : exported) {
    EXPECT_EQ(span.span["traceId"], k_ci_trace);
    by_id[span.span["spanId"].get<std::string>()] = &span;
    if (span.span["name"] == "promptctl test") {
      run = &span;
    }
  }
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->span["parentSpanId"], k_ci_span);
  EXPECT_EQ(run->attribute("promptctl.test.cases"), 3);
  EXPECT_EQ(run->attribute("promptctl.test.passed"), 2);
  std::set<std::string> span_ids;
  std::map<std::string, std::string> verdicts;  // case -> score label
  int failed = 0;
  int embeddings = 0;
  for (const ExportedSpan& span : exported) {
    if (span.attribute("gen_ai.operation.name") == "embeddings") {
      ++embeddings;
      EXPECT_EQ(span.span["parentSpanId"], run->span["spanId"]);
      EXPECT_EQ(span.span["kind"], 3);
      EXPECT_EQ(span.attribute("gen_ai.provider.name"), "openai");
      continue;
    }
    if (span.span["kind"] != 3) {
      continue;
    }
    span_ids.insert(span.span["spanId"].get<std::string>());
    const ExportedSpan* test_case = by_id[span.span.value("parentSpanId", "")];
    ASSERT_NE(test_case, nullptr) << span.span;
    EXPECT_EQ(test_case->span["parentSpanId"], run->span["spanId"]);
    EXPECT_EQ(test_case->attribute("gen_ai.evaluation.name"), "promptctl.test");
    verdicts[test_case->attribute("promptctl.test.name").get<std::string>()] =
        test_case->attribute("gen_ai.evaluation.score.label").get<std::string>();
    json input = json::parse(span.attribute("gen_ai.input.messages").get<std::string>());
    EXPECT_EQ(input[0]["role"], "user");
    EXPECT_EQ(input[0]["parts"][0]["type"], "text");
    if (span.span["status"]["code"] == 2) {
      ++failed;
      EXPECT_EQ(span.attribute("error.type"), "500");
      EXPECT_TRUE(span.attribute("gen_ai.output.messages").is_null());
      EXPECT_EQ(test_case->span["status"]["code"], 2);
      continue;
    }
    std::string said = input[0]["parts"][0]["content"];
    json output = json::parse(span.attribute("gen_ai.output.messages").get<std::string>());
    EXPECT_EQ(output[0]["role"], "assistant");
    EXPECT_EQ(output[0]["parts"][0]["content"], "echo: " + said);
    EXPECT_EQ(test_case->attribute("gen_ai.evaluation.score.value"), 1.0);
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(embeddings, 1);
  EXPECT_EQ(span_ids.size(), 3U);
  EXPECT_EQ(verdicts, (std::map<std::string, std::string>{
                          {"ann", "pass"}, {"bob", "pass"}, {"fails", "error"}}));
  // Each request the provider saw carried its own span, in the CI job's trace.
  for (const HttpRequest& chat : chats()) {
    std::string traceparent = chat.header("traceparent");
    EXPECT_TRUE(traceparent.starts_with(std::string("00-") + k_ci_trace + "-")) << traceparent;
    EXPECT_TRUE(span_ids.contains(traceparent.substr(36, 16))) << traceparent;
  }
  expect_valid_payloads();
}

TEST_F(TelemetryTest, SearchBySimilarityTracesItsEmbeddingsRequests) {
  std::string parent = std::string("00-") + k_ci_trace + "-" + k_ci_span + "-01";
  ProcessResult found = run_with_server({"search", "--similar", "a greeting", "--json"},
                                        exporting({{"TRACEPARENT", parent}}));
  ASSERT_EQ(found.exit_code, 0) << found.err;
  std::vector<ExportedSpan> exported = spans();
  ASSERT_EQ(exported.size(), 2U) << found.err;  // the query's text, then the prompts'
  for (const ExportedSpan& span : exported) {
    EXPECT_EQ(span.attribute("gen_ai.operation.name"), "embeddings");
    EXPECT_EQ(span.attribute("gen_ai.request.model"), "text-embedding-3-small");
    EXPECT_EQ(span.span["traceId"], k_ci_trace);
    EXPECT_EQ(span.span["parentSpanId"], k_ci_span);
  }
  expect_valid_payloads();
}

TEST_F(TelemetryTest, WithoutAnExporterTraceparentIsPassedOnAndNothingIsSent) {
  std::string parent = std::string("00-") + k_ci_trace + "-" + k_ci_span + "-01";
  json run = run_json({"run", "hello", "--var", "who=Ada"}, {{"TRACEPARENT", parent}});
  ASSERT_EQ(run["status"], "ok") << run;
  EXPECT_TRUE(batches().empty());
  ASSERT_EQ(chats().size(), 1U);
  EXPECT_EQ(chats()[0].header("traceparent"), parent);
  // Without TRACEPARENT either, the request carries none.
  (void)run_json({"run", "hello", "--var", "who=Ada"});
  EXPECT_EQ(chats().back().header("traceparent"), "");
}

TEST_F(TelemetryTest, ACollectorThatIsDownCostsAWarningNotTheRun) {
  std::map<std::string, std::string> down = {
      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:1/v1/traces"},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "500"}};
  ProcessResult result = run_with_server({"run", "hello", "--var", "who=Ada"}, down);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "echo: Hello Ada");
  EXPECT_NE(result.err.find("warning: 1 of 1 spans were not exported to "
                            "http://127.0.0.1:1/v1/traces: "),
            std::string::npos)
      << result.err;
  // A setting that cannot be used is said, and the run goes on without export.
  ProcessResult unusable = run_with_server({"run", "hello", "--var", "who=Ada"},
                                           exporting({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}));
  EXPECT_EQ(unusable.exit_code, 0) << unusable.err;
  EXPECT_NE(unusable.err.find("OTEL_EXPORTER_OTLP_PROTOCOL 'grpc' is not supported"),
            std::string::npos)
      << unusable.err;
  EXPECT_TRUE(batches().empty());
}

// Serves the committed prompts with runs allowed, asks for one run of "hello" within the
// caller's `traceparent`, stops the server and returns the answer.
HttpResponse served_run(const std::filesystem::path& root,
                        const std::map<std::string, std::string>& env,
                        const std::string& traceparent) {
  BackgroundProcess server({"serve", "--port", "0", "--allow-run"}, {root, {}, env});
  EXPECT_TRUE(server.wait_for_err(" on http://", std::chrono::seconds(20))) << server.err();
  std::smatch found;
  std::string err = server.err();
  if (!std::regex_search(err, found, std::regex(R"(on http://127\.0\.0\.1:(\d+))"))) {
    ADD_FAILURE() << err;
    return {};
  }
  HttpResponse answer =
      http_request(std::stoi(found[1]), "POST", "/v1/prompts/hello/run",
                   R"({"variables": {"who": "Ada"}})", {{"traceparent", traceparent}});
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(std::chrono::seconds(20)), 0) << server.err();
  return answer;
}

TEST_F(TelemetryTest, AServedRunIsASpanUnderTheCallersTraceparent) {
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-qm", "prompts"});
  std::string parent = std::string("00-") + k_ci_trace + "-" + k_ci_span + "-01";
  HttpResponse answer = served_run(root(), exporting(provider_env()), parent);
  ASSERT_EQ(answer.status, 200) << answer.body;
  std::vector<ExportedSpan> exported = spans();
  ASSERT_EQ(exported.size(), 1U);
  EXPECT_EQ(exported[0].span["traceId"], k_ci_trace);
  EXPECT_EQ(exported[0].span["parentSpanId"], k_ci_span);
  EXPECT_EQ(exported[0].attribute("promptctl.run.uid"), json::parse(answer.body)["run_uid"]);
  expect_valid_payloads();
  ASSERT_EQ(chats().size(), 1U);
  EXPECT_EQ(chats()[0].header("traceparent").substr(0, 36), parent.substr(0, 36));
}

TEST_F(TelemetryTest, AServerThatDoesNotExportPassesTheCallersTraceparentOn) {
  git(root(), {"add", "-A"});
  git(root(), {"commit", "-qm", "prompts"});
  std::string parent = std::string("00-") + k_ci_trace + "-" + k_ci_span + "-01";
  HttpResponse answer = served_run(root(), provider_env(), parent);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(batches().empty());
  ASSERT_EQ(chats().size(), 1U);
  EXPECT_EQ(chats()[0].header("traceparent"), parent);
}

}  // namespace
}  // namespace promptctl::testing
