// What one test case runs with: the rows of its variables or dataset, and its assertions with
// their values taken from the row. `test` and `lint` read tests through these, so that lint
// judges a test by the rows it will really run with.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "promptctl/assertions.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl::prompt_detail {

/// A file a test names (`vars`, `dataset`, a schema), read from `source`. Throws `Error`
/// (invalid_input) when there is none; `what` says which ("the dataset").
SourceFile read_test_file(PromptSource& source, const std::string& path, const char* what);

/// The rows a test runs with: its dataset's, each over its variables, or its variables alone
/// as one row. Throws `Error` (invalid_input) for a missing or bad file, and for a dataset
/// without rows.
std::vector<nlohmann::json> test_rows(const TestCase& test, PromptSource& source);

/// The top-level names that the assertions' values use as Mustache templates
/// (`value: "{{expected}}"`), which a row may supply. A value that does not parse uses none;
/// `assertions_for_row` reports it.
std::set<std::string> assertion_value_names(const std::vector<Assertion>& assertions);

/// The assertions with each text value (and each text in a list value) rendered over `row`.
/// Throws `Error` (invalid_input) at the assertion for a value that does not parse or names
/// what the row does not have.
std::vector<Assertion> assertions_for_row(std::vector<Assertion> assertions,
                                          const nlohmann::json& row);

/// The values of `row` that go to the prompt: all of them except the columns that only the
/// assertions use (the prompt neither declares them nor uses them, `used`). Any other column
/// the prompt does not know stays, so rendering reports it as an unknown variable.
nlohmann::json prompt_values_of_row(const nlohmann::json& row,
                                    const std::set<std::string>& assertion_names,
                                    const Prompt& prompt, const std::vector<std::string>& used);

}  // namespace promptctl::prompt_detail
