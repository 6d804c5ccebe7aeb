// What one test case runs with: the rows of its variables or dataset, and its assertions with
// their values taken from the row. `test` and `lint` read tests through these, so that lint
// judges a test by the rows it will really run with.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "promptctl/assertions.hpp"
#include "promptctl/error.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl::prompt_detail {

/// A file a test names (`vars`, `dataset`, a schema), read from `source`. Throws `Error`
/// (invalid_input) when there is none; `what` says which ("the dataset").
SourceFile read_test_file(PromptSource& source, const std::string& path, const char* what);

/// The rows a test runs with: its dataset's, each over its variables, or its variables alone
/// as one row. Throws `Error` (invalid_input) for a missing or bad file, and for a dataset
/// without rows.
std::vector<nlohmann::json> test_rows(const TestCase& test, PromptSource& source);

/// A test's assertions whose text values (and each text in a list value) are Mustache
/// templates over the row (`value: "{{expected}}"`), parsed once and rendered for each row.
class AssertionValues {
 public:
  explicit AssertionValues(std::vector<Assertion> assertions);
  AssertionValues(AssertionValues&&) noexcept;
  AssertionValues& operator=(AssertionValues&&) noexcept;
  ~AssertionValues();

  /// The top-level names the values use, which a row may supply. A value that does not parse
  /// uses none; `for_row` reports it.
  [[nodiscard]] const std::set<std::string>& names() const { return m_names; }

  /// The assertions with each templated text rendered over `row`. Throws `Error`
  /// (invalid_input) at the assertion for a value that does not parse or names what the row
  /// does not have.
  [[nodiscard]] std::vector<Assertion> for_row(const nlohmann::json& row) const;

 private:
  struct Text;
  std::vector<Assertion> m_assertions;
  std::vector<Text> m_texts;
  std::set<std::string> m_names;
};

/// The values of `row` that go to the prompt: all of them except the columns that only the
/// assertions use (the prompt neither declares them nor uses them, `used`). Any other column
/// the prompt does not know stays, so rendering reports it as an unknown variable.
nlohmann::json prompt_values_of_row(const nlohmann::json& row,
                                    const std::set<std::string>& assertion_names,
                                    const Prompt& prompt, const std::vector<std::string>& used);

}  // namespace promptctl::prompt_detail
