// The statistics against published values: textbook and reference examples with their exact
// p-values and intervals, and closed forms of the distributions.
#include <gtest/gtest.h>

#include <cmath>

#include "promptctl/statistics.hpp"

using namespace promptctl::stats;

namespace {

TEST(Distributions, MatchClosedFormsAndTables) {
  EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-12);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9);
  EXPECT_NEAR(normal_quantile(0.8), 0.8416212335729143, 1e-9);
  // I_x(a, b) = P(Binomial(a + b - 1, x) >= a): I_0.5(2, 3) = P(Bin(4, 1/2) >= 2) = 11/16.
  EXPECT_NEAR(regularized_beta(0.5, 2, 3), 11.0 / 16, 1e-12);
  EXPECT_NEAR(regularized_beta(0.9, 2, 3), 1 - std::pow(0.1, 4) - 4 * 0.9 * std::pow(0.1, 3),
              1e-12);
  EXPECT_NEAR(regularized_gamma(1, 2.5), 1 - std::exp(-2.5), 1e-12);
  EXPECT_NEAR(regularized_gamma(3, 40), 1, 1e-12);
  // Student's t with one degree of freedom is the Cauchy distribution.
  EXPECT_NEAR(student_t_cdf(1, 1), 0.75, 1e-12);
  EXPECT_NEAR(student_t_cdf(-1, 1), 0.25, 1e-12);
  // Table values: t(0.975; 10) = 2.228139, t(0.975; 30) = 2.042272.
  EXPECT_NEAR(student_t_cdf(2.228139, 10), 0.975, 1e-6);
  EXPECT_NEAR(student_t_cdf(2.042272, 30), 0.975, 1e-6);
  // Chi-square critical values at 0.05, and the exponential case df = 2.
  EXPECT_NEAR(chi_square_upper(3.841459, 1), 0.05, 1e-6);
  EXPECT_NEAR(chi_square_upper(5.991465, 2), 0.05, 1e-6);
  EXPECT_NEAR(chi_square_upper(18.307038, 10), 0.05, 1e-6);
  EXPECT_NEAR(chi_square_upper(2, 2), std::exp(-1), 1e-12);
  EXPECT_NEAR(chi_square_upper(200, 1), 2.0884875837625446e-45, 1e-50) << "tiny tails stay exact";
}

TEST(Intervals, WilsonMatchesNewcombe1998) {
  // Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 -> 0.2553 to 0.3662.
  Interval interval = wilson_interval(81, 263);
  EXPECT_NEAR(interval.low, 0.2553, 5e-5);
  EXPECT_NEAR(interval.high, 0.3662, 5e-5);
  // 0/10: from 0 to z^2 / (n + z^2).
  double z2 = std::pow(1.959963984540054, 2);
  interval = wilson_interval(0, 10);
  EXPECT_EQ(interval.low, 0);
  EXPECT_NEAR(interval.high, z2 / (10 + z2), 1e-9);
  interval = wilson_interval(10, 10);
  EXPECT_EQ(interval.high, 1);
}

TEST(PairedTests, ExactMcNemarIsTheBinomialSignTest) {
  // One discordant pair one way and nine the other: 2 * (1 + 10) / 2^10.
  TestResult result = exact_mcnemar(1, 9, 40);
  EXPECT_DOUBLE_EQ(result.p_value, 22.0 / 1024);
  EXPECT_DOUBLE_EQ(result.effect, 8.0 / 40);
  EXPECT_EQ(exact_mcnemar(0, 0, 10).p_value, 1);
  EXPECT_EQ(exact_mcnemar(5, 5, 10).p_value, 1);
  EXPECT_LT(exact_mcnemar(0, 3000, 3000).p_value, 1e-300) << "large counts stay finite";
}

TEST(PairedTests, WilcoxonMatchesTheReferenceExample) {
  // The signed-rank example of SciPy's documentation (from Hollander and Wolfe): W = 24,
  // exact two-sided p = 0.041259765625.
  std::vector<double> d = {6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75};
  TestResult result = wilcoxon_signed_rank(d);
  EXPECT_EQ(result.statistic, 24);
  EXPECT_DOUBLE_EQ(result.p_value, 0.041259765625);
  EXPECT_NEAR(result.effect, (96.0 - 24.0) / 120.0, 1e-12);
  // With ties the normal approximation applies; zeros are dropped.
  TestResult tied = wilcoxon_signed_rank({1, 1, 1, 2, 2, -1, 0, 0, 3, 3, 3, 3});
  EXPECT_NE(tied.method.find("normal"), std::string::npos);
  EXPECT_GT(tied.p_value, 0);
  EXPECT_LT(tied.p_value, 0.05);
}

