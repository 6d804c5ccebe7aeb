#include "serve/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace promptctl::serve_detail {

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

std::string labels(Route route) {
  return std::string("route=\"") + route_name(route) + "\"";
}

Route route_at(std::size_t index) {
  return static_cast<Route>(index);
}

}  // namespace

void Metrics::record(Route route, int status, double seconds) {
  auto at = static_cast<std::size_t>(route);
  auto known = std::find(k_statuses.begin(), k_statuses.end(), status);
  if (known == k_statuses.end()) {
    known = std::find(k_statuses.begin(), k_statuses.end(), 500);
  }
  m_requests[at][static_cast<std::size_t>(known - k_statuses.begin())].fetch_add(
      1, std::memory_order_relaxed);
  auto bucket = std::lower_bound(k_bounds.begin(), k_bounds.end(), seconds);
  m_buckets[at][static_cast<std::size_t>(bucket - k_bounds.begin())].fetch_add(
      1, std::memory_order_relaxed);
  m_microseconds[at].fetch_add(static_cast<std::uint64_t>(seconds * 1e6),
                               std::memory_order_relaxed);
}

void Metrics::count_reload(bool succeeded) {
  (succeeded ? m_reloads : m_failed_reloads).fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::exposition(std::size_t prompts, const std::string& commit) const {
  std::string out;
  out += "# HELP promptctl_http_requests_total Requests answered, by route and status.\n";
  out += "# TYPE promptctl_http_requests_total counter\n";
  for (std::size_t r = 0; r < m_requests.size(); ++r) {
    for (std::size_t s = 0; s < k_statuses.size(); ++s) {
      std::uint64_t count = m_requests[r][s].load(std::memory_order_relaxed);
      if (count > 0) {
        out += "promptctl_http_requests_total{" + labels(route_at(r)) + ",status=\"" +
               std::to_string(k_statuses[s]) + "\"} " + std::to_string(count) + "\n";
      }
    }
  }
  out += "# HELP promptctl_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE promptctl_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < m_buckets.size(); ++r) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= k_bounds.size(); ++b) {
      cumulative += m_buckets[r][b].load(std::memory_order_relaxed);
      std::string bound = b < k_bounds.size() ? number(k_bounds[b]) : "+Inf";
      out += "promptctl_http_request_duration_seconds_bucket{" + labels(route_at(r)) + ",le=\"" +
             bound + "\"} " + std::to_string(cumulative) + "\n";
    }
    double seconds = static_cast<double>(m_microseconds[r].load(std::memory_order_relaxed)) / 1e6;
    out += "promptctl_http_request_duration_seconds_sum{" + labels(route_at(r)) + "} " +
           number(seconds) + "\n";
    out += "promptctl_http_request_duration_seconds_count{" + labels(route_at(r)) + "} " +
           std::to_string(cumulative) + "\n";
  }
  out += "# HELP promptctl_reloads_total Times the served prompts were reloaded, by result.\n";
  out += "# TYPE promptctl_reloads_total counter\n";
  out += "promptctl_reloads_total{result=\"ok\"} " + std::to_string(m_reloads.load()) + "\n";
  out += "promptctl_reloads_total{result=\"failed\"} " + std::to_string(m_failed_reloads.load()) +
         "\n";
  out += "# HELP promptctl_served_prompts Prompts served now.\n";
  out += "# TYPE promptctl_served_prompts gauge\n";
  out += "promptctl_served_prompts " + std::to_string(prompts) + "\n";
  out += "# HELP promptctl_served_commit_info The commit served now.\n";
  out += "# TYPE promptctl_served_commit_info gauge\n";
  out += "promptctl_served_commit_info{commit=\"" + commit + "\"} 1\n";
  return out;
}

}  // namespace promptctl::serve_detail
