// Running a suite: answers from the models first, then embeddings and judges for the
// assertions that need them, then a verdict for every case.
#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <tuple>

#include "promptctl/history.hpp"
#include "promptctl/render.hpp"
#include "testing/plan.hpp"
#include "testing/suite_trace.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

constexpr auto k_commit_interval = std::chrono::milliseconds(50);

using nlohmann::json;
using testing_detail::PlannedCase;

constexpr const char* k_stopped_before_grading = "not graded: the run was stopped";

// A judge prompt, loaded once per place it is read from.
struct Judge {
  std::shared_ptr<Prompt> prompt;  // null when it could not be loaded
  std::string error;
  std::string content_hash;
  bool names_model = false;  // the judge prompt chooses its own model
};

// A judge call to make: which case and assertion it grades.
struct JudgeCall {
  std::size_t case_index;
  std::size_t assertion_index;
  Lineage lineage;
  json variables;
};

class SuiteRun {
 public:
  SuiteRun(TestSuite& suite, const std::map<std::string, ProviderSettings>& providers,
           const ResponseCache* cache, Ledger* ledger, const std::filesystem::path& spool,
           const TestRunOptions& options, const TestEvents& events)
      : m_suite(suite),
        m_providers(providers),
        m_cache(cache),
        m_options(options),
        m_events(events) {
    if (ledger) {
      m_recorder.emplace(ledger, spool, Grouping::in_groups);
      m_recorder->on_failure([this] { notice(util::visible(m_recorder->failure_text())); });
    }
  }

  std::vector<CaseResult> run(std::vector<PlannedCase> cases) {
    m_cases = std::move(cases);
    m_trace.emplace(m_options.tracer, m_cases);
    answer();
    embed();
    judge();
    for (PlannedCase& planned : m_cases) {
      decide(planned);
    }
    m_trace->finish(m_cases);
    if (m_recorder && m_recorder->failure()) {
      notice(m_recorder->unrecorded_text() + "; " + m_recorder->where_kept_text());
    }
    std::vector<CaseResult> results;
    results.reserve(m_cases.size());
    for (PlannedCase& planned : m_cases) {
      results.push_back(std::move(planned.result));
    }
    return results;
  }

 private:
  ExecutionOptions execution_options() const {
    ExecutionOptions options;
    options.parallel = m_options.jobs;
    options.cache = m_options.cache;
    options.verbose = m_options.verbose;
    options.stop = m_options.stop;
    options.enough = &m_enough;
    options.check_output_schema = false;  // each case checks it as an assertion
    options.tracer = m_options.tracer;
    return options;
  }

  // A case that failed or erred, towards the failure limit.
  void count_failure() {
    if (m_options.max_failures > 0 && ++m_failures >= m_options.max_failures) {
      m_enough = true;
    }
  }

