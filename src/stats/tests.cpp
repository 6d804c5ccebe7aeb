// Hypothesis tests. Two-sided throughout; p-values are clamped to [0, 1].
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "promptctl/statistics.hpp"

namespace promptctl::stats {
namespace {

double clamp_p(double p) {
  return std::clamp(p, 0.0, 1.0);
}

// log C(n, k).
double log_choose(double n, double k) {
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

// Ranks (1-based) of `values`, ties given their average rank; also the sum over tie groups of
// t^3 - t, which the normal approximations correct for.
std::vector<double> average_ranks(const std::vector<double>& values, double& tie_term) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  tie_term = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start;
    while (end + 1 < order.size() && values[order[end + 1]] == values[order[start]]) {
      ++end;
    }
    double rank = (static_cast<double>(start + end) + 2) / 2;
    for (size_t i = start; i <= end; ++i) {
      ranks[order[i]] = rank;
    }
    double tied = static_cast<double>(end - start + 1);
    tie_term += tied * tied * tied - tied;
    start = end + 1;
  }
  return ranks;
}

// The exact two-sided p-value of W+ = w among n ranks 1..n with random signs: the count of
// sign patterns by their sum, by dynamic programming over the ranks.
double exact_signed_rank_p(double w, size_t n) {
  size_t total = n * (n + 1) / 2;
  std::vector<double> counts(total + 1, 0);
  counts[0] = 1;
  for (size_t rank = 1; rank <= n; ++rank) {
    for (size_t sum = total; sum >= rank; --sum) {
      counts[sum] += counts[sum - rank];
    }
  }
  double patterns = std::ldexp(1.0, static_cast<int>(n));
  auto at_most = [&](double bound) {
    double sum = 0;
    for (size_t s = 0; s <= total && static_cast<double>(s) <= bound + 1e-9; ++s) {
      sum += counts[s];
    }
    return sum / patterns;
  };
  double smaller = std::min(w, static_cast<double>(total) - w);
  return clamp_p(2 * at_most(smaller));
}

}  // namespace

TestResult exact_mcnemar(std::int64_t a_only, std::int64_t b_only, std::int64_t pairs) {
  TestResult result;
  result.method = "exact McNemar (sign) test";
  result.statistic = static_cast<double>(std::min(a_only, b_only));
  result.effect_name = "difference in pass rate";
  result.effect = pairs > 0 ? static_cast<double>(b_only - a_only) / static_cast<double>(pairs) : 0;
  std::int64_t n = a_only + b_only;
  if (n == 0) {
    result.p_value = 1;
    return result;
  }
  // P(X <= min) for X ~ Binomial(n, 1/2): by the exact recurrence P(k+1) = P(k) (n-k)/(k+1)
  // while 2^-n is representable, in log space beyond.
  double tail = 0;
  std::int64_t smaller = std::min(a_only, b_only);
  if (n <= 1000) {
    double term = std::ldexp(1.0, -static_cast<int>(n));
    for (std::int64_t k = 0; k <= smaller; ++k) {
      tail += term;
      term = term * static_cast<double>(n - k) / static_cast<double>(k + 1);
    }
  } else {
    double log_half_n = static_cast<double>(n) * std::log(0.5);
    for (std::int64_t k = 0; k <= smaller; ++k) {
      tail += std::exp(log_choose(static_cast<double>(n), static_cast<double>(k)) + log_half_n);
    }
  }
  result.p_value = clamp_p(2 * tail);
  return result;
}

TestResult wilcoxon_signed_rank(const std::vector<double>& differences) {
  TestResult result;
  result.effect_name = "rank-biserial correlation";
  std::vector<double> nonzero;
  for (double d : differences) {
    if (d != 0) {
      nonzero.push_back(d);
    }
  }
  result.method = "Wilcoxon signed-rank test";
  size_t n = nonzero.size();
  if (n == 0) {
    result.p_value = 1;
    return result;
  }
  std::vector<double> magnitudes;
  for (double d : nonzero) {
    magnitudes.push_back(std::fabs(d));
  }
  double tie_term = 0;
  std::vector<double> ranks = average_ranks(magnitudes, tie_term);
  double plus = 0;
  double minus = 0;
  for (size_t i = 0; i < n; ++i) {
    (nonzero[i] > 0 ? plus : minus) += ranks[i];
  }
  result.statistic = std::min(plus, minus);
  result.effect = (plus - minus) / (plus + minus);
  if (n <= 50 && tie_term == 0) {
    result.method += " (exact)";
    result.p_value = exact_signed_rank_p(plus, n);
    return result;
  }
  double count = static_cast<double>(n);
  double expected = count * (count + 1) / 4;
  double variance = count * (count + 1) * (2 * count + 1) / 24 - tie_term / 48;
  double z = (std::fabs(plus - expected) - 0.5) / std::sqrt(variance);
  result.method += " (normal approximation)";
  result.p_value = clamp_p(2 * (1 - normal_cdf(std::max(z, 0.0))));
  return result;
}

