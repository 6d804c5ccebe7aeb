// The mixture sequential probability ratio test for a difference of means.
#include <algorithm>
#include <cmath>
#include <limits>

#include "promptctl/statistics.hpp"

namespace promptctl::stats {

SequentialDifference::SequentialDifference(double alpha, bool binary, double mixing_sd)
    : m_alpha(alpha),
      m_binary(binary),
      m_mixing_sd(mixing_sd),
      m_interval{-std::numeric_limits<double>::infinity(),
                 std::numeric_limits<double>::infinity()} {}

void SequentialDifference::Arm::add(double value) {
  ++count;
  double delta = value - mean;
  mean += delta / static_cast<double>(count);
  squares += delta * (value - mean);
}

double SequentialDifference::variance_of(const Arm& arm) const {
  if (m_binary) {
    // Two successes and two failures added: the variance of a rate seen at 0% or 100% is
    // small, never 0, which would make any difference look certain.
    double rate =
        (arm.mean * static_cast<double>(arm.count) + 2) / (static_cast<double>(arm.count) + 4);
    return rate * (1 - rate);
  }
  return arm.count > 1 ? arm.squares / static_cast<double>(arm.count - 1) : 0;
}

void SequentialDifference::add(bool to_b, double value) {
  (to_b ? m_b : m_a).add(value);
  look();
}

void SequentialDifference::look() {
  // The test's guarantee assumes known variances; estimates from a handful of runs can be far
  // off (one slow call among fast ones), so the first looks wait for a few runs in each arm.
  if (m_a.count < k_first_look || m_b.count < k_first_look) {
    return;
  }
  double variance_a = variance_of(m_a);
  double variance_b = variance_of(m_b);
  auto n_a = static_cast<double>(m_a.count);
  auto n_b = static_cast<double>(m_b.count);
  double v = variance_a / n_a + variance_b / n_b;
  double pooled = (variance_a * n_a + variance_b * n_b) / (n_a + n_b);
  double t2 = m_mixing_sd * m_mixing_sd * pooled;
  if (v <= 0 || t2 <= 0) {
    return;  // every observation so far the same: nothing to weigh yet
  }
  double d = difference();
  double log_ratio = 0.5 * std::log(v / (v + t2)) + t2 * d * d / (2 * v * (v + t2));
  m_p_value = std::min(m_p_value, std::min(1.0, std::exp(-log_ratio)));
  // The differences the test would not reject at alpha at this look. Intersecting the looks'
  // intervals would be valid with known variances; with estimated ones an early, too narrow
  // interval could exclude the estimate for good, so each look stands on its own.
  double half_width =
      std::sqrt(2 * v * (v + t2) / t2 * (std::log(1 / m_alpha) + 0.5 * std::log((v + t2) / v)));
  m_interval = {d - half_width, d + half_width};
}

}  // namespace promptctl::stats
