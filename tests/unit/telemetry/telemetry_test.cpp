#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include <unistd.h>
#include "promptctl/build_info.hpp"
#include "promptctl/telemetry.hpp"

#include "support/http_wire.hpp"
#include "support/provider_server.hpp"

namespace promptctl::telemetry {
namespace {

using nlohmann::json;

constexpr const char* k_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* k_span = "00f067aa0ba902b7";

// A loopback port nothing listens on.
int closed_port() {
  testing::Listener listener = testing::listen_on_loopback();
  ::close(listener.fd);
  return listener.port;
}

TEST(TraceContextTest, ReadsAndWritesTraceparent) {
  std::string text = std::string("00-") + k_trace + "-" + k_span + "-01";
  std::optional<TraceContext> context = TraceContext::parse(text);
  ASSERT_TRUE(context);
  EXPECT_EQ(context->trace_id, k_trace);
  EXPECT_EQ(context->span_id, k_span);
  EXPECT_TRUE(context->sampled);
  EXPECT_EQ(context->traceparent(), text);
  EXPECT_FALSE(TraceContext::parse(std::string("00-") + k_trace + "-" + k_span + "-00")->sampled);
  // A later version may add fields; version 00 may not.
  EXPECT_TRUE(TraceContext::parse(std::string("01-") + k_trace + "-" + k_span + "-01-extra"));
}

TEST(TraceContextTest, RefusesWhatIsNotATraceparent) {
  std::string span = k_span;
  std::string trace = k_trace;
  for (const std::string& bad : std::vector<std::string>{
           std::string(),
           "00-" + trace + "-" + span,                             // no flags
           "00-" + trace + "-" + span + "-01-extra",               // extra in version 00
           "ff-" + trace + "-" + span + "-01",                     // the forbidden version
           "00-" + std::string(32, '0') + "-" + span + "-01",      // a zero trace id
           "00-" + trace + "-" + std::string(16, '0') + "-01",     // a zero span id
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + span + "-01",  // upper case
           "00-" + trace.substr(1) + "x-" + span + "-01",          // not hex
           "00_" + trace + "-" + span + "-01",                     // wrong separator
       }) {
    EXPECT_FALSE(TraceContext::parse(bad)) << bad;
  }
}

TEST(TraceContextTest, FreshIdsAreHexAndDiffer) {
  std::string a = new_trace_id();
  std::string b = new_trace_id();
  EXPECT_EQ(a.size(), 32U);
  EXPECT_EQ(new_span_id().size(), 16U);
  EXPECT_NE(a, b);
  EXPECT_TRUE(TraceContext::parse("00-" + a + "-" + new_span_id() + "-01"));
}

// The environment as a map, for from_environment.
struct Environment {
  std::map<std::string, std::string> values;
  std::vector<std::string> problems;

