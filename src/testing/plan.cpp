#include "testing/plan.hpp"

#include "prompt/test_data.hpp"
#include "prompt/test_rows.hpp"
#include "promptctl/render.hpp"
#include "util/json_schema.hpp"

namespace promptctl::testing_detail {
namespace {

using nlohmann::json;

// A model of a --provider/--model matrix; empty parts leave the case's own.
struct MatrixEntry {
  std::string provider;
  std::string model;
};

std::vector<MatrixEntry> matrix_of(const TestRunOptions& options) {
  std::vector<MatrixEntry> entries;
  std::vector<std::string> providers = options.providers;
  std::vector<std::string> models = options.models;
  if (providers.empty())
    providers.emplace_back();
  if (models.empty())
    models.emplace_back();
  for (const std::string& model : models) {
    for (const std::string& provider : providers) {
      entries.push_back({provider, model});
    }
  }
  return entries;
}

// The test's assertions after the shared ones, with schemas given as files read in, and the
// prompt's output schema, which every case of it checks without asking.
std::vector<Assertion> gather_assertions(const TestCase& test, const Prompt& prompt,
                                         const TestSettings& settings, PromptSource& source) {
  std::vector<Assertion> assertions = settings.defaults.assertions;
  if (prompt.output && !prompt.output->schema.is_null()) {
    assertions.push_back(
        {"json-schema",
         {{"type", "json-schema"}, {"value", prompt.output->schema}, {"of_output", true}},
         prompt.output->location});
  }
  assertions.insert(assertions.end(), test.assertions.begin(), test.assertions.end());
  for (Assertion& assertion : assertions) {
    std::optional<std::string> path = schema_file_of(assertion);
    if (!path) {
      continue;
    }
    SourceFile file = prompt_detail::read_test_file(source, *path, "the schema file");
    json schema = prompt_detail::read_document(file);
    for (const std::string& problem : util::schema_problems(schema)) {
      throw Error(ErrorKind::invalid_input, file.path + ": " + problem);
    }
    assertion.spec["value"] = std::move(schema);
  }
  return assertions;
}

std::string request_text_of(const RenderedPrompt& rendered) {
  std::string text;
  for (const ChatMessage& message : rendered.messages) {
    if (message.role != "system") {
      text += (text.empty() ? "" : "\n\n") + message.content;
    }
  }
  return text;
}

std::string described(const Error& error) {
  std::string text = error.what();
  for (const Diagnostic& detail : error.details()) {
    text += "; " + detail.location.to_string() + ": " + detail.message;
  }
  return text;
}

class Planner {
 public:
  Planner(TestSuite& suite, const repo::Repository* repository, const TestRunOptions& options,
          const std::map<std::string, ProviderSettings>& providers)
      : m_suite(suite),
        m_repository(repository),
        m_options(options),
        m_providers(providers),
        m_matrix(matrix_of(options)) {}

  std::vector<PlannedCase> plan() {
    for (ResolvedPrompt& resolved : m_suite.prompts) {
      Lineage lineage = lineage_of(resolved, m_repository);
      lineage.environment = m_options.environment;
      for (const TestCase& test : resolved.prompt.tests) {
        plan_test(resolved, lineage, test);
      }
    }
    return std::move(m_cases);
  }

 private:
  void plan_test(ResolvedPrompt& resolved, const Lineage& lineage, const TestCase& test) {
    PlannedCase base;
    base.lineage = lineage;
    base.source = &resolved.source();
    base.result.prompt = resolved.prompt.name;
    base.result.revision = lineage.revision;
    base.result.test = test.name;
    base.result.file = test.location.file;
    base.result.line = test.location.line;
    base.result.threshold = test.threshold;
    std::vector<json> rows;
    std::optional<TestShared> shared;
    try {
      PromptPartials partials(resolved.source());
      shared.emplace(TestShared{used_variable_names(resolved.prompt, partials),
                                prompt_detail::AssertionValues(gather_assertions(
                                    test, resolved.prompt, m_suite.settings, resolved.source()))});
      rows = prompt_detail::test_rows(test, resolved.source());
    } catch (const Error& e) {
      fail(base, described(e));  // the whole test is broken, not one row of it
      return;
    }
    for (std::size_t row = 0; row < rows.size(); ++row) {
      base.result.row = test.dataset.empty() ? 0 : row + 1;
      plan_row(resolved, test, base, rows[row], *shared);
    }
  }

  // What every row of a test shares: the names the prompt uses, and the assertions with their
  // templated values parsed once.
  struct TestShared {
    std::vector<std::string> used_by_prompt;
    prompt_detail::AssertionValues assertions;
  };

  void plan_row(ResolvedPrompt& resolved, const TestCase& test, const PlannedCase& base,
                const json& vars, const TestShared& shared) {
    PlannedCase planned = base;
    planned.result.variables = vars;
    std::optional<RenderedPrompt> rendered;
    try {
      planned.assertions = shared.assertions.for_row(vars);
      Inputs inputs;
      inputs.add_values(prompt_detail::prompt_values_of_row(
          vars, shared.assertions.names(), resolved.prompt, shared.used_by_prompt));
      rendered = render_prompt(resolved.prompt, inputs, resolved.source(), resolved.default_model,
                               resolved.render_settings);
      planned.result.variables = rendered->variables;
      planned.request_text = request_text_of(*rendered);
    } catch (const Error& e) {
      fail(planned, described(e));
      return;
    }
    // The case's own model, else the shared test default, over the prompt's.
    const TestDefaults& defaults = m_suite.settings.defaults;
    bool own = test.provider || test.model;
    ModelSettings model =
        with_model(rendered->model, (own ? test.provider : defaults.provider).value_or(""),
                   (own ? test.model : defaults.model).value_or(""), m_providers);
    int repeat = test.repeat * m_options.repeat;
    for (const MatrixEntry& entry : m_matrix) {
      PlannedCase one = planned;
      try {
        one.chain =
            plan_requests(rendered->messages,
                          with_model(model, entry.provider, entry.model, m_providers), m_providers);
        one.result.model = one.chain.front().provider + "/" + one.chain.front().model;
        follow_ledger_store(one.lineage, one.chain);
        label_for_traces(one.lineage, one.chain);
      } catch (const Error& e) {
        one.result.model = entry.provider.empty() && entry.model.empty()
                               ? model.provider + "/" + model.name
                               : entry.provider + "/" + entry.model;
        fail(one, described(e));
        continue;
      }
      for (int repetition = 1; repetition <= repeat; ++repetition) {
        one.result.repetition = repetition;
        m_cases.push_back(one);
      }
    }
  }

  void fail(PlannedCase planned, std::string why) {
    planned.chain.clear();
    planned.result.status = CaseStatus::error;
    planned.result.error = std::move(why);
    planned.result.error_kind = ErrorKind::invalid_input;
    m_cases.push_back(std::move(planned));
  }

  TestSuite& m_suite;
  const repo::Repository* m_repository;
  const TestRunOptions& m_options;
  const std::map<std::string, ProviderSettings>& m_providers;
  std::vector<MatrixEntry> m_matrix;
  std::vector<PlannedCase> m_cases;
};

}  // namespace

std::vector<PlannedCase> plan_suite(TestSuite& suite, const repo::Repository* repository,
                                    const TestRunOptions& options,
                                    const std::map<std::string, ProviderSettings>& providers) {
  return Planner(suite, repository, options, providers).plan();
}

}  // namespace promptctl::testing_detail
