#include "cli/test_report.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "cli/execution.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

// How much of an answer a failure shows.
constexpr std::size_t k_output_excerpt = 200;

std::string status_word(const Output& out, const CaseResult& result) {
  if (result.regressed()) {
    return out.paint("REGRESSED", Style::red);
  }
  switch (result.status) {
    case CaseStatus::pass:
      return out.paint("PASS", Style::green);
    case CaseStatus::fail:
      return out.paint("FAIL", Style::red);
    case CaseStatus::error:
      return out.paint("ERROR", Style::yellow);
  }
  return "";
}

std::string expected_text(const nlohmann::json& expected) {
  return expected.is_string() ? expected.get<std::string>() : expected.dump();
}

void print_case(const Output& out, const CaseResult& result, bool with_model) {
  out.line(status_word(out, result) + " " + util::visible(result.title(with_model)));
  if (result.status == CaseStatus::pass) {
    return;
  }
  std::string indent = "    ";
  out.line(indent + out.paint(result.file + ":" + std::to_string(result.line), Style::dim));
  if (result.status == CaseStatus::error) {
    out.line(indent + "error: " + util::visible(result.error));
  }
  for (const AssertionResult& assertion : result.assertions) {
    if (assertion.pass || assertion.undecided) {
      continue;
    }
    out.line(indent + out.paint(assertion.type, Style::bold) + ": " +
             util::visible(assertion.reason));
    if (!assertion.expected.is_null()) {
      out.line(indent + "  expected: " + util::printable(expected_text(assertion.expected), 120));
    }
  }
  if (result.status == CaseStatus::fail && result.threshold) {
    char score[64];
    std::snprintf(score, sizeof score, "score %.2f, threshold %.2f", result.score,
                  *result.threshold);
    out.line(indent + score);
  }
  if (!result.output.empty()) {
    out.line(indent + "output: " + util::printable(result.output, k_output_excerpt));
  }
  for (const nlohmann::json& call : result.tool_calls) {
    out.line(indent + "tool call: " +
             util::printable(call.value("name", "") + " " +
                                 call.value("arguments", nlohmann::json::object()).dump(),
                             k_output_excerpt));
  }
}

// Cases of one test that ended in the same error, as a dataset with a broken column makes for
// every row: shown once, with the rows.
bool same_error(const CaseResult& a, const CaseResult& b) {
  return a.status == CaseStatus::error && b.status == CaseStatus::error && !a.regressed() &&
         !b.regressed() && a.prompt == b.prompt && a.test == b.test && a.model == b.model &&
         a.error == b.error && a.output.empty() && b.output.empty();
}

// A run of `count` cases with one error: the first stands for all of them.
void print_error_group(const Output& out, const CaseResult* first, std::size_t count,
                       bool with_model) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < count; ++i) {
    rows.push_back(first[i].row);
  }
  std::string title = first->prompt + ": " + first->test;
  if (rows.front() > 0) {
    title += " [" + util::numbered("row", rows) + "]";
  }
  if (with_model) {
    title += " <" + first->model + ">";
  }
  out.line(status_word(out, *first) + " " + util::visible(title) + " (" +
           util::counted(count, "case") + ", one error)");
  out.line("    " + out.paint(first->file + ":" + std::to_string(first->line), Style::dim));
  out.line("    error: " + util::visible(first->error));
}

// One row per case identity, one column per model.
void print_matrix(const Output& out, const std::vector<CaseResult>& results,
                  const std::vector<std::string>& models) {
  std::vector<std::string> rows;
  std::map<std::string, std::map<std::string, const CaseResult*>> cells;
  std::size_t width = 4;
  for (const CaseResult& result : results) {
    std::string title = util::visible(result.title(false));
    if (cells.find(title) == cells.end()) {
      rows.push_back(title);
      width = std::max(width, title.size());
    }
    cells[title][result.model] = &result;
  }
  std::string header = pad("test", width + 2);
  for (const std::string& model : models) {
    header += pad(model, std::max<std::size_t>(model.size(), 5) + 2);
  }
  out.line(out.paint(header, Style::bold));
  for (const std::string& row : rows) {
    std::string line = pad(row, width + 2);
    for (const std::string& model : models) {
      auto found = cells[row].find(model);
      std::string cell = found == cells[row].end() ? "-" : status_word(out, *found->second);
      line += pad(cell, std::max<std::size_t>(model.size(), 5) + 2);
    }
    out.line(line);
  }
  for (const std::string& model : models) {
    std::size_t passed = 0;
    std::size_t total = 0;
    for (const CaseResult& result : results) {
      if (result.model == model) {
        ++total;
        passed += result.status == CaseStatus::pass ? 1 : 0;
      }
    }
    out.line(model + ": " + std::to_string(passed) + "/" + std::to_string(total) + " passed");
  }
  out.line();
}

std::string summary_text(const Output& out, const TestSummary& summary) {
  std::string text = out.paint(std::to_string(summary.passed) + " passed", Style::green) + ", " +
                     out.paint(std::to_string(summary.failed) + " failed",
                               summary.failed ? Style::red : Style::none) +
                     ", " +
                     out.paint(util::counted(summary.errors, "error"),
                               summary.errors ? Style::yellow : Style::none);
  if (summary.regressions > 0) {
    text += ", " + out.paint(util::counted(summary.regressions, "regression"), Style::red);
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f s", summary.duration_ms / 1000.0);
  text += " (" + util::counted(summary.total, "case") + " in " + seconds;
  if (summary.cost && *summary.cost > 0) {
    text += ", " + format_cost(summary.cost);
  }
  return text + ")";
}

}  // namespace

void print_test_report(const Output& out, const std::vector<CaseResult>& results,
                       const TestSummary& summary, bool all) {
  // A matrix: some case ran with more than one model.
  std::vector<std::string> models;
  std::set<std::string> seen;
  std::map<std::string, std::set<std::string>> models_of_case;
  bool matrix = false;
  for (const CaseResult& result : results) {
    if (seen.insert(result.model).second) {
      models.push_back(result.model);
    }
    std::set<std::string>& case_models = models_of_case[result.title(false)];
    case_models.insert(result.model);
    matrix = matrix || case_models.size() > 1;
  }
  if (matrix) {
    print_matrix(out, results, models);
  }
  for (std::size_t i = 0; i < results.size();) {
    std::size_t same = 1;
    while (i + same < results.size() && same_error(results[i], results[i + same])) {
      ++same;
    }
    if (same > 1) {
      print_error_group(out, &results[i], same, matrix);
    } else if (all || results[i].status != CaseStatus::pass) {
      print_case(out, results[i], matrix);
    }
    i += same;
  }
  if (summary.total == 0) {
    out.line("no tests to run");
    return;
  }
  out.line(summary_text(out, summary));
}

}  // namespace promptctl::cli
