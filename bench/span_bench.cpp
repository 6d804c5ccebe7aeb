// What a traced model call costs promptctl's CPU: writing the call's span (the GenAI attributes
// and the run's lineage) in an OTLP encoding on the calling thread, and putting a batch of spans
// together on the exporter's.
// Run: build/bench/span_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "exec/call_span.hpp"
#include "promptctl/lineage.hpp"
#include "promptctl/provider_settings.hpp"

namespace {

using namespace promptctl;

// A finished call as a batch row makes one, labelled with its lineage.
CallResult finished_call() {
  CallResult result;
  result.ok = true;
  result.request.provider = "local";
  result.request.model = "bench-model";
  result.request.parameters.temperature = 0.3;
  result.request.parameters.max_tokens = 20;
  result.request.messages = {ChatMessage("system", "Classify the ticket."),
                             ChatMessage("user", "Ticket 7: My order has not arrived.")};
  result.response.text = "shipping";
  result.response.id = "chatcmpl-test";
  result.response.model = "bench-model";
  result.response.finish_reason = "stop";
  result.response.input_tokens = 31;
  result.response.output_tokens = 2;
  result.attempts = 1;
  result.uid = "01936f6e-1234-7abc-8def-0123456789ab";
  Lineage lineage;
  lineage.prompt = "classify";
  lineage.commit = std::string(40, 'a');
  lineage.content_hash = std::string(64, 'b');
  lineage.environment = "production";
  std::vector<ChatRequest> chain{result.request};
  label_for_traces(lineage, chain);
  result.request = chain.front();
  return result;
}

ProviderSettings local_provider() {
  ProviderSettings settings;
  settings.name = "local";
  settings.type = ProviderType::openai_compatible;
  return settings;
}

exec_detail::CallTrace call_trace() {
  return {telemetry::TraceContext{telemetry::new_trace_id(), telemetry::new_span_id(), true}, "", 0,
          "http://127.0.0.1:8080/v1/chat/completions", false};
}

telemetry::OtlpEncoding encoding_of(const benchmark::State& state) {
  return state.range(0) == 1 ? telemetry::OtlpEncoding::protobuf : telemetry::OtlpEncoding::json;
}

// A call's span written in the encoding `state.range(0)` names (0: JSON, 1: protobuf).
void BM_WriteCallSpan(benchmark::State& state) {
  CallResult result = finished_call();
  ProviderSettings settings = local_provider();
  exec_detail::CallTrace trace = call_trace();
  telemetry::OtlpEncoding encoding = encoding_of(state);
  std::size_t bytes = 0;
  for (auto _ : state) {
    telemetry::EncodedSpan span = exec_detail::call_span(result, settings, trace, false, encoding);
    bytes = span.bytes.size();
    benchmark::DoNotOptimize(span);
  }
  state.counters["bytes_per_span"] = static_cast<double>(bytes);
  state.SetLabel(encoding == telemetry::OtlpEncoding::protobuf ? "protobuf" : "json");
}
BENCHMARK(BM_WriteCallSpan)->Arg(0)->Arg(1);

// A batch of 512 such spans put together as the exporter sends it.
void BM_RequestOf512(benchmark::State& state) {
  CallResult result = finished_call();
  ProviderSettings settings = local_provider();
  telemetry::OtlpEncoding encoding = encoding_of(state);
  std::vector<std::string> spans;
  for (int i = 0; i < 512; ++i) {
    spans.push_back(exec_detail::call_span(result, settings, call_trace(), false, encoding).bytes);
  }
  telemetry::Attributes resource{{"service.name", std::string("promptctl")}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(telemetry::otlp_request(spans, resource, "1.0", encoding));
  }
  state.SetItemsProcessed(state.iterations() * 512);
  state.SetLabel(encoding == telemetry::OtlpEncoding::protobuf ? "protobuf" : "json");
}
BENCHMARK(BM_RequestOf512)->Arg(0)->Arg(1);

void BM_StartSpanIds(benchmark::State& state) {
  telemetry::Tracer tracer{telemetry::ExportSettings{}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(tracer.start_span(std::nullopt));
  }
}
BENCHMARK(BM_StartSpanIds);

}  // namespace

BENCHMARK_MAIN();
