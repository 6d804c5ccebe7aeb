// The sequential test by simulation: experiments read every day for 30 days, under no
// difference (false positives at most alpha) and under a real one (the power it has).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "promptctl/statistics.hpp"

namespace promptctl::stats {
namespace {

constexpr double k_alpha = 0.05;
constexpr int k_days = 30;
constexpr int k_runs_per_day = 80;  // both arms together, each run to either by a fair coin

// The binomial standard error of a rate estimated from `trials` experiments.
double standard_error(double rate, int trials) {
  return std::sqrt(rate * (1 - rate) / trials);
}

struct Peeking {
  int sequential = 0;  // experiments where the always-valid p fell below alpha
  int fixed = 0;       // experiments where a daily fixed-horizon test did
};

// Runs `trials` simulated experiments in which A succeeds with rate `a` and B with rate `b`,
// looking at the end of every day.
Peeking simulate_rates(double a, double b, int trials, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::bernoulli_distribution coin(0.5);
  std::bernoulli_distribution success_a(a);
  std::bernoulli_distribution success_b(b);
  Peeking out;
  for (int trial = 0; trial < trials; ++trial) {
    SequentialDifference test(k_alpha, true);
    std::int64_t n[2] = {0, 0};
    std::int64_t x[2] = {0, 0};
    bool fixed_rejected = false;
    for (int day = 0; day < k_days; ++day) {
      for (int run = 0; run < k_runs_per_day; ++run) {
        bool to_b = coin(random);
        bool ok = to_b ? success_b(random) : success_a(random);
        test.add(to_b, ok ? 1 : 0);
        ++n[to_b];
        x[to_b] += ok;
      }
      fixed_rejected = fixed_rejected || two_proportion_z(x[0], n[0], x[1], n[1]).p_value < k_alpha;
    }
    out.sequential += test.p_value() < k_alpha;
    out.fixed += fixed_rejected;
  }
  return out;
}

TEST(SequentialDifference, DailyPeekingAtNoDifferenceStaysAtAlpha) {
  constexpr int k_trials = 2000;
  Peeking null = simulate_rates(0.3, 0.3, k_trials, 20261203);
  double sequential = static_cast<double>(null.sequential) / k_trials;
  double fixed = static_cast<double>(null.fixed) / k_trials;
  RecordProperty("sequential_false_positive_rate", std::to_string(sequential));
  RecordProperty("fixed_horizon_peeking_false_positive_rate", std::to_string(fixed));
  EXPECT_LE(sequential, k_alpha + 3 * standard_error(k_alpha, k_trials));
  // The simulation can see what peeking does: the fixed-horizon test read daily is wrong far
  // more often than alpha.
  EXPECT_GT(fixed, 2 * k_alpha);
}

TEST(SequentialDifference, ARealDifferenceIsFoundAndItsIntervalCoversIt) {
  constexpr int k_trials = 500;
  Peeking real = simulate_rates(0.30, 0.36, k_trials, 7);
  double power = static_cast<double>(real.sequential) / k_trials;
  RecordProperty("sequential_power_0.30_vs_0.36_2400_runs", std::to_string(power));
  EXPECT_GT(power, 0.5);
  EXPECT_LE(real.sequential, real.fixed) << "peeking at a fixed-horizon test finds more";
}

TEST(SequentialDifference, MeansOfSkewedSamplesStayAtAlpha) {
  constexpr int k_trials = 1000;
  std::mt19937_64 random(42);
  std::bernoulli_distribution coin(0.5);
  std::lognormal_distribution<double> latency(6.0, 0.6);  // like a model's latency in ms
  int rejected = 0;
  for (int trial = 0; trial < k_trials; ++trial) {
    SequentialDifference test(k_alpha, false);
    for (int run = 0; run < k_days * k_runs_per_day; ++run) {
      bool to_b = coin(random);
      test.add(to_b, latency(random));
    }
    rejected += test.p_value() < k_alpha;
    EXPECT_TRUE(test.interval().low <= test.interval().high);
  }
  EXPECT_LE(static_cast<double>(rejected) / k_trials,
            k_alpha + 3 * standard_error(k_alpha, k_trials));
}

TEST(SequentialDifference, NothingIsConcludedBeforeEachArmHasAFewRuns) {
  SequentialDifference test(k_alpha, false);
  for (int i = 0; i < SequentialDifference::k_first_look; ++i) {
    test.add(false, 1.0 + i % 2);
    if (i + 1 < SequentialDifference::k_first_look) {
      test.add(true, 100.0 + i % 2);
    }
  }
  EXPECT_EQ(test.p_value(), 1.0);
  EXPECT_TRUE(std::isinf(test.interval().low));
  test.add(true, 101.0);
  EXPECT_LT(test.p_value(), k_alpha);
  EXPECT_TRUE(test.interval().contains(test.difference()));
  EXPECT_GT(test.interval().low, 0);
  // Rates of 0% and 100%: a variance of 0 would make any difference certain.
  SequentialDifference rates(k_alpha, true);
  for (int i = 0; i < SequentialDifference::k_first_look; ++i) {
    rates.add(false, 0);
    rates.add(true, 0);
  }
  rates.add(true, 1);
  EXPECT_GT(rates.p_value(), k_alpha);
  EXPECT_TRUE(rates.interval().contains(rates.difference()));
}

// One slow call among fast ones after the first look: the interval moves with the estimate
// instead of staying where the first, too confident, looks put it.
TEST(SequentialDifference, TheIntervalAlwaysHoldsTheEstimate) {
  SequentialDifference test(k_alpha, false);
  for (int i = 0; i < 40; ++i) {
    test.add(false, 6.0 + 0.01 * (i % 3));
    test.add(true, 6.0 + 0.01 * ((i + 1) % 3));
    if (i == 20) {
      test.add(false, 400.0);
    }
    ASSERT_TRUE(test.interval().contains(test.difference())) << i;
  }
}

}  // namespace
}  // namespace promptctl::stats