TEST(TwoSampleTests, FisherMatchesTheTeaTastingExperiment) {
  // Fisher's lady tasting tea: [[3, 1], [1, 3]], two-sided p = 34/70.
  TestResult result = fisher_exact(3, 1, 1, 3);
  EXPECT_NEAR(result.p_value, 34.0 / 70, 1e-12);
  EXPECT_DOUBLE_EQ(result.effect, 9);
  EXPECT_NEAR(fisher_exact(4, 0, 0, 4).p_value, 2.0 / 70, 1e-12);
}

TEST(TwoSampleTests, WelchMatchesTheReferenceExample) {
  // Welch's t-test, example 1 of the Wikipedia article: t = -2.46, df = 25.0, p = 0.021
  // for A1 against A2 (here mean(A2) - mean(A1), so t is positive).
  std::vector<double> a1 = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                            21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  std::vector<double> a2 = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                            24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  TestResult result = welch_t(a1, a2);
  EXPECT_NEAR(result.statistic, 2.46, 0.005);
  EXPECT_NEAR(result.degrees_of_freedom, 25.0, 0.05);
  EXPECT_NEAR(result.p_value, 0.021, 0.0005);
}

TEST(TwoSampleTests, ProportionsAgreeWithTheChiSquareOfTheTable) {
  // The pooled z-test is the 2x2 chi-square test without correction: z^2 = chi^2 on 1 df.
  TestResult z = two_proportion_z(45, 100, 60, 100);
  EXPECT_NEAR(z.statistic, 0.15 / std::sqrt(0.525 * 0.475 * 0.02), 1e-12);
  EXPECT_NEAR(z.p_value, chi_square_upper(z.statistic * z.statistic, 1), 1e-12);
  EXPECT_NEAR(z.p_value, 0.03367, 5e-5);
  EXPECT_DOUBLE_EQ(z.effect, 0.15);
  EXPECT_EQ(two_proportion_z(10, 10, 20, 20).p_value, 1);
}

TEST(TwoSampleTests, MannWhitneyMatchesTheNormalApproximation) {
  // Complete separation of 3 and 3: U = 0; mean 4.5, variance 5.25, continuity-corrected
  // z = 4 / sqrt(5.25).
  TestResult result = mann_whitney_u({1, 2, 3}, {4, 5, 6});
  EXPECT_EQ(result.statistic, 0);
  EXPECT_NEAR(result.p_value, 2 * (1 - normal_cdf(4 / std::sqrt(5.25))), 1e-12);
  EXPECT_NEAR(result.p_value, 0.0809, 5e-5);
  EXPECT_EQ(result.effect, 1);
}

TEST(SampleRatio, ChiSquareFitFlagsAnUnevenSplit) {
  TestResult even = chi_square_fit({5000, 5100}, {50, 50});
  EXPECT_NEAR(even.statistic, 2 * 50.0 * 50.0 / 5050, 1e-9);
  EXPECT_NEAR(even.p_value, 0.3197, 5e-5);
  TestResult skewed = chi_square_fit({5000, 5400}, {0.5, 0.5});
  EXPECT_LT(skewed.p_value, 0.001);
  EXPECT_EQ(chi_square_fit({90, 10}, {90, 10}).p_value, 1);
}

TEST(Planning, DetectableEffects) {
  // (z_0.975 + z_0.8) * sqrt(p (1 - p) (1/n1 + 1/n2)) at p = 0.5, n = 1000 each.
  EXPECT_NEAR(detectable_proportion_difference(0.5, 1000, 1000),
              (1.959963984540054 + 0.8416212335729143) * std::sqrt(0.25 * 0.002), 1e-9);
  EXPECT_NEAR(detectable_mean_difference(10, 10, 100, 100),
              (1.959963984540054 + 0.8416212335729143) * std::sqrt(2.0), 1e-9);
}

TEST(Descriptive, QuantilesInterpolate) {
  EXPECT_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_EQ(quantile({1, 2, 3, 4, 5}, 0.95), 4.8);
  EXPECT_EQ(sample_variance({2, 4, 4, 4, 5, 5, 7, 9}), 32.0 / 7);
}

}  // namespace
