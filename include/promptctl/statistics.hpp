// Statistics for comparing prompt versions and experiment variants: intervals, paired and
// two-sample tests, sample-ratio checks, detectable effects and anytime-valid sequential
// inference. Pure computation, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace promptctl::stats {

/// A two-sided interval.
struct Interval {
  double low = 0;
  double high = 0;
  [[nodiscard]] bool contains(double value) const { return low <= value && value <= high; }
};

/// The outcome of a hypothesis test. `effect` is the test's own effect size, named in
/// `effect_name`.
struct TestResult {
  std::string method;
  double statistic = 0;
  double p_value = 1;
  double effect = 0;
  std::string effect_name;
  double degrees_of_freedom = 0;  ///< for t and chi-square statistics; 0 otherwise
};

// ---- distributions ----------------------------------------------------------------------------

/// P(Z <= z) for a standard normal Z.
double normal_cdf(double z);
/// The z with P(Z <= z) = p, for 0 < p < 1.
double normal_quantile(double p);
/// The regularized incomplete beta function I_x(a, b), for 0 <= x <= 1 and a, b > 0.
double regularized_beta(double x, double a, double b);
/// The regularized lower incomplete gamma function P(a, x), for a > 0 and x >= 0.
double regularized_gamma(double a, double x);
/// P(T <= t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole).
double student_t_cdf(double t, double df);
/// P(X >= x) for a chi-square X with `df` degrees of freedom.
double chi_square_upper(double x, double df);

// ---- descriptive ------------------------------------------------------------------------------

double mean(const std::vector<double>& values);
/// The sample variance (n - 1 in the denominator); 0 for fewer than two values.
double sample_variance(const std::vector<double>& values);
/// The linearly interpolated quantile q (0 to 1) of `values`; 0 for none.
double quantile(std::vector<double> values, double q);

// ---- intervals --------------------------------------------------------------------------------

/// The Wilson score interval for a proportion (successes of n) at `confidence`.
Interval wilson_interval(std::int64_t successes, std::int64_t n, double confidence = 0.95);

/// The percentile bootstrap interval of `statistic` over `values`, with `resamples` drawn from
/// a generator seeded with `seed`, so the same inputs give the same interval.
Interval bootstrap_mean_interval(const std::vector<double>& values, double confidence = 0.95,
                                 int resamples = 2000, std::uint64_t seed = 1);

/// The paired bootstrap interval of mean(b - a) over pairs (a[i], b[i]).
Interval paired_bootstrap_interval(const std::vector<double>& a, const std::vector<double>& b,
                                   double confidence = 0.95, int resamples = 2000,
                                   std::uint64_t seed = 1);

// ---- paired tests (the same inputs under A and B) ---------------------------------------------

/// The exact sign (binomial) test of discordant pairs, which is McNemar's test done exactly:
/// `a_only` pairs passed under A and failed under B, `b_only` the other way. Two-sided. The
/// effect is the difference in pass rates (b_only - a_only) / pairs.
TestResult exact_mcnemar(std::int64_t a_only, std::int64_t b_only, std::int64_t pairs);

/// The Wilcoxon signed-rank test of paired differences (B - A), two-sided: exact for up to 50
/// non-zero differences without ties, else the normal approximation with tie and continuity
/// corrections. Zero differences are dropped. The statistic is min(W+, W-); the effect is the
/// matched-pairs rank-biserial correlation (W+ - W-) / (W+ + W-).
TestResult wilcoxon_signed_rank(const std::vector<double>& differences);

// ---- two-sample tests (independent groups) ----------------------------------------------------

/// The two-proportion z-test (pooled), two-sided; the effect is p2 - p1.
TestResult two_proportion_z(std::int64_t x1, std::int64_t n1, std::int64_t x2, std::int64_t n2);

/// Fisher's exact test of the 2x2 table [[a, b], [c, d]], two-sided (tables no more likely
/// than the observed one); the effect is the odds ratio (ad)/(bc), infinite when bc = 0.
TestResult fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d);

/// Welch's t-test of mean(y) - mean(x), two-sided, with Welch–Satterthwaite degrees of
/// freedom. The effect is Cohen's d over the root mean of the two variances.
TestResult welch_t(const std::vector<double>& x, const std::vector<double>& y);

/// The Mann–Whitney U test, two-sided, normal approximation with tie and continuity
/// corrections. The statistic is U of `x`; the effect is the rank-biserial correlation
/// 1 - 2U/(n1 n2) (positive when y tends to be larger).
TestResult mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y);

/// Pearson's chi-square goodness of fit of `observed` counts against `expected_shares`
/// (which need not sum to 1; they are normalised). The effect is Cohen's w.
TestResult chi_square_fit(const std::vector<std::int64_t>& observed,
                          const std::vector<double>& expected_shares);

// ---- planning ---------------------------------------------------------------------------------

/// The smallest difference in proportions a two-sided test at `alpha` detects with `power`,
/// around a baseline rate `p`, with groups of n1 and n2.
double detectable_proportion_difference(double p, std::int64_t n1, std::int64_t n2,
                                        double alpha = 0.05, double power = 0.8);

/// The same for a difference in means, with standard deviations sd1 and sd2.
double detectable_mean_difference(double sd1, double sd2, std::int64_t n1, std::int64_t n2,
                                  double alpha = 0.05, double power = 0.8);

// ---- anytime-valid inference ------------------------------------------------------------------

/// A difference of means (B minus A) followed as observations arrive, with inference that stays
/// valid however often it is looked at: the mixture sequential probability ratio test (mSPRT)
/// of Johari, Pekelis and Walsh ("Always Valid Inference"), with a normal mixture over the
/// standardized effect. After each observation the mixture likelihood ratio is
///   L = sqrt(V / (V + t2)) * exp(t2 * d^2 / (2 V (V + t2)))
/// where d is the observed difference, V its variance and t2 the mixing variance (the squared
/// mixing standard deviation times the pooled variance of one observation). The p-value is the
/// smallest 1/L over every look so far, and the interval the latest look's confidence
/// sequence; stopping whenever p < alpha keeps the false-positive rate at alpha. Variances are
/// estimated from the data (exact in the limit), so the first look waits until each arm has
/// `k_first_look` observations.
class SequentialDifference {
 public:
  static constexpr std::int64_t k_first_look = 10;

  /// `binary`: the observations are 0 or 1, and each arm's variance comes from its
  /// Agresti–Coull rate, which is never 0. `mixing_sd`: the effect sizes, in standard deviations
  /// of one observation, the test is most sensitive to.
  SequentialDifference(double alpha, bool binary, double mixing_sd = 0.1);

  /// One more observation, to B (`to_b`) or A, and a look at the data.
  void add(bool to_b, double value);

  [[nodiscard]] double p_value() const { return m_p_value; }
  /// The confidence sequence for B − A at 1 − alpha at the latest look; all reals before the
  /// first.
  [[nodiscard]] Interval interval() const { return m_interval; }
  [[nodiscard]] double difference() const { return m_b.mean - m_a.mean; }
  [[nodiscard]] std::int64_t count_a() const { return m_a.count; }
  [[nodiscard]] std::int64_t count_b() const { return m_b.count; }

 private:
  // Welford's running mean and sum of squared deviations.
  struct Arm {
    std::int64_t count = 0;
    double mean = 0;
    double squares = 0;
    void add(double value);
  };
  [[nodiscard]] double variance_of(const Arm& arm) const;
  void look();

  double m_alpha;
  bool m_binary;
  double m_mixing_sd;
  Arm m_a;
  Arm m_b;
  double m_p_value = 1;
  Interval m_interval;
};

}  // namespace promptctl::stats
