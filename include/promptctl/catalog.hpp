// Summaries of many prompts, for listing and filtering.
#pragma once

#include <string>
#include <vector>

#include "promptctl/workspace.hpp"

namespace promptctl {

struct PromptSummary {
  std::string name;
  std::string path;
  std::string description;
  std::vector<std::string> tags;
  std::string category;
  std::string owner;
  std::vector<std::string> variables;
  std::string error;  ///< why the file did not load, when it did not

  /// The summary of a prompt that loaded.
  static PromptSummary of(const Prompt& prompt);

  [[nodiscard]] nlohmann::json to_json() const;
  /// `to_json()` as compact text (invalid UTF-8 replaced), written directly: a listing of
  /// thousands of prompts would otherwise spend most of its time building JSON objects.
  [[nodiscard]] std::string json_text() const;
};

struct CatalogFilter {
  /// Shell patterns ("support/*") or name prefixes ("support/"); any one may match.
  std::vector<std::string> patterns;
  std::vector<std::string> tags;  ///< every one must be present
  std::string category;
  std::string text;  ///< case-insensitive, in name, description, tags or templates

  /// Whether `name` matches one of the patterns (or there are none).
  [[nodiscard]] bool matches_name(const std::string& name) const;
  /// Whether a prompt with this summary has every tag and the category asked for.
  [[nodiscard]] bool matches_metadata(const PromptSummary& summary) const;
};

/// Summaries of the repository's prompts that pass `filter`, sorted by name: what `ls` lists.
/// A prompt that fails to load is kept (with `error` set) when the filter has only name
/// criteria.
std::vector<PromptSummary> list_prompts(Workspace& workspace, const CatalogFilter& filter);

}  // namespace promptctl
