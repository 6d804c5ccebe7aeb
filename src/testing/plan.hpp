// Turning a suite into the calls to make: every case rendered with its variables, its model
// chosen, and its assertions gathered.
#pragma once

#include <vector>

#include "promptctl/testing.hpp"

namespace promptctl::testing_detail {

/// One case to run. `result` holds its identity; `chain` is empty when it could not be
/// planned (then `result` already says why).
struct PlannedCase {
  CaseResult result;
  std::vector<Assertion> assertions;
  std::vector<ChatRequest> chain;
  Lineage lineage;
  PromptSource* source = nullptr;
  /// What the user asked, for a judge: the rendered non-system messages.
  std::string request_text;
  Observation observation;
  bool answered = false;
};

/// Every case of `suite`, in the order they are written: prompt by prompt, test by test, row by
/// row, then model by model and repetition by repetition.
std::vector<PlannedCase> plan_suite(TestSuite& suite, const repo::Repository* repository,
                                    const TestRunOptions& options,
                                    const std::map<std::string, ProviderSettings>& providers);

}  // namespace promptctl::testing_detail
