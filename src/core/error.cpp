#include "promptctl/error.hpp"

#include <algorithm>

#include "promptctl/check.hpp"

namespace promptctl {

std::string SourceLocation::to_string() const {
  std::string text = file;
  if (line > 0) {
    text += (text.empty() ? "" : ":") + std::to_string(line);
    if (column > 0) {
      text += ":" + std::to_string(column);
    }
  }
  return text;
}

std::string Diagnostic::to_string() const {
  std::string where = location.to_string();
  std::string text = where.empty() ? std::string() : where + ": ";
  text += severity == Severity::error ? "error: " : "warning: ";
  return text + message;
}

namespace {
std::string compose(const std::string& message, const SourceLocation& location) {
  std::string where = location.to_string();
  return where.empty() ? message : where + ": " + message;
}
}  // namespace

Error::Error(ErrorKind kind, std::string message, SourceLocation location, std::string hint)
    : std::runtime_error(compose(message, location)),
      m_kind(kind),
      m_message(std::move(message)),
      m_location(std::move(location)),
      m_hint(std::move(hint)) {}

Error& Error::with_details(std::vector<Diagnostic> details) {
  m_details = std::move(details);
  return *this;
}

void throw_if_errors(const std::vector<Diagnostic>& diagnostics) {
  auto first = std::find_if(diagnostics.begin(), diagnostics.end(),
                            [](const Diagnostic& d) { return d.severity == Severity::error; });
  if (first == diagnostics.end()) {
    return;
  }
  if (diagnostics.size() == 1) {
    throw Error(ErrorKind::invalid_input, first->message, first->location);
  }
  std::string file = first->location.file.empty() ? "the input" : "'" + first->location.file + "'";
  throw Error(ErrorKind::invalid_input, std::to_string(diagnostics.size()) + " problems in " + file)
      .with_details(diagnostics);
}

}  // namespace promptctl

namespace promptctl::check_detail {

void invariant_failed(const char* condition, const char* file, int line) {
  throw Error(ErrorKind::internal, std::string("invariant '") + condition + "' does not hold",
              {file, line, 0});
}

}  // namespace promptctl::check_detail
