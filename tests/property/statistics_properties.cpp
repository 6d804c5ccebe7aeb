// Invariants of the statistics: p-values are probabilities, symmetric tests are symmetric,
// intervals hold their point estimates, and the normal quantile inverts the distribution.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include "promptctl/statistics.hpp"

using namespace promptctl::stats;

namespace {

rc::Gen<std::vector<double>> sample() {
  return rc::gen::nonEmpty(rc::gen::container<std::vector<double>>(
      rc::gen::map(rc::gen::inRange(-500, 500), [](int v) { return v / 10.0; })));
}

bool probability(double p) {
  return p >= 0 && p <= 1;
}

RC_GTEST_PROP(StatisticsProperties, CountTestsAreSymmetricProbabilities, ()) {
  auto n1 = *rc::gen::inRange<std::int64_t>(1, 300);
  auto n2 = *rc::gen::inRange<std::int64_t>(1, 300);
  auto x1 = *rc::gen::inRange<std::int64_t>(0, n1 + 1);
  auto x2 = *rc::gen::inRange<std::int64_t>(0, n2 + 1);
  TestResult z = two_proportion_z(x1, n1, x2, n2);
  RC_ASSERT(probability(z.p_value));
  RC_ASSERT(std::fabs(z.p_value - two_proportion_z(x2, n2, x1, n1).p_value) < 1e-12);
  TestResult fisher = fisher_exact(x1, n1 - x1, x2, n2 - x2);
  RC_ASSERT(probability(fisher.p_value));
  RC_ASSERT(std::fabs(fisher.p_value - fisher_exact(x2, n2 - x2, x1, n1 - x1).p_value) < 1e-9);
  RC_ASSERT(std::fabs(fisher.p_value - fisher_exact(x1, x2, n1 - x1, n2 - x2).p_value) < 1e-9);
  auto a_only = *rc::gen::inRange<std::int64_t>(0, 200);
  auto b_only = *rc::gen::inRange<std::int64_t>(0, 200);
  TestResult mcnemar = exact_mcnemar(a_only, b_only, a_only + b_only + 5);
  RC_ASSERT(probability(mcnemar.p_value));
  RC_ASSERT(mcnemar.p_value == exact_mcnemar(b_only, a_only, a_only + b_only + 5).p_value);
}

RC_GTEST_PROP(StatisticsProperties, SampleTestsAreSymmetricProbabilities, ()) {
  std::vector<double> x = *sample();
  std::vector<double> y = *sample();
  TestResult welch = welch_t(x, y);
  RC_ASSERT(probability(welch.p_value));
  RC_ASSERT(std::fabs(welch.p_value - welch_t(y, x).p_value) < 1e-9);
  TestResult u = mann_whitney_u(x, y);
  RC_ASSERT(probability(u.p_value));
  RC_ASSERT(std::fabs(u.p_value - mann_whitney_u(y, x).p_value) < 1e-9);
  std::vector<double> negated;
  for (double v : x) {
    negated.push_back(-v);
  }
  TestResult w = wilcoxon_signed_rank(x);
  RC_ASSERT(probability(w.p_value));
  RC_ASSERT(std::fabs(w.p_value - wilcoxon_signed_rank(negated).p_value) < 1e-12);
  RC_ASSERT(std::fabs(w.effect + wilcoxon_signed_rank(negated).effect) < 1e-12);
}

RC_GTEST_PROP(StatisticsProperties, IntervalsHoldTheirEstimates, ()) {
  auto n = *rc::gen::inRange<std::int64_t>(1, 5000);
  auto successes = *rc::gen::inRange<std::int64_t>(0, n + 1);
  double confidence = *rc::gen::element(0.8, 0.9, 0.95, 0.99);
  Interval wilson = wilson_interval(successes, n, confidence);
  double rate = static_cast<double>(successes) / static_cast<double>(n);
  RC_ASSERT(wilson.low >= 0 && wilson.high <= 1);
  RC_ASSERT(wilson.contains(rate));
  RC_ASSERT(wilson.contains(wilson_interval(successes, n, confidence - 0.05).low));
  std::vector<double> values = *sample();
  Interval bootstrap = bootstrap_mean_interval(values, confidence, 500, 7);
  RC_ASSERT(bootstrap.low <= bootstrap.high);
  RC_ASSERT(bootstrap.low <= mean(values) + 1e-9 && mean(values) <= bootstrap.high + 1e-9);
  RC_ASSERT(bootstrap_mean_interval(values, confidence, 500, 7).low == bootstrap.low);
}

RC_GTEST_PROP(StatisticsProperties, TheNormalQuantileInvertsTheDistribution, ()) {
  // Beyond |z| = 6 the upper tail's probability is within a few ulps of 1, and no inverse can
  // recover z from it to this precision.
  double z = *rc::gen::inRange(-6000, 6000) / 1000.0;
  RC_ASSERT(std::fabs(normal_quantile(normal_cdf(z)) - z) < 1e-6);
  auto observed = *rc::gen::container<std::vector<std::int64_t>>(
      *rc::gen::inRange<size_t>(2, 6), rc::gen::inRange<std::int64_t>(0, 1000));
  std::vector<double> shares(observed.size(), 1.0);
  RC_ASSERT(probability(chi_square_fit(observed, shares).p_value));
}

}  // namespace
