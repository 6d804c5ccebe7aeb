// Prompt tests: assertions over a model's answer, the runner that renders every case, calls its
// model through the executor and grades the answers, and the reports CI systems read.
#pragma once

#include <atomic>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "promptctl/address.hpp"
#include "promptctl/assertions.hpp"
#include "promptctl/cache.hpp"
#include "promptctl/execute.hpp"
#include "promptctl/ledger.hpp"
#include "promptctl/lineage.hpp"
#include "promptctl/prompt.hpp"

namespace promptctl {

// ---- Running tests ------------------------------------------------------------------------

enum class CaseStatus { pass, fail, error };
[[nodiscard]] std::string_view to_string(CaseStatus status);

/// One graded case: a test of a prompt, for one dataset row, one repetition and one model.
struct CaseResult {
  std::string prompt;
  std::string revision;  ///< the revision tested, "" for the working tree
  std::string test;
  std::string file;  ///< where the test is written
  int line = 0;
  std::size_t row = 0;  ///< 1-based dataset row, 0 without a dataset
  int repetition = 1;
  std::string model;  ///< "provider/model" asked for
  CaseStatus status = CaseStatus::error;
  std::vector<AssertionResult> assertions;
  double score = 0;
  std::optional<double> threshold;
  std::string output;
  /// The tools the model called, each {"id", "name", "arguments"}.
  nlohmann::json tool_calls = nlohmann::json::array();
  nlohmann::json variables = nlohmann::json::object();
  std::optional<std::int64_t> run_id;
  double latency_ms = 0;
  std::optional<double> cost;
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
  bool cached = false;
  std::string error;  ///< why no verdict was reached
  /// A stop (Ctrl-C) left the case without its answer or a grade.
  bool stopped = false;
  /// Never sent: the run had reached its failure limit (`TestRunOptions::max_failures`).
  bool not_run = false;
  /// invalid_input when the test itself is broken (a render failure, a bad dataset), provider
  /// when the provider failed.
  ErrorKind error_kind = ErrorKind::provider;
  /// The same case at the baseline revision: "pass", "fail", "error", or "" when it was not
  /// there (or no baseline was run).
  std::string baseline;

  /// Identifies the case across revisions: prompt, test, row, repetition and model.
  [[nodiscard]] std::string key() const;
  /// "greets politely [row 2] (#3) <openai/gpt-4o>", leaving out what is 1-of-1.
  [[nodiscard]] std::string label(bool with_model) const;
  /// The label after the prompt's name: "support/reply: greets politely …".
  [[nodiscard]] std::string title(bool with_model) const {
    return prompt + ": " + label(with_model);
  }
  /// Passed at the baseline and does not pass now.
  [[nodiscard]] bool regressed() const { return baseline == "pass" && status != CaseStatus::pass; }
};

/// The prompts of one place (the working tree or a revision) with the settings found there.
struct TestSuite {
  std::string revision;  ///< "" for the working tree
  TestSettings settings;
  std::vector<ResolvedPrompt> prompts;
};

/// What to do with a named prompt that is not there.
enum class MissingPrompt { error, skip };

/// Loads `names` (every prompt that has tests when empty) from the working tree, or from
/// `revision` without a checkout; an environment's name as `revision` loads each prompt as
/// that environment pins it (every pinned prompt when `names` is empty). Throws `Error`: not_found
/// for an unknown revision, or an unknown prompt unless `missing` skips it; invalid_input for a
/// prompt with errors. With `among` and no `names`, the prompts with tests are looked for only
/// among those (a list of prompts that exist there), not among every prompt.
TestSuite load_test_suite(Workspace& workspace, const std::shared_ptr<const repo::Repository>& repo,
                          const std::string& revision, const std::vector<std::string>& names,
                          MissingPrompt missing = MissingPrompt::error,
                          const std::vector<std::string>* among = nullptr);

/// Keeps only the tests whose name holds one of `patterns` (ignoring case), and the prompts that
/// still have tests. No patterns: keeps everything.
void keep_tests_matching(TestSuite& suite, const std::vector<std::string>& patterns);

/// Keeps only the suite's prompts whose tests may give another answer than at `since`: their
/// file or tests file changed, a partial they use changed, a file they or their tests read
/// changed, the judge prompt changed (for prompts with llm-rubric), or promptctl.yaml changed
/// (every prompt then). Compares `since` with the suite's revision (the working tree when
/// empty).
void keep_changed_since(TestSuite& suite, Workspace& workspace,
                        const std::shared_ptr<const repo::Repository>& repo,
                        const std::string& since);

/// The prompts `keep_changed_since` could keep, found without loading every prompt: when only
/// prompt files changed (not promptctl.yaml, the judge prompt or another file), the changed
/// prompts and those whose content identity (from the identity cache under the git directory)
/// uses a changed partial. Nothing when every prompt has to be loaded to tell, and for an
/// environment as `revision`.
std::optional<std::vector<std::string>> prompts_touched_since(
    Workspace& workspace, const std::shared_ptr<const repo::Repository>& repo,
    const std::string& revision, const std::string& since);

struct TestRunOptions {
  std::size_t jobs = 8;
  /// Runs each case this many times more than it asks for itself.
  int repeat = 1;
  /// A matrix of models, each "provider/model" or a model name: the suite runs once for each.
  /// Empty: each case's own model.
  std::vector<std::string> models;
  /// A matrix of providers: with `models`, every pairing; alone, each case's model on each.
  std::vector<std::string> providers;
  CacheMode cache = CacheMode::automatic;
  bool verbose = false;
  /// The environment label of the runs in the ledger.
  std::string environment = "test";
  /// When this becomes true (Ctrl-C), no further call starts and the calls under way finish;
  /// cases left without an answer or a grade end as errors saying so. Null: never stops.
  const std::atomic<bool>* stop = nullptr;
  /// Once this many cases have failed or ended in an error, no further call starts; the calls
  /// under way finish and are graded, and the cases never sent come back `not_run`. A case
  /// counts when its call fails or an assertion decided by the answer alone fails it; judged
  /// and embedded assertions are graded after every answer is in. 0: no limit.
  std::size_t max_failures = 0;
  /// Each call to a model (answers and judges) is a span of this tracer. Null: no spans.
  telemetry::Tracer* tracer = nullptr;
};

struct TestEvents {
  /// Another call finished: `done` of `total` so far (answers first, then judges).
  std::function<void(std::size_t done, std::size_t total)> on_progress;
  /// A retry, a fallback, or a request or response with --verbose.
  std::function<void(const std::string& notice)> on_notice;
};

/// A comparison's cases: those both variants have, in pairs, and those only one has.
struct PairedResults {
  std::vector<CaseResult> a;  ///< A's side of each pair, in written order
  std::vector<CaseResult> b;  ///< B's side: b[i] pairs with a[i]
  /// Cases one variant has and the other lacks, never run: a test that cannot run on that
  /// side carries its error, a row the other side lacks none.
  std::vector<CaseResult> only_a;
  std::vector<CaseResult> only_b;
};

/// Runs suites through the executor: every call is cached by the usual rules and, with a
/// ledger, recorded there.
class TestRunner {
 public:
  /// `cache` and `ledger` may be null; runs the ledger fails to take go to the spool in
  /// `spool` (`RunRecorder`).
  TestRunner(const std::map<std::string, ProviderSettings>& providers, const ResponseCache* cache,
             Ledger* ledger, std::filesystem::path spool)
      : m_providers(providers), m_cache(cache), m_ledger(ledger), m_spool(std::move(spool)) {}

