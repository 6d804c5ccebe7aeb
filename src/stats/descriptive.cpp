// Means, variances, quantiles and intervals.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "promptctl/statistics.hpp"

namespace promptctl::stats {
namespace {

// The percentile interval of `estimates` (which it sorts) at `confidence`.
Interval percentile_interval(std::vector<double>& estimates, double confidence) {
  double tail = (1 - confidence) / 2;
  return {quantile(estimates, tail), quantile(estimates, 1 - tail)};
}

}  // namespace

double mean(const std::vector<double>& values) {
  if (values.empty()) {
    return 0;
  }
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_variance(const std::vector<double>& values) {
  if (values.size() < 2) {
    return 0;
  }
  double centre = mean(values);
  double sum = 0;
  for (double value : values) {
    sum += (value - centre) * (value - centre);
  }
  return sum / static_cast<double>(values.size() - 1);
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  auto below = static_cast<size_t>(std::floor(position));
  size_t above = std::min(below + 1, values.size() - 1);
  double fraction = position - static_cast<double>(below);
  return values[below] + fraction * (values[above] - values[below]);
}

Interval wilson_interval(std::int64_t successes, std::int64_t n, double confidence) {
  if (n <= 0) {
    return {0, 1};
  }
  double z = normal_quantile(1 - (1 - confidence) / 2);
  double count = static_cast<double>(n);
  double p = static_cast<double>(successes) / count;
  double z2 = z * z;
  double denominator = 1 + z2 / count;
  double centre = (p + z2 / (2 * count)) / denominator;
  double half = z * std::sqrt(p * (1 - p) / count + z2 / (4 * count * count)) / denominator;
  // At p = 0 or 1 the interval touches that bound exactly; rounding must not move it.
  return {successes == 0 ? 0.0 : std::max(0.0, centre - half),
          successes == n ? 1.0 : std::min(1.0, centre + half)};
}

Interval bootstrap_mean_interval(const std::vector<double>& values, double confidence,
                                 int resamples, std::uint64_t seed) {
  if (values.empty()) {
    return {0, 0};
  }
  std::mt19937_64 generator(seed);
  std::uniform_int_distribution<size_t> pick(0, values.size() - 1);
  std::vector<double> estimates;
  estimates.reserve(static_cast<size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    double sum = 0;
    for (size_t i = 0; i < values.size(); ++i) {
      sum += values[pick(generator)];
    }
    estimates.push_back(sum / static_cast<double>(values.size()));
  }
  return percentile_interval(estimates, confidence);
}

Interval paired_bootstrap_interval(const std::vector<double>& a, const std::vector<double>& b,
                                   double confidence, int resamples, std::uint64_t seed) {
  std::vector<double> differences;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    differences.push_back(b[i] - a[i]);
  }
  // Resampling the pairs' differences keeps each input's A and B together.
  return bootstrap_mean_interval(differences, confidence, resamples, seed);
}

double detectable_proportion_difference(double p, std::int64_t n1, std::int64_t n2, double alpha,
                                        double power) {
  if (n1 <= 0 || n2 <= 0) {
    return 1;
  }
  double z = normal_quantile(1 - alpha / 2) + normal_quantile(power);
  double variance = p * (1 - p) * (1 / static_cast<double>(n1) + 1 / static_cast<double>(n2));
  return z * std::sqrt(variance);
}

double detectable_mean_difference(double sd1, double sd2, std::int64_t n1, std::int64_t n2,
                                  double alpha, double power) {
  if (n1 <= 0 || n2 <= 0) {
    return std::numeric_limits<double>::infinity();
  }
  double z = normal_quantile(1 - alpha / 2) + normal_quantile(power);
  return z * std::sqrt(sd1 * sd1 / static_cast<double>(n1) + sd2 * sd2 / static_cast<double>(n2));
}

}  // namespace promptctl::stats
