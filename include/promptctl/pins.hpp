// Deploy pins: which prompt version each environment runs, kept in a committed file so that a
// deploy is a commit and the file's history is the deploy history.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/error.hpp"
#include "promptctl/repo.hpp"

namespace promptctl {

/// The pins file, at the prompt repository's top beside promptctl.yaml.
inline constexpr const char* k_pins_file = "deployments.yaml";

/// One prompt's deployed version in one environment.
struct Pin {
  std::string commit;   ///< the full commit id the prompt is read from
  std::string content;  ///< the version's content hash at that commit
  std::string deployed_by;
  std::string deployed_at;  ///< ISO 8601
  /// Set by a deploy that bypassed approvals (an emergency or automatic rollback), with why.
  bool emergency = false;
  std::string reason;

  /// The same version: identical content is, wherever it was committed.
  [[nodiscard]] bool same_version(const Pin& other) const { return content == other.content; }
  /// The pin as JSON output shows it (promptctl-json(7)): UTC time, identity, null for absent.
  [[nodiscard]] nlohmann::json to_json() const;
  /// The fields as the pins file keeps them.
  [[nodiscard]] nlohmann::json file_fields() const;
};

/// Every pin: environment -> prompt -> pin, sorted by name.
struct PinFile {
  std::map<std::string, std::map<std::string, Pin>> environments;

  [[nodiscard]] const Pin* find(std::string_view environment, std::string_view prompt) const;
  /// The file's text: a short header, then YAML.
  [[nodiscard]] std::string to_yaml() const;
};

/// Parses a pins file; problems become diagnostics with line and column.
PinFile parse_pins(std::string_view text, const std::string& path,
                   std::vector<Diagnostic>& diagnostics);

/// The pins committed at `revision` (none when it has no pins file). `prefix` is the prompt
/// repository's folder in the work tree ("" or "sub/dir/"). Throws `Error` (invalid_input) with
/// every problem for a file with errors.
PinFile pins_at(const repo::Repository& repository, const repo::Revision& revision,
                const std::string& prefix);

/// HEAD's commit, or nothing in a repository without commits.
std::optional<repo::Revision> head_if_any(const repo::Repository& repository);

/// The pins committed at HEAD; none in a repository without commits.
PinFile pins_at_head(const repo::Repository& repository, const std::string& prefix);

}  // namespace promptctl
