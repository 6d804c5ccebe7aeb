// Distribution functions, from the continued fractions and series of Abramowitz and Stegun
// (26.5.8 for the incomplete beta, 6.5.29 and 6.5.31 for the incomplete gamma).
#include <cmath>
#include <limits>

#include "promptctl/statistics.hpp"

namespace promptctl::stats {
namespace {

constexpr double k_epsilon = 1e-15;
constexpr double k_tiny = 1e-300;
constexpr int k_max_iterations = 10000;

// The continued fraction of I_x(a, b), evaluated by the modified Lentz method; converges fast
// for x < (a + 1) / (a + b + 2).
double beta_fraction(double x, double a, double b) {
  double c = 1;
  double d = 1 - (a + b) * x / (a + 1);
  d = 1 / (std::fabs(d) < k_tiny ? k_tiny : d);
  double result = d;
  // One step of the modified Lentz method; returns the factor applied.
  auto step = [&](double term) {
    d = 1 + term * d;
    d = 1 / (std::fabs(d) < k_tiny ? k_tiny : d);
    c = 1 + term / c;
    c = std::fabs(c) < k_tiny ? k_tiny : c;
    result *= d * c;
    return d * c;
  };
  for (int m = 1; m < k_max_iterations; ++m) {
    // Two terms per m: d_{2m}, then d_{2m+1}.
    step(m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)));
    double factor = step(-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)));
    if (std::fabs(factor - 1) < k_epsilon) {
      break;
    }
  }
  return result;
}

// P(a, x) by its power series, for x < a + 1.
double gamma_series(double a, double x) {
  double term = 1 / a;
  double sum = term;
  for (int n = 1; n < k_max_iterations; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * k_epsilon) {
      break;
    }
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Q(a, x) = 1 - P(a, x) by its continued fraction (modified Lentz), for x >= a + 1.
double gamma_fraction(double a, double x) {
  double b = x + 1 - a;
  double c = 1 / k_tiny;
  double d = 1 / b;
  double result = d;
  for (int n = 1; n < k_max_iterations; ++n) {
    double term = -n * (n - a);
    b += 2;
    d = term * d + b;
    d = 1 / (std::fabs(d) < k_tiny ? k_tiny : d);
    c = b + term / c;
    c = std::fabs(c) < k_tiny ? k_tiny : c;
    result *= d * c;
    if (std::fabs(d * c - 1) < k_epsilon) {
      break;
    }
  }
  return result * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

}  // namespace

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double normal_quantile(double p) {
  if (p <= 0) {
    return -std::numeric_limits<double>::infinity();
  }
  if (p >= 1) {
    return std::numeric_limits<double>::infinity();
  }
  // Bisection on the exact distribution function: slower than a rational approximation, but
  // as accurate as erfc itself, and these are called a handful of times per report.
  double low = -40;
  double high = 40;
  for (int i = 0; i < 200 && high - low > 1e-15; ++i) {
    double middle = (low + high) / 2;
    (normal_cdf(middle) < p ? low : high) = middle;
  }
  return (low + high) / 2;
}

double regularized_beta(double x, double a, double b) {
  if (x <= 0) {
    return 0;
  }
  if (x >= 1) {
    return 1;
  }
  double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                          b * std::log1p(-x));
  // The fraction converges on one side of the mean; the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
  // covers the other.
  if (x < (a + 1) / (a + b + 2)) {
    return front * beta_fraction(x, a, b) / a;
  }
  return 1 - front * beta_fraction(1 - x, b, a) / b;
}

double regularized_gamma(double a, double x) {
  if (x <= 0) {
    return 0;
  }
  return x < a + 1 ? gamma_series(a, x) : 1 - gamma_fraction(a, x);
}

double student_t_cdf(double t, double df) {
  double tail = 0.5 * regularized_beta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

double chi_square_upper(double x, double df) {
  if (x <= 0) {
    return 1;
  }
  double a = df / 2;
  double half = x / 2;
  // The upper tail directly from the fraction keeps tiny p-values accurate.
  return half < a + 1 ? 1 - gamma_series(a, half) : gamma_fraction(a, half);
}

}  // namespace promptctl::stats
