#include <gtest/gtest.h>

#include "promptctl/experiments.hpp"
#include "promptctl/ledger.hpp"
#include "support/temp_dir.hpp"

using namespace promptctl;

// With every run of both arms successful the observed rate's variance is 0; the detectable
// difference must still say how small a difference this sample could have shown.
TEST(ExperimentReport, TheDetectableDifferenceIsNeverZero) {
  promptctl::testing::TempDir dir;
  Ledger ledger = Ledger::open(dir.path() / "ledger.db");
  for (const char* variant : {"control", "short"}) {
    for (int i = 0; i < 100; ++i) {
      RunRecord run;
      run.prompt = "p";
      run.experiment = "tone";
      run.variant = variant;
      run.attempts = 1;
      ledger.record(run);
    }
  }
  Experiment experiment;
  experiment.name = "tone";
  experiment.prompt = "p";
  experiment.variants = {{"control", "", "", 50, {}}, {"short", "", "", 50, {}}};
  experiment.metrics = {"success_rate"};
  ExperimentReport report = experiment_report(experiment, ledger);
  ASSERT_EQ(report.variants.size(), 2U);
  const VariantMetric& rate = report.variants[1].metrics.front();
  ASSERT_TRUE(rate.detectable);
  EXPECT_GT(*rate.detectable, 0.02);
  EXPECT_LT(*rate.detectable, 0.2);
}