TestResult two_proportion_z(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2) {
  TestResult result;
  result.method = "two-proportion z-test";
  result.effect_name = "difference in proportion";
  if (n1 <= 0 || n2 <= 0) {
    return result;
  }
  double p1 = static_cast<double>(x1) / static_cast<double>(n1);
  double p2 = static_cast<double>(x2) / static_cast<double>(n2);
  double pooled = static_cast<double>(x1 + x2) / static_cast<double>(n1 + n2);
  double se = std::sqrt(pooled * (1 - pooled) *
                        (1 / static_cast<double>(n1) + 1 / static_cast<double>(n2)));
  result.effect = p2 - p1;
  if (se == 0) {
    result.p_value = 1;  // both all passes or all failures: no evidence of a difference
    return result;
  }
  result.statistic = (p2 - p1) / se;
  result.p_value = clamp_p(2 * (1 - normal_cdf(std::fabs(result.statistic))));
  return result;
}

TestResult fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  TestResult result;
  result.method = "Fisher's exact test";
  result.effect_name = "odds ratio";
  result.effect = b * c == 0 ? (a * d == 0 ? std::numeric_limits<double>::quiet_NaN()
                                           : std::numeric_limits<double>::infinity())
                             : static_cast<double>(a * d) / static_cast<double>(b * c);
  result.statistic = static_cast<double>(a);
  // With the margins fixed, the table is decided by its top-left cell, hypergeometrically.
  std::int64_t row1 = a + b;
  std::int64_t col1 = a + c;
  std::int64_t total = a + b + c + d;
  auto log_p = [&](std::int64_t x) {
    return log_choose(static_cast<double>(col1), static_cast<double>(x)) +
           log_choose(static_cast<double>(total - col1), static_cast<double>(row1 - x)) -
           log_choose(static_cast<double>(total), static_cast<double>(row1));
  };
  double observed = log_p(a);
  double p = 0;
  for (std::int64_t x = std::max<std::int64_t>(0, row1 + col1 - total); x <= std::min(row1, col1);
       ++x) {
    double here = log_p(x);
    if (here <= observed + 1e-7) {  // as likely as the observed table, within rounding
      p += std::exp(here);
    }
  }
  result.p_value = clamp_p(p);
  return result;
}

TestResult welch_t(const std::vector<double>& x, const std::vector<double>& y) {
  TestResult result;
  result.method = "Welch's t-test";
  result.effect_name = "Cohen's d";
  if (x.size() < 2 || y.size() < 2) {
    return result;
  }
  double n1 = static_cast<double>(x.size());
  double n2 = static_cast<double>(y.size());
  double v1 = sample_variance(x) / n1;
  double v2 = sample_variance(y) / n2;
  double difference = mean(y) - mean(x);
  double spread = std::sqrt((sample_variance(x) + sample_variance(y)) / 2);
  result.effect = spread > 0 ? difference / spread : 0;
  if (v1 + v2 == 0) {
    result.p_value = difference == 0 ? 1 : 0;
    return result;
  }
  result.statistic = difference / std::sqrt(v1 + v2);
  result.degrees_of_freedom = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1));
  result.p_value =
      clamp_p(2 * (1 - student_t_cdf(std::fabs(result.statistic), result.degrees_of_freedom)));
  return result;
}

TestResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y) {
  TestResult result;
  result.method = "Mann-Whitney U test (normal approximation)";
  result.effect_name = "rank-biserial correlation";
  if (x.empty() || y.empty()) {
    return result;
  }
  std::vector<double> all = x;
  all.insert(all.end(), y.begin(), y.end());
  double tie_term = 0;
  std::vector<double> ranks = average_ranks(all, tie_term);
  double n1 = static_cast<double>(x.size());
  double n2 = static_cast<double>(y.size());
  double rank_sum =
      std::accumulate(ranks.begin(), ranks.begin() + static_cast<long>(x.size()), 0.0);
  double u = rank_sum - n1 * (n1 + 1) / 2;
  result.statistic = u;
  result.effect = 1 - 2 * u / (n1 * n2);
  double n = n1 + n2;
  double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) {
    result.p_value = 1;
    return result;
  }
  double z = (std::fabs(u - n1 * n2 / 2) - 0.5) / std::sqrt(variance);
  result.p_value = clamp_p(2 * (1 - normal_cdf(std::max(z, 0.0))));
  return result;
}

TestResult chi_square_fit(const std::vector<std::int64_t>& observed,
                          const std::vector<double>& expected_shares) {
  TestResult result;
  result.method = "chi-square goodness of fit";
  result.effect_name = "Cohen's w";
  double total =
      static_cast<double>(std::accumulate(observed.begin(), observed.end(), std::int64_t{0}));
  double shares = std::accumulate(expected_shares.begin(), expected_shares.end(), 0.0);
  if (observed.size() < 2 || observed.size() != expected_shares.size() || total == 0 ||
      shares <= 0) {
    return result;
  }
  double statistic = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    double expected = total * expected_shares[i] / shares;
    double gap = static_cast<double>(observed[i]) - expected;
    statistic += gap * gap / expected;
  }
  result.statistic = statistic;
  result.degrees_of_freedom = static_cast<double>(observed.size() - 1);
  result.p_value = clamp_p(chi_square_upper(statistic, result.degrees_of_freedom));
  result.effect = std::sqrt(statistic / total);
  return result;
}

}  // namespace promptctl::stats
