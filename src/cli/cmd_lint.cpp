// promptctl lint [NAME…]: every problem in every prompt file.
#include <algorithm>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/validators.hpp"
#include "promptctl/lint.hpp"
#include "util/fs.hpp"
#include "util/json_document.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> names;
  std::string stdin_name = "stdin";
  std::string format = "text";
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.names,
                 "Prompts to lint (default: the whole repository); - reads a prompt file from "
                 "standard input");
  sub.add_option("--stdin-name", o.stdin_name,
                 "The prompt that standard input is checked as: its tests file and the partials "
                 "it may include (default: stdin)")
      ->type_name("NAME");
  one_of(sub.add_option("--format", o.format, "text, json, or github (workflow annotations)"),
         {"text", "json", "github"});
  sub.add_flag("--json", o.json, "Same as --format json");
}

// GitHub workflow commands escape %, CR and LF in messages, and also , and : in properties.
std::string github_escape(const std::string& text, bool property) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      case ':':
        out += property ? "%3A" : ":";
        break;
      case ',':
        out += property ? "%2C" : ",";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void print_github(const Output& out, const LintReport& report) {
  for (const Diagnostic& d : report.diagnostics) {
    std::string line = d.severity == Severity::error ? "::error" : "::warning";
    line += " file=" + github_escape(d.location.file, true);
    if (d.location.line > 0) {
      line += ",line=" + std::to_string(d.location.line);
    }
    if (d.location.column > 0) {
      line += ",col=" + std::to_string(d.location.column);
    }
    line += ",title=" + github_escape("promptctl " + d.code, true);
    out.line(line + "::" + github_escape(d.message, false));
  }
}

nlohmann::json report_json(const LintReport& report) {
  nlohmann::json diagnostics = nlohmann::json::array();
  for (const Diagnostic& d : report.diagnostics) {
    diagnostics.push_back(util::diagnostic_json(d));
  }
  return {{"prompts_checked", report.prompts_checked},
          {"errors", report.errors()},
          {"warnings", report.warnings()},
          {"diagnostics", diagnostics}};
}

// The named prompts' problems, with standard input's in their place when "-" is among them.
LintReport lint_arguments(Workspace& workspace, const Options& o) {
  std::vector<std::string> names = o.names;
  auto dash = std::find(names.begin(), names.end(), "-");
  if (dash == names.end()) {
    return lint(workspace, prompt_names(names));
  }
  names.erase(dash);
  if (std::find(names.begin(), names.end(), "-") != names.end()) {
    throw Error(ErrorKind::usage, "standard input can be read once: give '-' once");
  }
  std::string name = prompt_names({o.stdin_name}).front();
  LintReport report =
      lint_text(workspace, name, SourceFile{"<stdin>", util::read_stdin(k_max_prompt_file_size)});
  if (!names.empty()) {
    LintReport others = lint(workspace, prompt_names(names));
    report.diagnostics.insert(report.diagnostics.end(), others.diagnostics.begin(),
                              others.diagnostics.end());
    report.prompts_checked += others.prompts_checked;
  }
  return report;
}

int run(Session& session, const Options& o) {
  LintReport report = lint_arguments(session.workspace(), o);
  Output& out = session.out();
  std::string format = o.json ? "json" : o.format;
  if (format == "json") {
    out.document(report_json(report));
  } else if (format == "github") {
    print_github(out, report);
  } else {
    for (const Diagnostic& d : report.diagnostics) {
      out.diagnostic(d, false);
    }
    std::string checked = util::counted(report.prompts_checked, "prompt");
    if (report.diagnostics.empty()) {
      out.line(checked + " checked, no problems");
    } else {
      out.line(util::counted(report.errors(), "error") + ", " +
               util::counted(report.warnings(), "warning") + " in " + checked);
    }
  }
  return report.diagnostics.empty() ? k_exit_ok : k_exit_check_failed;
}

}  // namespace

extern const CommandSpec k_cmd_lint{"lint", "Check prompt files for problems",
                                    Completes::prompt_names, Setup::workspace,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
