// Parse and render throughput of promptctl's Mustache engine, beside kainjow's Mustache on the
// same templates and data. Run: build/bench/template_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include "promptctl/template.hpp"

#ifdef PROMPTCTL_HAVE_KAINJOW
#include <kainjow/mustache.hpp>
#endif

namespace {

using nlohmann::json;

// A typical chat prompt: a few interpolations and one optional section.
const std::string k_chat =
    "You are Ada, a support agent for {{company}}. Answer in a {{tone}} tone.\n"
    "{{#order_id}}The customer's order is {{order_id}}.\n{{/order_id}}"
    "Customer: {{inquiry}}\n";

json chat_data() {
  return {{"company", "Acme Corp"},
          {"tone", "friendly"},
          {"order_id", "AB-12345"},
          {"inquiry", "Hello, my order is late. Where is it?"}};
}

// About 10 KB of template text, then a section over 1,000 items.
std::string large_template() {
  std::string text;
  while (text.size() < 10 * 1024) {
    text += "Guidelines for {{team}}: be precise, be kind, never invent facts. ";
  }
  return text + "\n{{#items}}- {{name}} ({{sku}}): {{price}}\n{{/items}}";
}

json large_data() {
  json items = json::array();
  for (int i = 0; i < 1000; ++i) {
    items.push_back({{"name", "item " + std::to_string(i)},
                     {"sku", "SKU-" + std::to_string(i)},
                     {"price", i * 3}});
  }
  return {{"team", "support"}, {"items", items}};
}

void BM_promptctl_parse(benchmark::State& state, const std::string& source) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(promptctl::tmpl::Template::parse(source));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * source.size()));
}

void BM_promptctl_render(benchmark::State& state, const std::string& source, const json& data) {
  auto parsed = promptctl::tmpl::Template::parse(source);
  promptctl::tmpl::RenderOptions options;
  for (auto _ : state) {
    benchmark::DoNotOptimize(promptctl::tmpl::render(parsed, data, options));
  }
}

void BM_promptctl_parse_and_render(benchmark::State& state, const std::string& source,
                                   const json& data) {
  promptctl::tmpl::RenderOptions options;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        promptctl::tmpl::render(promptctl::tmpl::Template::parse(source), data, options));
  }
}

#ifdef PROMPTCTL_HAVE_KAINJOW
using kainjow::mustache::data;
using kainjow::mustache::mustache;

data to_kainjow(const json& value) {
  if (value.is_object()) {
    data out;
    for (const auto& [key, item] : value.items()) {
      out.set(key, to_kainjow(item));
    }
    return out;
  }
  if (value.is_array()) {
    data out{data::type::list};
    for (const json& item : value) {
      out.push_back(to_kainjow(item));
    }
    return out;
  }
  return data(value.is_string() ? value.get<std::string>() : value.dump());
}

void BM_kainjow_parse(benchmark::State& state, const std::string& source) {
  for (auto _ : state) {
    mustache parsed{source};
    benchmark::DoNotOptimize(parsed.is_valid());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * source.size()));
}

void BM_kainjow_render(benchmark::State& state, const std::string& source, const json& values) {
  mustache parsed{source};
  data converted = to_kainjow(values);
  for (auto _ : state) {
    benchmark::DoNotOptimize(parsed.render(converted));
  }
}

void BM_kainjow_parse_and_render(benchmark::State& state, const std::string& source,
                                 const json& values) {
  data converted = to_kainjow(values);
  for (auto _ : state) {
    mustache parsed{source};
    benchmark::DoNotOptimize(parsed.render(converted));
  }
}
#endif

void register_all() {
  static const std::string chat = k_chat;
  static const json chat_values = chat_data();
  static const std::string large = large_template();
  static const json large_values = large_data();
  benchmark::RegisterBenchmark("chat/parse/promptctl", BM_promptctl_parse, chat);
  benchmark::RegisterBenchmark("chat/render/promptctl", BM_promptctl_render, chat, chat_values);
  benchmark::RegisterBenchmark("chat/parse+render/promptctl", BM_promptctl_parse_and_render, chat,
                               chat_values);
  benchmark::RegisterBenchmark("large/parse/promptctl", BM_promptctl_parse, large);
  benchmark::RegisterBenchmark("large/render/promptctl", BM_promptctl_render, large, large_values);
  benchmark::RegisterBenchmark("large/parse+render/promptctl", BM_promptctl_parse_and_render, large,
                               large_values);
#ifdef PROMPTCTL_HAVE_KAINJOW
  benchmark::RegisterBenchmark("chat/parse/kainjow", BM_kainjow_parse, chat);
  benchmark::RegisterBenchmark("chat/render/kainjow", BM_kainjow_render, chat, chat_values);
  benchmark::RegisterBenchmark("chat/parse+render/kainjow", BM_kainjow_parse_and_render, chat,
                               chat_values);
  benchmark::RegisterBenchmark("large/parse/kainjow", BM_kainjow_parse, large);
  benchmark::RegisterBenchmark("large/render/kainjow", BM_kainjow_render, large, large_values);
  benchmark::RegisterBenchmark("large/parse+render/kainjow", BM_kainjow_parse_and_render, large,
                               large_values);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
