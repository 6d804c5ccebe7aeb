// promptctl's regular expressions beside libstdc++'s std::regex, which they replace: compiling a
// variable's pattern and checking a value, as a render does, and searching a model's answer, as
// a `regex` assertion does. std::regex recurses once a character, so its answers stay short here.
// Run: build/bench/regex_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <regex>
#include <string>

#include "util/regex.hpp"

namespace {

using promptctl::util::Regex;

const char* const k_order_id = "^[A-Z]{2}-[0-9]{4,}$";
const char* const k_email = "^[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+$";
const char* const k_answer_pattern = "\\b(refund|replacement)\\b.*\\d+ days";

// An answer of about 2 KB, with the words the assertion looks for near its end.
std::string answer() {
  std::string text;
  while (text.size() < 2000) {
    text += "Thank you for your patience while we looked into your order. ";
  }
  return text + "We will send a replacement within 5 days.";
}

void compile_and_check_ours(benchmark::State& state, const char* pattern, const char* value) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Regex(pattern).search(value));
  }
}

void compile_and_check_std(benchmark::State& state, const char* pattern, const char* value) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::regex_search(value, std::regex(pattern)));
  }
}

void check_ours(benchmark::State& state, const char* pattern, const char* value) {
  Regex compiled(pattern);
  for (auto _ : state) {
    benchmark::DoNotOptimize(compiled.search(value));
  }
}

void check_std(benchmark::State& state, const char* pattern, const char* value) {
  std::regex compiled(pattern);
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::regex_search(value, compiled));
  }
}

void search_answer_ours(benchmark::State& state) {
  Regex compiled(k_answer_pattern);
  std::string text = answer();
  for (auto _ : state) {
    benchmark::DoNotOptimize(compiled.find(text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void search_answer_std(benchmark::State& state) {
  std::regex compiled(k_answer_pattern);
  std::string text = answer();
  for (auto _ : state) {
    std::smatch match;
    benchmark::DoNotOptimize(std::regex_search(text, match, compiled));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

}  // namespace

BENCHMARK_CAPTURE(compile_and_check_ours, order_id, k_order_id, "AB-12345");
BENCHMARK_CAPTURE(compile_and_check_std, order_id, k_order_id, "AB-12345");
BENCHMARK_CAPTURE(compile_and_check_ours, email, k_email, "someone.else@mail.example.com");
BENCHMARK_CAPTURE(compile_and_check_std, email, k_email, "someone.else@mail.example.com");
BENCHMARK_CAPTURE(check_ours, order_id, k_order_id, "AB-12345");
BENCHMARK_CAPTURE(check_std, order_id, k_order_id, "AB-12345");
BENCHMARK_CAPTURE(check_ours, email, k_email, "someone.else@mail.example.com");
BENCHMARK_CAPTURE(check_std, email, k_email, "someone.else@mail.example.com");
BENCHMARK(search_answer_ours);
BENCHMARK(search_answer_std);

BENCHMARK_MAIN();
