#include "util/json_document.hpp"

#include "util/json_output.hpp"

namespace promptctl::util {

using nlohmann::json;

std::string document_text(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

json position(int value) {
  return value > 0 ? json(value) : json(nullptr);
}

json location_json(const SourceLocation& location) {
  if (location.empty()) {
    return nullptr;
  }
  return {{"file", text_or_null(location.file)},
          {"line", position(location.line)},
          {"column", position(location.column)}};
}

}  // namespace

json diagnostic_json(const Diagnostic& diagnostic) {
  // A problem with a whole file (its name, its size) has no line or column: null.
  return {{"file", diagnostic.location.file},
          {"line", position(diagnostic.location.line)},
          {"column", position(diagnostic.location.column)},
          {"severity", diagnostic.severity == Severity::error ? "error" : "warning"},
          {"code", diagnostic.code},
          {"message", diagnostic.message}};
}

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
      return "usage";
    case ErrorKind::invalid_input:
      return "invalid_input";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::already_exists:
      return "already_exists";
    case ErrorKind::refused:
      return "refused";
    case ErrorKind::io:
      return "io";
    case ErrorKind::git:
      return "git";
    case ErrorKind::provider:
      return "provider";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

json error_json(const Error& error) {
  json problems = json::array();
  for (const Diagnostic& detail : error.details()) {
    problems.push_back(diagnostic_json(detail));
  }
  return {{"kind", kind_name(error.kind())},
          {"message", error.message()},
          {"location", location_json(error.location())},
          {"hint", text_or_null(error.hint())},
          {"problems", problems}};
}

}  // namespace promptctl::util
