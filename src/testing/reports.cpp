// Test results as documents: JSON, JUnit XML, TAP and GitHub Actions annotations.
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include "promptctl/build_info.hpp"
#include "promptctl/testing.hpp"
#include "util/html.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

json optional_json(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}
json optional_json(const std::optional<std::int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

json assertion_json(const AssertionResult& assertion) {
  return {{"type", assertion.type},         {"pass", assertion.pass},
          {"score", assertion.score},       {"weight", assertion.weight},
          {"reason", assertion.reason},     {"expected", assertion.expected},
          {"line", assertion.location.line}};
}

json case_json(const CaseResult& result) {
  json assertions = json::array();
  for (const AssertionResult& assertion : result.assertions) {
    assertions.push_back(assertion_json(assertion));
  }
  return {{"prompt", result.prompt},
          {"revision", util::text_or_null(result.revision)},
          {"test", result.test},
          {"file", result.file},
          {"line", result.line},
          {"row", result.row == 0 ? json(nullptr) : json(result.row)},
          {"repetition", result.repetition},
          {"model", util::text_or_null(result.model)},
          {"status", to_string(result.status)},
          {"score", result.score},
          {"threshold", optional_json(result.threshold)},
          {"assertions", assertions},
          // An error left no answer: null, where an empty answer is "".
          {"output",
           result.output.empty() && !result.error.empty() ? json(nullptr) : json(result.output)},
          {"tool_calls", result.tool_calls},
          {"variables", result.variables},
          {"run_id", optional_json(result.run_id)},
          {"latency_ms", result.latency_ms},
          {"cost", optional_json(result.cost)},
          {"input_tokens", optional_json(result.input_tokens)},
          {"output_tokens", optional_json(result.output_tokens)},
          {"cached", result.cached},
          {"error", util::text_or_null(result.error)},
          {"baseline", util::text_or_null(result.baseline)},
          {"regression", result.regressed()}};
}

// The first assertion that did not pass, or null.
const AssertionResult* first_failure(const CaseResult& result) {
  for (const AssertionResult& assertion : result.assertions) {
    if (!assertion.pass && assertion.weight > 0) {
      return &assertion;
    }
  }
  return nullptr;
}

// One line on why a case did not pass.
std::string why(const CaseResult& result) {
  std::string prefix = result.regressed() ? "regression: " : "";
  if (result.status == CaseStatus::error) {
    return prefix + result.error;
  }
  if (const AssertionResult* failed = first_failure(result)) {
    return prefix + failed->type + ": " + failed->reason;
  }
  return prefix + "score " + std::to_string(result.score) + " is below the threshold";
}

// Every failed assertion, with the expected value and the answer.
std::string details(const CaseResult& result) {
  std::ostringstream out;
  out << result.file << ":" << result.line << "\n";
  for (const AssertionResult& assertion : result.assertions) {
    if (!assertion.pass) {
      out << assertion.type << ": " << assertion.reason;
      if (!assertion.expected.is_null()) {
        out << "\n  expected: "
            << (assertion.expected.is_string() ? assertion.expected.get<std::string>()
                                               : assertion.expected.dump());
      }
      out << "\n";
    }
  }
  if (result.status == CaseStatus::error) {
    out << "error: " << result.error << "\n";
  }
  out << "output: " << result.output << "\n";
  for (const json& call : result.tool_calls) {
    out << "tool call: " << util::visible(call.value("name", "")) << " "
        << call.value("arguments", json::object()).dump() << "\n";
  }
  return out.str();
}

// Text as XML 1.0 allows it: markup escaped, control characters other than tab and line
// breaks (which XML cannot hold at all) written as "\xNN".
std::string xml(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += util::escaped_byte(static_cast<unsigned char>(c));
    } else {
      util::append_escaped_html(out, std::string_view(&c, 1), "&apos;");
    }
  }
  return out;
}

