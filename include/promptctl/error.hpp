// Errors and diagnostics shared by every module of the core library.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace promptctl {

/// What went wrong, coarsely; the CLI maps each kind to an exit code.
enum class ErrorKind {
  usage,           ///< the request itself is malformed (bad name, conflicting options)
  invalid_input,   ///< a file or value the user supplied is wrong (YAML, template, variable)
  not_found,       ///< a named prompt, file or repository does not exist
  already_exists,  ///< refusing to overwrite something
  refused,         ///< the request is valid but there is nothing to do (an empty commit)
  io,              ///< the operating system refused a read or write
  git,             ///< libgit2 reported a failure
  provider,        ///< a model provider failed, could not be reached, or answered unusably
  internal,        ///< a bug in promptctl
};

/// A position in a file; lines and columns count from 1, and 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// "file:line:column", leaving out the parts that are unknown.
  [[nodiscard]] std::string to_string() const;
  [[nodiscard]] bool empty() const { return file.empty() && line == 0; }
};

enum class Severity { error, warning };

/// One finding of a check that reports every problem instead of stopping at the first.
struct Diagnostic {
  Severity severity = Severity::error;
  SourceLocation location;
  std::string message;
  std::string code;  ///< a stable identifier, for example "unknown-key"

  /// "file:line:column: error: message".
  [[nodiscard]] std::string to_string() const;
};

/// The one exception type that ends an operation; `what()` includes the location.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message, SourceLocation location = {}, std::string hint = {});

  [[nodiscard]] ErrorKind kind() const { return m_kind; }
  [[nodiscard]] const std::string& message() const { return m_message; }
  [[nodiscard]] const SourceLocation& location() const { return m_location; }
  [[nodiscard]] const std::string& hint() const { return m_hint; }
  /// Further findings behind this error (for example every invalid variable).
  [[nodiscard]] const std::vector<Diagnostic>& details() const { return m_details; }
  Error& with_details(std::vector<Diagnostic> details);

 private:
  ErrorKind m_kind;
  std::string m_message;
  SourceLocation m_location;
  std::string m_hint;
  std::vector<Diagnostic> m_details;
};

/// Throws on the first error among `diagnostics`, carrying all of them as details.
void throw_if_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace promptctl
