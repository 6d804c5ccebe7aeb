#include <chrono>
#include <mutex>
#include <random>

#include "promptctl/telemetry.hpp"

namespace promptctl::telemetry {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

bool is_lower_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool all_zeros(std::string_view text) {
  return text.find_first_not_of('0') == std::string_view::npos;
}

// Ids come from one generator, seeded once: a trace id must not repeat across processes, so
// the seed is the system's randomness, and not a time.
std::string random_hex(std::size_t digits) {
  static std::mutex lock;
  static std::mt19937_64 random{std::random_device{}()};
  std::string text(digits, '0');
  std::lock_guard guard(lock);
  while (all_zeros(text)) {
    for (std::size_t i = 0; i < digits; i += 16) {
      std::uint64_t bits = random();
      for (std::size_t j = i; j < std::min(digits, i + 16); ++j, bits >>= 4) {
        text[j] = k_hex[bits & 0xf];
      }
    }
  }
  return text;
}

}  // namespace

std::string TraceContext::traceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

std::optional<TraceContext> TraceContext::parse(std::string_view text) {
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 characters; a
  // later version may add fields after a further '-'.
  constexpr std::size_t k_length = 55;
  if (text.size() < k_length || (text.size() > k_length && text[k_length] != '-') ||
      text[2] != '-' || text[35] != '-' || text[52] != '-') {
    return std::nullopt;
  }
  std::string_view version = text.substr(0, 2);
  std::string_view trace = text.substr(3, 32);
  std::string_view span = text.substr(36, 16);
  std::string_view flags = text.substr(53, 2);
  if (!is_lower_hex(version) || version == "ff" || (version == "00" && text.size() != k_length) ||
      !is_lower_hex(trace) || all_zeros(trace) || !is_lower_hex(span) || all_zeros(span) ||
      !is_lower_hex(flags)) {
    return std::nullopt;
  }
  TraceContext context;
  context.trace_id = trace;
  context.span_id = span;
  context.sampled = (std::stoi(std::string(flags), nullptr, 16) & 1) != 0;
  return context;
}

std::string new_trace_id() {
  return random_hex(32);
}

std::string new_span_id() {
  return random_hex(16);
}

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace promptctl::telemetry
