// Sticky assignment: the same key always gets the same variant, points are in [0, 1), and over
// 100,000 keys the split follows the weights.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>

#include "promptctl/experiments.hpp"

using namespace promptctl;

namespace {

Experiment experiment_with(const std::vector<double>& weights) {
  Experiment experiment;
  experiment.name = "e";
  experiment.prompt = "p";
  for (size_t i = 0; i < weights.size(); ++i) {
    experiment.variants.push_back({"v" + std::to_string(i), "", "", weights[i], {}});
  }
  experiment.metrics = {"success_rate"};
  return experiment;
}

RC_GTEST_PROP(ExperimentProperties, AssignmentIsStableAndInRange, (const std::string& key)) {
  double point = assignment_point("exp", key);
  RC_ASSERT(point >= 0);
  RC_ASSERT(point < 1);
  RC_ASSERT(point == assignment_point("exp", key));
  Experiment experiment = experiment_with({10, 30, 60});
  RC_ASSERT(assign_variant(experiment, key).name == assign_variant(experiment, key).name);
}

TEST(ExperimentAssignment, TheSplitFollowsTheWeightsOver100000Keys) {
  for (const std::vector<double>& weights :
       {std::vector<double>{50, 50}, std::vector<double>{10, 30, 60}, std::vector<double>{1, 99}}) {
    Experiment experiment = experiment_with(weights);
    std::map<std::string, int> counts;
    const int keys = 100000;
    for (int i = 0; i < keys; ++i) {
      ++counts[assign_variant(experiment, "user-" + std::to_string(i)).name];
    }
    for (size_t i = 0; i < weights.size(); ++i) {
      double share = counts["v" + std::to_string(i)] / static_cast<double>(keys);
      double expected = weights[i] / 100;
      // Five binomial standard deviations: a correct split fails this about once in 3 million.
      double tolerance = 5 * std::sqrt(expected * (1 - expected) / keys);
      EXPECT_NEAR(share, expected, tolerance) << "variant " << i;
    }
  }
}

TEST(ExperimentAssignment, ExperimentsSplitIndependently) {
  // The same keys fall into the two halves of two experiments independently: about a quarter
  // of them in each combination.
  Experiment first = experiment_with({50, 50});
  Experiment second = experiment_with({50, 50});
  second.name = "other";
  int both = 0;
  const int keys = 100000;
  for (int i = 0; i < keys; ++i) {
    std::string key = "k" + std::to_string(i);
    both += assign_variant(first, key).name == "v0" && assign_variant(second, key).name == "v0";
  }
  EXPECT_NEAR(both / static_cast<double>(keys), 0.25, 5 * std::sqrt(0.25 * 0.75 / keys));
}

}  // namespace
