// How `promptctl test` shows results to a person: failures in detail, a side-by-side table for
// a model matrix, and a summary line.
#pragma once

#include <vector>

#include "cli/output.hpp"
#include "promptctl/testing.hpp"

namespace promptctl::cli {

/// Prints each case that did not pass (and, with `all`, those that did) and the summary.
void print_test_report(const Output& out, const std::vector<CaseResult>& results,
                       const TestSummary& summary, bool all);

}  // namespace promptctl::cli
