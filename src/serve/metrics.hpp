// The server's own metrics, counted without locks and written in Prometheus's text format.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "serve/routes.hpp"

namespace promptctl::serve_detail {

class Metrics {
 public:
  /// The statuses the server answers with; any other is counted as 500.
  static constexpr std::array<int, 15> k_statuses = {200, 204, 304, 400, 401, 403, 404, 405,
                                                     409, 413, 422, 500, 502, 503, 504};
  /// Upper bounds of the latency histogram's buckets, in seconds.
  /// Renders take microseconds; runs wait for a provider for seconds.
  static constexpr std::array<double, 17> k_bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                                      1,      2.5,     5,      10,    30};

  void record(Route route, int status, double seconds);
  void count_reload(bool succeeded);

  /// Every metric, with the number of prompts and the commit served now.
  [[nodiscard]] std::string exposition(std::size_t prompts, const std::string& commit) const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  std::array<std::array<Counter, k_statuses.size()>, k_route_count> m_requests{};
  std::array<std::array<Counter, k_bounds.size() + 1>, k_route_count> m_buckets{};
  std::array<Counter, k_route_count> m_microseconds{};
  Counter m_reloads{0};
  Counter m_failed_reloads{0};
};

}  // namespace promptctl::serve_detail
