#include "promptctl/pins.hpp"

#include <algorithm>
#include <cctype>

#include "prompt/pins_reader.hpp"
#include "promptctl/prompt.hpp"
#include "util/json_output.hpp"
#include "util/yaml.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl {
namespace {

// 40 lowercase hexadecimal digits: a commit id, or a content hash.
bool is_full_object_id(std::string_view text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
         });
}

// `context` is the pin's path, "production.greet", quoted in messages.
std::optional<Pin> read_pin(util::YamlReader& reader, const YAML::Node& node,
                            const std::string& path) {
  const std::string context = "'" + path + "'";
  auto field = [&](const std::string& key) { return "'" + path + "." + key + "'"; };
  if (!reader.expect_map(node, context)) {
    return std::nullopt;
  }
  reader.check_keys(
      node, {"commit", "content", "deployed_by", "deployed_at", "emergency", "reason"}, context);
  Pin pin;
  for (auto [key, target] :
       {std::pair{"commit", &pin.commit}, std::pair{"content", &pin.content}}) {
    if (!node[key]) {
      reader.error(node, context + " has no '" + key + "'", "missing-key");
      continue;
    }
    *target = reader.string(node[key], field(key)).value_or("");
  }
  if (node["commit"] && !pin.commit.empty() && !is_full_object_id(pin.commit)) {
    reader.error(node["commit"],
                 field("commit") + " '" + pin.commit + "' is not a full 40-digit commit id",
                 "value");
  }
  // A content hash has the form of an object id (promptctl show prints it).
  if (node["content"] && !pin.content.empty() && !is_full_object_id(pin.content)) {
    reader.error(node["content"],
                 field("content") + " '" + pin.content + "' is not a 40-digit content hash",
                 "value");
  }
  for (auto [key, target] :
       {std::pair{"deployed_by", &pin.deployed_by}, std::pair{"deployed_at", &pin.deployed_at},
        std::pair{"reason", &pin.reason}}) {
    if (node[key]) {
      *target = reader.string(node[key], field(key)).value_or("");
    }
  }
  if (node["emergency"]) {
    pin.emergency = reader.boolean(node["emergency"], field("emergency")).value_or(false);
  }
  return pin;
}

// Environment and prompt names are plain words or paths, written bare; anything else quoted.
std::string key_text(const std::string& key) {
  bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '_' ||
           c == '.';
  });
  return plain ? key : nlohmann::json(key).dump();
}

}  // namespace

nlohmann::json Pin::to_json() const {
  return {{"commit", commit},
          {"content_hash", content},
          {"deployed_by", util::identity_json(deployed_by)},
          {"deployed_at", util::timestamp_or_null(deployed_at)},
          {"emergency", emergency},
          {"reason", util::text_or_null(reason)}};
}

nlohmann::json Pin::file_fields() const {
  nlohmann::json out = {{"commit", commit},
                        {"content", content},
                        {"deployed_by", deployed_by},
                        {"deployed_at", deployed_at}};
  if (emergency) {
    out["emergency"] = true;
  }
  if (!reason.empty()) {
    out["reason"] = reason;
  }
  return out;
}

const Pin* PinFile::find(std::string_view environment, std::string_view prompt) const {
  auto env = environments.find(std::string(environment));
  if (env == environments.end()) {
    return nullptr;
  }
  auto pin = env->second.find(std::string(prompt));
  return pin == env->second.end() ? nullptr : &pin->second;
}

std::string PinFile::to_yaml() const {
  std::string text =
      "# What each environment runs, written by 'promptctl deploy' and 'promptctl rollback'.\n"
      "# Every change is a commit; 'promptctl check' verifies each pin against its policy.\n";
  bool any = false;
  for (const auto& [environment, pins] : environments) {
    if (pins.empty()) {
      continue;
    }
    any = true;
    text += key_text(environment) + ":\n";
    for (const auto& [prompt, pin] : pins) {
      text += "  " + key_text(prompt) + ":\n";
      const nlohmann::json fields = pin.file_fields();
      for (auto field = fields.begin(); field != fields.end(); ++field) {
        // JSON's strings and booleans are YAML flow scalars, so every value reads back as is.
        text += "    " + field.key() + ": " + field.value().dump() + "\n";
      }
    }
  }
  return any ? text : text + "{}\n";
}

PinFile parse_pins(std::string_view text, const std::string& path,
                   std::vector<Diagnostic>& diagnostics) {
  if (std::optional<PinFile> written = prompt_detail::read_written_pins(text)) {
    return std::move(*written);
  }
  return prompt_detail::parse_pins_as_yaml(text, path, diagnostics);
}

PinFile prompt_detail::parse_pins_as_yaml(std::string_view text, const std::string& path,
                                          std::vector<Diagnostic>& diagnostics) {
  PinFile pins;
  util::YamlReader reader(path, text, diagnostics);
  YAML::Node root;
  try {
    root = util::parse_yaml(text, path);
  } catch (const Error& e) {
    reader.error_at(e.location(), e.message(), "yaml");
    return pins;
  }
  if (root.IsNull() || !reader.expect_map(root, "'" + path + "'")) {
    return pins;
  }
  for (const auto& environment : root) {
    std::string name = environment.first.Scalar();
    if (!reader.expect_map(environment.second, "'" + name + "'")) {
      continue;
    }
    auto& entries = pins.environments[name];
    for (const auto& entry : environment.second) {
      std::string prompt = entry.first.Scalar();
      if (auto pin = read_pin(reader, entry.second, name + "." + prompt)) {
        entries[prompt] = *pin;
      }
    }
  }
  return pins;
}

PinFile pins_at(const repo::Repository& repository, const repo::Revision& revision,
                const std::string& prefix) {
  std::string path = prefix + k_pins_file;
  auto text = repository.read_file(revision, path);
  if (!text) {
    return {};
  }
  std::vector<Diagnostic> diagnostics;
  PinFile pins = parse_pins(*text, revision.short_id() + ":" + path, diagnostics);
  throw_if_errors(diagnostics);
  return pins;
}

std::optional<repo::Revision> head_if_any(const repo::Repository& repository) {
  try {
    return repository.resolve("HEAD");
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found) {
      return std::nullopt;
    }
    throw;
  }
}

PinFile pins_at_head(const repo::Repository& repository, const std::string& prefix) {
  auto head = head_if_any(repository);
  return head ? pins_at(repository, *head, prefix)
              : PinFile{};  // nothing committed, nothing pinned
}

}  // namespace promptctl
