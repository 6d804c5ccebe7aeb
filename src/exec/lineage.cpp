#include "promptctl/lineage.hpp"

#include <algorithm>
#include <cstdlib>

#include "exec/provider_settings.hpp"
#include "promptctl/history.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl {

namespace fs = std::filesystem;

Lineage lineage_of(const ResolvedPrompt& resolved, const repo::Repository* repository) {
  Lineage lineage;
  lineage.prompt = resolved.prompt.name;
  if (resolved.revision) {
    lineage.revision = resolved.revision->expression;
    lineage.commit = resolved.revision->commit_id;
  } else if (repository) {
    try {
      lineage.commit = repository->resolve("HEAD").commit_id;
    } catch (const Error&) {
      // A repository without commits yet: the content hash still identifies the version.
    }
  }
  lineage.content_hash = content_identity(resolved.source(), resolved.prompt).hash;
  return lineage;
}

RunRecord make_run_record(const Lineage& lineage, const nlohmann::json& variables,
                          const CallResult& result) {
  RunRecord run;
  run.started_ms = result.started_ms;
  run.finished_ms = result.finished_ms;
  run.prompt = lineage.prompt;
  run.revision = lineage.revision;
  run.commit = lineage.commit;
  run.content_hash = lineage.content_hash;
  run.environment = lineage.environment;
  run.request = result.request.to_json();
  run.request_hash = result.request.hash();
  run.variables = variables;
  run.provider = result.request.provider;
  run.model = result.request.model;
  run.output = result.ok ? result.response.text : "";
  run.finish_reason = result.response.finish_reason;
  run.input_tokens = result.response.input_tokens;
  run.output_tokens = result.response.output_tokens;
  run.latency_ms = result.latency_ms;
  run.cost = result.cost;
  run.status = result.ok ? "ok" : "error";
  run.error = result.error;
  run.attempts = result.attempts;
  run.cached = result.cached;
  run.parent_id = lineage.parent_id;
  run.experiment = lineage.experiment;
  run.variant = lineage.variant;
  return run;
}

StatePaths state_paths(const Workspace& workspace) {
  std::optional<fs::path> state = workspace.state_dir();
  if (!state) {
    throw Error(ErrorKind::usage,
                "runs are recorded under the git directory, and '" + workspace.root().string() +
                    "' is not in a git work tree",
                {}, "run 'git init' there first");
  }
  // The ledger and the cache hold every rendered request, variable and answer: only the owner
  // may read them, whatever the umask.
  util::make_private_directory(*state);
  return {*state / "ledger.db", *state / "cache"};
}

fs::path user_config_file() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) {
    return fs::path(xdg) / "promptctl" / "config.yaml";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : ".") / ".config" / "promptctl" / "config.yaml";
}

namespace {

// PROMPTCTL_TRUSTED_ENDPOINTS: URL prefixes separated by spaces or commas.
std::vector<std::string> trusted_endpoints_from_environment() {
  std::vector<std::string> endpoints;
  const char* value = std::getenv("PROMPTCTL_TRUSTED_ENDPOINTS");
  std::string text = value ? value : "";
  std::replace(text.begin(), text.end(), ',', ' ');
  for (std::string_view endpoint : util::split_whitespace(text)) {
    endpoints.emplace_back(endpoint);
  }
  return endpoints;
}

// Applies the user configuration file's `providers:` and collects its `trusted_endpoints:`.
void apply_user_config(std::map<std::string, ProviderSettings>& providers,
                       std::vector<std::string>& trusted) {
  fs::path file = user_config_file();
  std::optional<std::string> text = util::read_file_if_exists(file, 1 << 20);
  if (!text) {
    return;
  }
  std::vector<Diagnostic> diagnostics;
  prompt_detail::YamlReader reader(file.string(), *text, diagnostics);
  try {
    YAML::Node root = util::parse_yaml(*text, file.string());
    if (!root.IsNull() && reader.expect_map(root, "'" + file.string() + "'")) {
      reader.check_keys(root, {"providers", "trusted_endpoints"}, "");
      if (root["providers"]) {
        exec_detail::read_providers(reader, root["providers"], providers,
                                    exec_detail::SettingsLayer::user);
      }
      if (root["trusted_endpoints"]) {
        for (const std::string& endpoint :
             reader.strings(root["trusted_endpoints"], "'trusted_endpoints'")
                 .value_or(std::vector<std::string>{})) {
          trusted.push_back(endpoint);
        }
      }
    }
  } catch (const Error& e) {
    reader.error_at(e.location(), e.message(), "yaml");
  }
  throw_if_errors(diagnostics);
}

}  // namespace

std::map<std::string, ProviderSettings> configured_providers(const RepoSettings& settings) {
  std::map<std::string, ProviderSettings> providers = settings.providers;
  std::vector<std::string> trusted = trusted_endpoints_from_environment();
  apply_user_config(providers, trusted);
  for (auto& [name, provider] : providers) {
    provider.trusted_endpoints = trusted;
  }
  return providers;
}

}  // namespace promptctl