// An attribute value: as `xml`, with tabs and line breaks as character references, since a
// reader turns raw ones in an attribute into spaces (a test name with a line break keeps it).
std::string xml_attribute(std::string_view text) {
  std::string out;
  for (char c : xml(text)) {
    switch (c) {
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string seconds(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", ms / 1000.0);
  return buffer;
}

std::string iso_time(std::int64_t ms) {
  std::time_t time = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  return buffer;
}

// GitHub's workflow commands: '%', CR and LF escaped in messages, ':' and ',' in properties too.
std::string github_escape(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else if (property && c == ':')
      out += "%3A";
    else if (property && c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

// "REV:prompts/x.yaml" as the path in the work tree.
std::string work_tree_path(const std::string& file) {
  size_t colon = file.find(':');
  return colon == std::string::npos ? file : file.substr(colon + 1);
}

std::string summary_line(const TestSummary& summary) {
  std::string text = std::to_string(summary.passed) + " passed, " + std::to_string(summary.failed) +
                     " failed, " + util::counted(summary.errors, "error");
  if (summary.regressions > 0) {
    text += ", " + util::counted(summary.regressions, "regression");
  }
  return text + " (" + util::counted(summary.total, "case") + ")";
}

// Whether results span several models, so that titles must name theirs.
bool several_models(const std::vector<CaseResult>& results) {
  for (const CaseResult& result : results) {
    if (result.model != results.front().model) {
      return true;
    }
  }
  return false;
}

}  // namespace

json json_report(const std::vector<CaseResult>& results, const TestSummary& summary) {
  json cases = json::array();
  for (const CaseResult& result : results) {
    cases.push_back(case_json(result));
  }
  return {{"schema_version", k_json_schema_version},
          {"summary",
           {{"total", summary.total},
            {"passed", summary.passed},
            {"failed", summary.failed},
            {"errors", summary.errors},
            {"regressions", summary.regressions},
            {"duration_ms", summary.duration_ms},
            {"cost", optional_json(summary.cost)}}},
          {"results", cases}};
}

std::string junit_report(const std::vector<CaseResult>& results, const TestSummary& summary) {
  std::map<std::string, std::vector<const CaseResult*>> by_prompt;
  for (const CaseResult& result : results) {
    by_prompt[result.prompt].push_back(&result);
  }
  bool with_model = several_models(results);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  int id = 0;
  for (const auto& [prompt, cases] : by_prompt) {
    std::size_t failures = 0;
    std::size_t errors = 0;
    double time_ms = 0;
    for (const CaseResult* result : cases) {
      failures += result->status == CaseStatus::fail ? 1 : 0;
      errors += result->status == CaseStatus::error ? 1 : 0;
      time_ms += result->latency_ms;
    }
    out << "  <testsuite name=\"" << xml_attribute(prompt) << "\" package=\"promptctl\" id=\""
        << id++ << "\" timestamp=\"" << iso_time(summary.started_ms)
        << "\" hostname=\"localhost\" tests=\"" << cases.size() << "\" failures=\"" << failures
        << "\" errors=\"" << errors << "\" skipped=\"0\" time=\"" << seconds(time_ms) << "\">\n";
    out << "    <properties>\n      <property name=\"file\" value=\""
        << xml_attribute(cases.front()->file) << "\"/>\n";
    if (!cases.front()->revision.empty()) {
      out << "      <property name=\"revision\" value=\"" << xml_attribute(cases.front()->revision)
          << "\"/>\n";
    }
    out << "    </properties>\n";
    for (const CaseResult* result : cases) {
      out << "    <testcase name=\"" << xml_attribute(result->label(with_model))
          << "\" classname=\"" << xml_attribute(prompt) << "\" time=\""
          << seconds(result->latency_ms) << "\"";
      // Where the test is written, as pytest writes it and GitLab reads it.
      if (!result->file.empty()) {
        out << " file=\"" << xml_attribute(work_tree_path(result->file)) << "\"";
      }
      if (result->line > 0) {
        out << " line=\"" << result->line << "\"";
      }
      if (result->status == CaseStatus::pass) {
        out << "/>\n";
        continue;
      }
      const char* element = result->status == CaseStatus::fail ? "failure" : "error";
      std::string type = result->status == CaseStatus::fail
                             ? (result->regressed() ? "regression" : "assertion")
                             : (result->error_kind == ErrorKind::provider ? "provider" : "input");
      out << ">\n      <" << element << " message=\"" << xml_attribute(why(*result)) << "\" type=\""
          << type << "\">" << xml(details(*result)) << "</" << element << ">\n    </testcase>\n";
    }
    out << "    <system-out/>\n    <system-err/>\n  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

namespace {

// A test point's description as TAP reads it: '#' would start a directive (a failing test
// named "x # TODO" would count as a to-do) and '\\' is the escape character, so both are
// escaped; a control character (a line break would start a new line of the stream) is written
// as the text "\\xNN".
std::string tap_description(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '#' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '\\' + util::escaped_byte(static_cast<unsigned char>(c));  // "\\xNN": "\xNN" shown
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string tap_report(const std::vector<CaseResult>& results) {
  bool with_model = several_models(results);
  std::ostringstream out;
  // Version 13: everything written here is in it, and TAP::Parser (prove) refuses 14.
  out << "TAP version 13\n1.." << results.size() << "\n";
  std::size_t number = 0;
  for (const CaseResult& result : results) {
    ++number;
    bool pass = result.status == CaseStatus::pass;
    out << (pass ? "ok " : "not ok ") << number << " - "
        << tap_description(result.title(with_model)) << "\n";
    if (pass) {
      continue;
    }
    json diagnostic = {{"message", why(result)},
                       {"severity", result.status == CaseStatus::fail ? "fail" : "error"},
                       {"at", {{"file", result.file}, {"line", result.line}}},
                       {"output", result.output}};
    // YAML accepts JSON scalars, so each value is written as JSON: no quoting rules to get wrong.
    out << "  ---\n";
    for (const auto& [key, value] : diagnostic.items()) {
      out << "  " << key << ": " << value.dump() << "\n";
    }
    out << "  ...\n";
  }
  return out.str();
}

std::string github_report(const std::vector<CaseResult>& results, const TestSummary& summary) {
  bool with_model = several_models(results);
  std::ostringstream out;
  for (const CaseResult& result : results) {
    if (result.status == CaseStatus::pass) {
      continue;
    }
    std::string title = (result.regressed() ? "Regression: " : "") + result.title(with_model);
    out << "::error file=" << github_escape(work_tree_path(result.file), true)
        << ",line=" << result.line << ",title=" << github_escape(title, true)
        << "::" << github_escape(why(result), false) << "\n";
  }
  out << "::notice title=promptctl test::" << github_escape(summary_line(summary), false) << "\n";
  return out.str();
}

}  // namespace promptctl