  ExportSettings read() {
    problems.clear();
    return ExportSettings::from_environment(
        [this](const char* name) -> std::optional<std::string> {
          auto found = values.find(name);
          return found == values.end() ? std::nullopt : std::optional(found->second);
        },
        problems);
  }
};

TEST(ExportSettingsTest, ExportsOnlyWhereTheEnvironmentSays) {
  Environment environment;
  EXPECT_TRUE(environment.read().traces_url.empty());
  environment.values["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318";
  ExportSettings settings = environment.read();
  EXPECT_EQ(settings.traces_url, "http://127.0.0.1:4318/v1/traces");
  EXPECT_EQ(settings.timeout_ms, 2000);
  ASSERT_FALSE(settings.resource.empty());
  EXPECT_EQ(settings.resource.front().first, "service.name");
  EXPECT_EQ(std::get<std::string>(settings.resource.front().second), "promptctl");
  // The traces endpoint is taken as it is.
  environment.values["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://127.0.0.1:9/custom";
  EXPECT_EQ(environment.read().traces_url, "http://127.0.0.1:9/custom");
  environment.values["OTEL_TRACES_EXPORTER"] = "none";
  EXPECT_TRUE(environment.read().traces_url.empty());
  EXPECT_TRUE(environment.problems.empty());
  environment.values["OTEL_TRACES_EXPORTER"] = "zipkin";
  EXPECT_TRUE(environment.read().traces_url.empty());
  ASSERT_EQ(environment.problems.size(), 1U);
  EXPECT_NE(environment.problems[0].find("OTEL_TRACES_EXPORTER 'zipkin'"), std::string::npos);
}

TEST(ExportSettingsTest, ReadsServiceResourceHeadersAndTimeout) {
  Environment environment;
  environment.values = {
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example/"},
      {"OTEL_SERVICE_NAME", "prompts-ci"},
      {"OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored, deployment.environment=ci%2C1"},
      {"OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=s3cr%3Dt,x-team=a"},
      {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "750"},
      {"TRACEPARENT", std::string("00-") + k_trace + "-" + k_span + "-01"},
      {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "TRUE"}};
  ExportSettings settings = environment.read();
  EXPECT_TRUE(environment.problems.empty());
  EXPECT_EQ(settings.traces_url, "https://collector.example/v1/traces");
  EXPECT_EQ(settings.timeout_ms, 750);
  EXPECT_TRUE(settings.capture_content);
  ASSERT_TRUE(settings.parent);
  EXPECT_EQ(settings.parent->span_id, k_span);
  using Header = std::pair<std::string, std::string>;
  EXPECT_EQ(settings.headers, (std::vector<Header>{{"x-api-key", "s3cr=t"}, {"x-team", "a"}}));
  ASSERT_EQ(settings.resource.size(), 2U);
  EXPECT_EQ(std::get<std::string>(settings.resource[0].second), "prompts-ci");
  EXPECT_EQ(settings.resource[1].first, "deployment.environment");
  EXPECT_EQ(std::get<std::string>(settings.resource[1].second), "ci,1");
}

TEST(ExportSettingsTest, SendsTheProtocolsDefaultEncodingUnlessJsonIsAskedFor) {
  Environment environment;
  environment.values["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318";
  EXPECT_EQ(environment.read().encoding, OtlpEncoding::protobuf);
  environment.values["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json";
  EXPECT_EQ(environment.read().encoding, OtlpEncoding::json);
  environment.values["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf";  // traces' own
  EXPECT_EQ(environment.read().encoding, OtlpEncoding::protobuf);
  EXPECT_TRUE(environment.problems.empty());
}

TEST(ExportSettingsTest, SettingsThatCannotBeUsedTurnExportOffAndSaySo) {
  const std::map<std::string, std::string> problems_and_words = {
      {"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "'grpc' is not supported"},
      {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/xml", "'http/xml' is not supported"},
      {"OTEL_EXPORTER_OTLP_TIMEOUT=soon", "not a positive number"},
      {"OTEL_EXPORTER_OTLP_HEADERS=novalue", "not a list of name=value pairs"},
  };
  for (const auto& [setting, words] : problems_and_words) {
    Environment environment;
    environment.values["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318";
    std::size_t equals = setting.find('=');
    environment.values[setting.substr(0, equals)] = setting.substr(equals + 1);
    EXPECT_TRUE(environment.read().traces_url.empty()) << setting;
    ASSERT_EQ(environment.problems.size(), 1U) << setting;
    EXPECT_NE(environment.problems[0].find(words), std::string::npos) << environment.problems[0];
  }
  Environment environment;
  environment.values["OTEL_EXPORTER_OTLP_ENDPOINT"] = "ftp://collector.example";
  EXPECT_TRUE(environment.read().traces_url.empty());
  ASSERT_EQ(environment.problems.size(), 1U);
  // Headers are credentials: never over plain http to another machine, and never quoted.
  environment.values["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector.example:4318";
  environment.values["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20hunter2";
  EXPECT_TRUE(environment.read().traces_url.empty());
  ASSERT_EQ(environment.problems.size(), 1U);
  EXPECT_NE(environment.problems[0].find("unencrypted"), std::string::npos);
  EXPECT_EQ(environment.problems[0].find("hunter2"), std::string::npos);
  environment.values["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318";
  EXPECT_FALSE(environment.read().traces_url.empty());  // this machine: allowed
  environment.values["TRACEPARENT"] = "garbage";
  EXPECT_FALSE(environment.read().parent);
  ASSERT_EQ(environment.problems.size(), 1U);
  EXPECT_NE(environment.problems[0].find("TRACEPARENT"), std::string::npos);
}

Span sample_span() {
  Span span;
  span.context = {k_trace, k_span, true};
  span.parent_span_id = "1111111111111111";
  span.name = "chat gpt-test";
  span.kind = SpanKind::client;
  span.start_unix_ns = 1767225600000000001;
  span.end_unix_ns = 1767225600500000000;
  span.attributes = {{"gen_ai.request.model", std::string("gpt-test")},
                     {"gen_ai.usage.input_tokens", std::int64_t{12}},
                     {"gen_ai.request.temperature", 0.5},
                     {"promptctl.dirty", true},
                     {"gen_ai.response.finish_reasons", std::vector<std::string>{"stop"}}};
  span.status = SpanStatus::error;
  span.status_message = "HTTP 500";
  return span;
}

TEST(OtlpJsonTest, WritesTheProtocolsJsonEncoding) {
  json request =
      json::parse(otlp_json({sample_span()}, {{"service.name", std::string("p")}}, "1.0"));
  const json& resource_spans = request["resourceSpans"][0];
  EXPECT_EQ(resource_spans["resource"]["attributes"][0],
            json::parse(R"({"key": "service.name", "value": {"stringValue": "p"}})"));
  const json& scope = resource_spans["scopeSpans"][0];
  EXPECT_EQ(scope["scope"], json::parse(R"({"name": "promptctl", "version": "1.0"})"));
  const json& span = scope["spans"][0];
  EXPECT_EQ(span["traceId"], k_trace);  // hex, not base64
  EXPECT_EQ(span["spanId"], k_span);
  EXPECT_EQ(span["parentSpanId"], "1111111111111111");
  EXPECT_EQ(span["kind"], 3);
  EXPECT_EQ(span["startTimeUnixNano"], "1767225600000000001");  // 64-bit: a string
  EXPECT_EQ(span["status"], json::parse(R"({"code": 2, "message": "HTTP 500"})"));
  EXPECT_EQ(span["attributes"], json::parse(R"([
    {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-test"}},
    {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "12"}},
    {"key": "gen_ai.request.temperature", "value": {"doubleValue": 0.5}},
    {"key": "promptctl.dirty", "value": {"boolValue": true}},
    {"key": "gen_ai.response.finish_reasons",
     "value": {"arrayValue": {"values": [{"stringValue": "stop"}]}}}])"));
  Span root = sample_span();
  root.parent_span_id.clear();
  json without_parent = json::parse(otlp_json({root}, {}, "1.0"));
  EXPECT_FALSE(
      without_parent["resourceSpans"][0]["scopeSpans"][0]["spans"][0].contains("parentSpanId"));
}

TEST(SpanWriterTest, AttributesWrittenOneByOneAreTheSpanOfThem) {
  Span span = sample_span();
  std::vector<std::string> reasons = {"stop"};
  for (OtlpEncoding encoding : {OtlpEncoding::protobuf, OtlpEncoding::json}) {
    SpanWriter writer(encoding, {span.context, span.parent_span_id, span.name, span.kind,
                                 span.start_unix_ns, span.end_unix_ns});
    writer.add("gen_ai.request.model", "gpt-test");
    writer.add("gen_ai.usage.input_tokens", std::int64_t{12});
    writer.add("gen_ai.request.temperature", 0.5);
    writer.add("promptctl.dirty", true);
    writer.add("gen_ai.response.finish_reasons", std::span<const std::string>(reasons));
    EncodedSpan written = std::move(writer).finish(SpanStatus::error, "HTTP 500");
    EXPECT_EQ(written.encoding, encoding);
    EXPECT_EQ(written.bytes, encode_span(span, encoding).bytes);
  }
}

TEST(SpanWriterTest, TextThatIsNotUtf8IsReplacedInTheBinaryEncoding) {
  Span span = sample_span();
  span.attributes = {{"promptctl.prompt", std::string("caf\xe9")},
                     {"promptctl.tags", std::vector<std::string>{"ok",
                                                                 "b\xff"
                                                                 "d"}}};
  std::string bytes = encode_span(span, OtlpEncoding::protobuf).bytes;
  EXPECT_EQ(bytes.find("caf\xe9"), std::string::npos);
  EXPECT_EQ(bytes.find("b\xff"), std::string::npos);
  EXPECT_NE(bytes.find("caf\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_NE(bytes.find("b\xef\xbf\xbd"
                       "d"),
            std::string::npos);
}

TEST(TracerTest, ASpanWrittenInAnotherEncodingThanItSendsIsAnError) {
  testing::ProviderServer collector({"", 0, 0});
  ExportSettings settings;
  settings.traces_url = collector.url() + "/v1/traces";
  Tracer tracer(settings);
  EXPECT_THROW(tracer.end(encode_span(sample_span(), OtlpEncoding::json)), std::logic_error);
  EXPECT_EQ(tracer.finish().exported, 0);
}

TEST(TracerTest, SendsQueuedSpansToTheCollectorWhenFinished) {
  testing::ProviderServer collector({"", 0, 0});
  ExportSettings settings;
  settings.traces_url = collector.url() + "/v1/traces";
  settings.resource = {{"service.name", std::string("promptctl")}};
  settings.encoding = OtlpEncoding::json;  // read back here; the binary form in conformance
  Tracer tracer(settings);
  ASSERT_TRUE(tracer.exporting());
  TraceContext first = tracer.start_span(std::nullopt);
  TraceContext child = tracer.start_span(first);
  EXPECT_EQ(child.trace_id, first.trace_id);
  EXPECT_EQ(tracer.parent_span_id(first), first.span_id);
  EXPECT_EQ(tracer.outgoing(child)->span_id, child.span_id);
  for (int i = 0; i < 3; ++i) {
    Span span = sample_span();
    span.context = tracer.start_span(first);
    tracer.end(span);
  }
  Span unsampled = sample_span();
  unsampled.context.sampled = false;
  tracer.end(unsampled);  // propagated, never exported
  ExportReport report = tracer.finish();
  EXPECT_EQ(report.exported, 3);
  EXPECT_EQ(report.dropped, 0);
  std::size_t spans = 0;
  for (const auto& request : collector.requests()) {
    EXPECT_EQ(request.target, "/v1/traces");
    EXPECT_EQ(request.header("content-type"), "application/json");
    spans += json::parse(request.body)["resourceSpans"][0]["scopeSpans"][0]["spans"].size();
  }
  EXPECT_EQ(spans, 3U);
  tracer.end(sample_span());  // after the end: dropped, not sent
  EXPECT_EQ(tracer.finish().dropped, 1);
}

TEST(TracerTest, SendsTheBinaryEncodingByDefault) {
  testing::ProviderServer collector({"", 0, 0});
  ExportSettings settings;
  settings.traces_url = collector.url() + "/v1/traces";
  Tracer tracer(settings);
  std::vector<Span> sent = {sample_span(), sample_span()};
  for (const Span& span : sent) {
    tracer.end(span);
  }
  ExportReport report = tracer.finish();
  EXPECT_EQ(report.exported, 2);
  ASSERT_EQ(collector.requests().size(), 1U);
  EXPECT_EQ(collector.requests()[0].header("content-type"), "application/x-protobuf");
  EXPECT_EQ(collector.requests()[0].body, otlp_protobuf(sent, {}, build_info().version));
}

TEST(TracerTest, ACollectorThatIsDownCostsOnlyTheSpans) {
  ExportSettings settings;
  settings.traces_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/traces";
  Tracer tracer(settings);
  for (int i = 0; i < 5; ++i) {
    tracer.end(sample_span());
  }
  ExportReport report = tracer.finish();
  EXPECT_EQ(report.exported, 0);
  EXPECT_EQ(report.dropped, 5);
  EXPECT_FALSE(report.last_problem.empty());
}

TEST(TracerTest, FinishingFromSeveralThreadsAtOnceJoinsOnceAndReportsTheSame) {
  ExportSettings settings;
  settings.traces_url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/traces";
  Tracer tracer(settings);
  tracer.end(sample_span());
  std::vector<ExportReport> reports(4);
  std::vector<std::thread> finishers;
  for (ExportReport& report : reports) {
    finishers.emplace_back([&tracer, &report] { report = tracer.finish(); });
  }
  for (std::thread& finisher : finishers) {
    finisher.join();
  }
  for (const ExportReport& report : reports) {
    EXPECT_EQ(report.dropped, 1);
    EXPECT_EQ(report.exported, 0);
  }
}

TEST(TracerTest, WithoutAnEndpointItOnlyPassesTraceparentOn) {
  Tracer quiet(ExportSettings{});
  EXPECT_FALSE(quiet.exporting());
  TraceContext span = quiet.start_span(std::nullopt);
  EXPECT_FALSE(quiet.outgoing(span));
  ExportSettings passing;
  passing.parent = TraceContext{k_trace, k_span, true};
  Tracer forwarding(passing);
  TraceContext inner = forwarding.start_span(std::nullopt);
  EXPECT_EQ(inner.trace_id, k_trace);
  EXPECT_EQ(forwarding.parent_span_id(std::nullopt), k_span);
  ASSERT_TRUE(forwarding.outgoing(inner));
  EXPECT_EQ(forwarding.outgoing(inner)->span_id, k_span);  // the caller's span, unchanged
  // A call made for a caller (a served request's traceparent) passes the caller's context on.
  TraceContext caller{k_trace, "1122334455667788", true};
  EXPECT_TRUE(quiet.active(caller));
  TraceContext served = quiet.start_span(caller);
  ASSERT_TRUE(quiet.outgoing(served, caller));
  EXPECT_EQ(quiet.outgoing(served, caller)->span_id, caller.span_id);
  EXPECT_EQ(forwarding.outgoing(inner, caller)->span_id, caller.span_id);
}

}  // namespace
}  // namespace promptctl::telemetry