  /// Every case of `suite`, graded, in the order the tests are written (prompt by prompt,
  /// then model by model for a matrix).
  std::vector<CaseResult> run(TestSuite& suite, const repo::Repository* repository,
                              const TestRunOptions& options, const TestEvents& events) const;

  /// Two suites over the same tests as one batch, for a comparison. Cases pair up by test,
  /// dataset row and repetition; the two of a pair are queued side by side, which first
  /// decided by a coin drawn from `seed`, and all share the executor's connections and
  /// concurrency, so that warm-up, time and provider drift fall on both alike. A case that
  /// only one side has (a dataset with other rows there, a test that cannot run there) is not
  /// run. Jobs, cache and judges follow `a_options` and `a`'s settings.
  PairedResults run_interleaved(TestSuite& a, const TestRunOptions& a_options, TestSuite& b,
                                const TestRunOptions& b_options, const repo::Repository* repository,
                                std::uint64_t seed, const TestEvents& events) const;

 private:
  const std::map<std::string, ProviderSettings>& m_providers;
  const ResponseCache* m_cache;
  Ledger* m_ledger;
  std::filesystem::path m_spool;
};

/// Fills each case's `baseline` from the same case in `baseline`.
void compare_with_baseline(std::vector<CaseResult>& current,
                           const std::vector<CaseResult>& baseline);

/// Regressions first, then other failures, then errors, then passes; stable otherwise.
void order_for_report(std::vector<CaseResult>& results);

struct TestSummary {
  std::size_t total = 0;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::size_t errors = 0;
  std::size_t regressions = 0;
  /// Errors caused by the tests themselves rather than by a provider.
  std::size_t input_errors = 0;
  std::int64_t started_ms = 0;  ///< when the run began, milliseconds since the epoch
  double duration_ms = 0;
  std::optional<double> cost;  ///< summed over the cases that know theirs
};
TestSummary summarize(const std::vector<CaseResult>& results, std::int64_t started_ms,
                      double duration_ms);

// ---- Reports ------------------------------------------------------------------------------

/// {"summary": {...}, "results": [...]}: the shape `test --format json` prints.
nlohmann::json json_report(const std::vector<CaseResult>& results, const TestSummary& summary);
/// JUnit XML: one <testsuite> per prompt, one <testcase> per case; failures and errors with
/// the assertion, expected value and answer.
std::string junit_report(const std::vector<CaseResult>& results, const TestSummary& summary);
/// TAP version 14.
std::string tap_report(const std::vector<CaseResult>& results);
/// GitHub Actions workflow commands: an ::error annotation at the test's file and line for each
/// failure and error, then a ::notice with the summary.
std::string github_report(const std::vector<CaseResult>& results, const TestSummary& summary);

}  // namespace promptctl