  // Whether a case already fails on what the answer alone decides: its call failed, or, with
  // every assertion graded, its verdict is not a pass; or, without a threshold, one assertion
  // that counts failed.
  bool fails_on_the_answer(const PlannedCase& planned) const {
    if (!planned.answered) {
      return true;
    }
    bool all_graded = std::none_of(planned.assertions.begin(), planned.assertions.end(),
                                   [](const Assertion& assertion) {
                                     return needs_embedding(assertion) || needs_judge(assertion);
                                   });
    if (all_graded) {
      return verdict_of(planned.result.assertions, planned.result.threshold).status !=
             CaseStatus::pass;
    }
    if (planned.result.threshold) {
      return false;
    }
    for (std::size_t i = 0; i < planned.assertions.size(); ++i) {
      const AssertionResult& graded = planned.result.assertions[i];
      bool local = !needs_embedding(planned.assertions[i]) && !needs_judge(planned.assertions[i]);
      if (local && !graded.pass && graded.weight != 0) {
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool stopped() const { return m_options.stop && m_options.stop->load(); }

  // After a stop: the assertions that `needs` another call are left without a verdict.
  void leave_ungraded(bool (*needs)(const Assertion&)) {
    for (PlannedCase& planned : m_cases) {
      for (std::size_t a = 0; planned.answered && a < planned.assertions.size(); ++a) {
        if (needs(planned.assertions[a])) {
          planned.result.assertions[a] =
              undecided_result(planned.assertions[a], k_stopped_before_grading);
          planned.result.stopped = true;
        }
      }
    }
  }

  void progress() {
    ++m_done;
    if (m_events.on_progress) {
      m_events.on_progress(m_done, m_total);
    }
  }

  void notice(const std::string& text) {
    if (m_events.on_notice) {
      m_events.on_notice(text);
    }
  }

  // Records the run of a call; `case_index` names the case whose result keeps its number.
  std::optional<std::int64_t> record(const Lineage& lineage, const json& variables,
                                     const CallResult& result,
                                     std::optional<std::size_t> case_index) {
    if (!m_recorder) {
      return std::nullopt;
    }
    std::int64_t id = record_run(*m_recorder, lineage, variables, result).id;
    if (id == 0) {
      return std::nullopt;
    }
    if (case_index) {
      m_numbered_since_commit.push_back(*case_index);
    }
    return id;
  }

  // A group the ledger failed to commit went to the spool: its cases must not name numbers
  // the ledger never kept.
  void commit() {
    if (!m_recorder) {
      return;
    }
    if (!m_recorder->commit()) {
      for (std::size_t index : m_numbered_since_commit) {
        m_cases[index].result.run_id.reset();
      }
    }
    m_numbered_since_commit.clear();
  }

  // Makes the calls, with their runs committed to the ledger together a few times a second:
  // one transaction per case would cost more than the case.
  std::vector<CallResult> run_calls(const std::vector<std::vector<ChatRequest>>& calls,
                                    const ExecutionEvents& events) {
    auto last_commit = std::chrono::steady_clock::now();
    ExecutionEvents committing = events;
    committing.on_tick = [&] {
      if (std::chrono::steady_clock::now() - last_commit >= k_commit_interval) {
        commit();
        last_commit = std::chrono::steady_clock::now();
      }
    };
    std::vector<CallResult> results =
        Executor(m_providers, m_cache).run(calls, execution_options(), committing);
    commit();
    return results;
  }

  // Phase one: every planned case's call, concurrently.
  void answer() {
    std::vector<std::vector<ChatRequest>> calls;
    std::vector<std::size_t> case_of_call;
    for (std::size_t i = 0; i < m_cases.size(); ++i) {
      if (!m_cases[i].chain.empty()) {
        calls.push_back(m_cases[i].chain);
        case_of_call.push_back(i);
      }
    }
    m_total = calls.size();
    for (const PlannedCase& planned : m_cases) {
      if (planned.chain.empty()) {  // a broken test: an error before anything is sent
        count_failure();
      }
    }
    ExecutionEvents events;
    events.on_notice = [&](std::size_t call, const std::string& text) {
      notice(m_cases[case_of_call[call]].result.title(true) + ": " + text);
    };
    events.on_done = [&](std::size_t call, const CallResult& result) {
      PlannedCase& planned = m_cases[case_of_call[call]];
      m_trace->call_finished(case_of_call[call], result);
      take_answer(planned, result);
      if (planned.answered) {  // without an answer no assertion has a result
        planned.result.assertions.resize(planned.assertions.size());
        grade_locally(planned);
      }
      if (m_options.max_failures > 0 && fails_on_the_answer(planned)) {
        count_failure();
      }
      progress();
    };
    std::vector<CallResult> results = run_calls(calls, events);
    for (std::size_t call = 0; call < results.size(); ++call) {
      if (results[call].interrupted) {
        CaseResult& result = m_cases[case_of_call[call]].result;
        result.status = CaseStatus::error;
        if (m_enough && !stopped()) {
          result.error = "not run: the run had reached its failure limit";
          result.not_run = true;
        } else {
          result.error = "not run: the run was stopped before its answer came";
          result.stopped = true;
        }
      }
    }
  }

  void take_answer(PlannedCase& planned, const CallResult& call) {
    CaseResult& result = planned.result;
    result.run_id = record(planned.lineage, result.variables, call,
                           static_cast<std::size_t>(&planned - m_cases.data()));
    result.latency_ms = call.latency_ms;
    result.cost = call.cost;
    result.cached = call.cached;
    if (!call.ok) {
      result.status = CaseStatus::error;
      result.error = call.error;
      result.error_kind = call.error_kind;
      return;
    }
    planned.answered = true;
    result.output = call.response.text;
    result.tool_calls = tool_calls_json(call.response.tool_calls);
    result.input_tokens = call.response.input_tokens;
    result.output_tokens = call.response.output_tokens;
    planned.observation = {
        call.response.text, result.tool_calls,          call.latency_ms,
        call.cost,          call.response.input_tokens, call.response.output_tokens};
  }

  static void grade_locally(PlannedCase& planned) {
    for (std::size_t i = 0; i < planned.assertions.size(); ++i) {
      const Assertion& assertion = planned.assertions[i];
      if (!needs_embedding(assertion) && !needs_judge(assertion)) {
        planned.result.assertions[i] = evaluate_assertion(assertion, planned.observation);
      }
    }
  }

  ModelRef embedding_model_of(const Assertion& assertion) const {
    std::string provider = assertion_text(assertion, "provider");
    std::string model = assertion_text(assertion, "model");
    if (model.empty()) {
      model = m_suite.settings.embedding_model;
    }
    ModelRef ref = parse_model_ref(model, provider, m_providers);
    if (ref.provider.empty()) {
      ref.provider = provider.empty() ? "openai" : provider;
    }
    return ref;
  }

  // Phase two: one embeddings request per model for every `similar` assertion.
  void embed() {
    if (stopped()) {
      leave_ungraded(needs_embedding);
      return;
    }
    struct Wanted {
      ModelRef model;
      std::vector<std::string> texts;
      std::map<std::string, std::size_t> index;
      std::vector<std::pair<std::size_t, std::size_t>> uses;  // (case, assertion)
    };
    std::map<std::string, Wanted> by_model;
    for (std::size_t c = 0; c < m_cases.size(); ++c) {
      PlannedCase& planned = m_cases[c];
      for (std::size_t a = 0; planned.answered && a < planned.assertions.size(); ++a) {
        if (!needs_embedding(planned.assertions[a])) {
          continue;
        }
        ModelRef model = embedding_model_of(planned.assertions[a]);
        Wanted& wanted = by_model[model.to_string()];
        wanted.model = model;
        for (const std::string& text :
             {planned.observation.output, assertion_text(planned.assertions[a], "value")}) {
          if (wanted.index.emplace(text, wanted.texts.size()).second) {
            wanted.texts.push_back(text);
          }
        }
        wanted.uses.emplace_back(c, a);
      }
    }
    for (auto& [name, wanted] : by_model) {
      EmbeddingResult embedded =
          embed_texts(wanted.model, wanted.texts, m_providers, m_cache, m_options.cache,
                      {m_options.tracer, m_trace->run_context()});
      for (auto [c, a] : wanted.uses) {
        PlannedCase& planned = m_cases[c];
        const Assertion& assertion = planned.assertions[a];
        if (!embedded.ok) {
          planned.result.assertions[a] =
              undecided_result(assertion, embedded.error, embedded.error_kind);
          continue;
        }
        const auto& answer = embedded.vectors[wanted.index.at(planned.observation.output)];
        const auto& expected =
            embedded.vectors[wanted.index.at(assertion_text(assertion, "value"))];
        planned.result.assertions[a] =
            similarity_result(assertion, cosine_similarity(answer, expected));
      }
    }
  }

  const Judge& judge_for(const PlannedCase& planned, const Assertion& assertion) {
    std::string name = assertion_text(assertion, "prompt");
    if (name.empty()) {
      name = m_suite.settings.judge_prompt;
    }
    std::string key = planned.lineage.revision + "\n" + planned.lineage.commit + "\n" + name;
    auto found = m_judges.find(key);
    if (found != m_judges.end()) {
      return found->second;
    }
    Judge judge;
    try {
      std::optional<SourceFile> file = planned.source->read(name);
      if (file) {
        judge.prompt = std::make_shared<Prompt>(load_prompt(name, file->path, file->text));
        judge.content_hash = content_identity(*planned.source, name).hash;
      } else if (name == TestSettings{}.judge_prompt) {
        judge.prompt =
            std::make_shared<Prompt>(load_prompt(name, "(built-in judge)", builtin_judge_prompt()));
        judge.content_hash = content_hash_of_text(builtin_judge_prompt());
      } else {
        judge.error = "the judge prompt '" + name + "' does not exist";
      }
      judge.names_model = judge.prompt && judge.prompt->model && !judge.prompt->model->name.empty();
    } catch (const Error& e) {
      judge.error = "the judge prompt '" + name + "' cannot be used: " + e.what();
    }
    return m_judges.emplace(key, std::move(judge)).first->second;
  }

  // The judge's model: the assertion's, the settings', the judge prompt's, else the tested one.
  ModelSettings judge_model(const PlannedCase& planned, const Assertion& assertion,
                            const Judge& judge, const ModelSettings& rendered) const {
    std::string provider = assertion_text(assertion, "provider");
    std::string model = assertion_text(assertion, "model");
    if (provider.empty() && model.empty()) {
      if (m_suite.settings.judge_model) {
        model = *m_suite.settings.judge_model;
      } else if (!judge.names_model) {
        provider = planned.chain.front().provider;
        model = planned.chain.front().model;
      }
    }
    return with_model(rendered, provider, model, m_providers);
  }

  // Phase three: a judge call for every `llm-rubric` assertion, concurrently.
  void judge() {
    if (stopped()) {
      leave_ungraded(needs_judge);
      return;
    }
    std::vector<std::vector<ChatRequest>> calls;
    std::vector<JudgeCall> judged;
    for (std::size_t c = 0; c < m_cases.size(); ++c) {
      PlannedCase& planned = m_cases[c];
      for (std::size_t a = 0; planned.answered && a < planned.assertions.size(); ++a) {
        const Assertion& assertion = planned.assertions[a];
        if (!needs_judge(assertion)) {
          continue;
        }
        const Judge& judge = judge_for(planned, assertion);
        if (!judge.prompt) {
          planned.result.assertions[a] =
              undecided_result(assertion, judge.error, ErrorKind::invalid_input);
          continue;
        }
        try {
          Inputs inputs;
          inputs.add_values({{"rubric", assertion_text(assertion, "value")},
                             {"output", planned.observation.output},
                             {"input", planned.request_text}});
          RenderedPrompt rendered =
              render_prompt(*judge.prompt, inputs, *planned.source, {}, {true, std::nullopt});
          ModelSettings model = judge_model(planned, assertion, judge, rendered.model);
          // The judge reads the answer it grades, so its run is kept no more fully than the
          // graded one's.
          Lineage lineage = planned.lineage;
          lineage.prompt = judge.prompt->name;
          lineage.content_hash = judge.content_hash;
          lineage.store =
              stricter(lineage.store, judge.prompt->ledger_store.value_or(LedgerStore::full));
          calls.push_back(plan_requests(rendered.messages, model, m_providers));
          follow_ledger_store(lineage, calls.back());
          label_for_traces(lineage, calls.back());
          m_trace->adopt(c, calls.back());
          judged.push_back({c, a, std::move(lineage), rendered.variables});
        } catch (const Error& e) {
          planned.result.assertions[a] = undecided_result(
              assertion, std::string("the judge prompt: ") + e.what(), ErrorKind::invalid_input);
        }
      }
    }
    if (calls.empty()) {
      return;
    }
    m_total += calls.size();
    ExecutionEvents events;
    events.on_notice = [&](std::size_t call, const std::string& text) {
      notice(m_cases[judged[call].case_index].result.title(true) + ": judge: " + text);
    };
    events.on_done = [&](std::size_t call, const CallResult& result) {
      m_trace->call_finished(judged[call].case_index, result);
      take_verdict(judged[call], result);
      progress();
    };
    std::vector<CallResult> results = run_calls(calls, events);
    for (std::size_t call = 0; call < results.size(); ++call) {
      if (results[call].interrupted) {
        PlannedCase& planned = m_cases[judged[call].case_index];
        std::size_t a = judged[call].assertion_index;
        planned.result.assertions[a] =
            undecided_result(planned.assertions[a], k_stopped_before_grading);
        planned.result.stopped = true;
      }
    }
  }

  void take_verdict(const JudgeCall& call, const CallResult& result) {
    record(call.lineage, call.variables, result, std::nullopt);
    PlannedCase& planned = m_cases[call.case_index];
    const Assertion& assertion = planned.assertions[call.assertion_index];
    AssertionResult& out = planned.result.assertions[call.assertion_index];
    if (!result.ok) {
      out = undecided_result(assertion, "the judge failed: " + result.error, result.error_kind);
      return;
    }
    std::optional<JudgeVerdict> verdict = parse_judge_verdict(result.response.text);
    if (!verdict) {
      out = undecided_result(assertion, "the judge's answer has no verdict: '" +
                                            result.response.text.substr(0, 120) + "'");
      return;
    }
    out = rubric_result(assertion, *verdict);
  }

  // What graded assertions make of a case: an error when one could not be decided, else a
  // pass or a failure with its score.
  struct Verdict {
    CaseStatus status = CaseStatus::error;
    double score = 0;
    const AssertionResult* undecided = nullptr;
  };

  static Verdict verdict_of(const std::vector<AssertionResult>& assertions,
                            std::optional<double> threshold) {
    Verdict verdict;
    for (const AssertionResult& assertion : assertions) {
      if (assertion.undecided) {
        verdict.undecided = &assertion;
        return verdict;
      }
    }
    double weights = 0;
    double weighted = 0;
    bool all_pass = true;
    for (const AssertionResult& assertion : assertions) {
      weights += assertion.weight;
      weighted += assertion.weight * assertion.score;
      all_pass = all_pass && (assertion.pass || assertion.weight == 0);
    }
    verdict.score = weights > 0 ? weighted / weights : (all_pass ? 1.0 : 0.0);
    bool pass = threshold ? verdict.score >= *threshold : all_pass;
    verdict.status = pass ? CaseStatus::pass : CaseStatus::fail;
    return verdict;
  }

  static void decide(PlannedCase& planned) {
    CaseResult& result = planned.result;
    if (!planned.answered) {
      return;  // planning or the call failed: already an error
    }
    Verdict verdict = verdict_of(result.assertions, result.threshold);
    result.status = verdict.status;
    if (verdict.undecided) {
      result.error = verdict.undecided->type + ": " + verdict.undecided->reason;
      result.error_kind = verdict.undecided->undecided_kind;
      return;
    }
    result.score = verdict.score;
  }

  TestSuite& m_suite;
  const std::map<std::string, ProviderSettings>& m_providers;
  const ResponseCache* m_cache;
  std::optional<RunRecorder> m_recorder;
  std::vector<std::size_t> m_numbered_since_commit;  // cases given a run number
  const TestRunOptions& m_options;
  const TestEvents& m_events;
  std::vector<PlannedCase> m_cases;
  std::map<std::string, Judge> m_judges;
  std::optional<testing_detail::SuiteTrace> m_trace;
  std::size_t m_done = 0;
  std::size_t m_total = 0;
  std::atomic<bool> m_enough{false};  // the failure limit was reached
  std::size_t m_failures = 0;
};

}  // namespace

std::vector<CaseResult> TestRunner::run(TestSuite& suite, const repo::Repository* repository,
                                        const TestRunOptions& options,
                                        const TestEvents& events) const {
  std::vector<PlannedCase> cases =
      testing_detail::plan_suite(suite, repository, options, m_providers);
  return SuiteRun(suite, m_providers, m_cache, m_ledger, m_spool, options, events)
      .run(std::move(cases));
}

PairedResults TestRunner::run_interleaved(TestSuite& a, const TestRunOptions& a_options,
                                          TestSuite& b, const TestRunOptions& b_options,
                                          const repo::Repository* repository, std::uint64_t seed,
                                          const TestEvents& events) const {
  std::vector<PlannedCase> planned_a =
      testing_detail::plan_suite(a, repository, a_options, m_providers);
  std::vector<PlannedCase> planned_b =
      testing_detail::plan_suite(b, repository, b_options, m_providers);
  // A case's partner: the same test, row and repetition (the prompt or model is what differs).
  auto key = [](const PlannedCase& planned) {
    return std::tuple(planned.result.test, planned.result.row, planned.result.repetition);
  };
  std::map<std::tuple<std::string, std::size_t, int>, std::size_t> b_by_key;
  for (std::size_t i = 0; i < planned_b.size(); ++i) {
    b_by_key.emplace(key(planned_b[i]), i);
  }
  PairedResults paired;
  std::vector<bool> b_paired(planned_b.size(), false);
  std::mt19937_64 coin(seed);
  std::vector<PlannedCase> together;
  std::vector<bool> a_first;
  for (PlannedCase& case_a : planned_a) {
    auto partner = b_by_key.find(key(case_a));
    if (partner == b_by_key.end() || b_paired[partner->second]) {
      paired.only_a.push_back(std::move(case_a.result));
      continue;
    }
    b_paired[partner->second] = true;
    a_first.push_back((coin() & 1U) == 0);
    PlannedCase& case_b = planned_b[partner->second];
    together.push_back(std::move(a_first.back() ? case_a : case_b));
    together.push_back(std::move(a_first.back() ? case_b : case_a));
  }
  for (std::size_t i = 0; i < planned_b.size(); ++i) {
    if (!b_paired[i]) {
      paired.only_b.push_back(std::move(planned_b[i].result));
    }
  }
  std::vector<CaseResult> results =
      SuiteRun(a, m_providers, m_cache, m_ledger, m_spool, a_options, events)
          .run(std::move(together));
  for (std::size_t i = 0; i < a_first.size(); ++i) {
    paired.a.push_back(std::move(results[2 * i + (a_first[i] ? 0 : 1)]));
    paired.b.push_back(std::move(results[2 * i + (a_first[i] ? 1 : 0)]));
  }
  return paired;
}

}  // namespace promptctl
