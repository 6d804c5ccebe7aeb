// Reading a prompt's `tools:`: the functions a model may call, each with a JSON Schema for its
// arguments, checked as every provider's API checks them.
#include <algorithm>
#include <cctype>
#include <set>

#include "prompt/reader.hpp"
#include "util/json_schema.hpp"
#include "util/strings.hpp"
#include "util/yaml.hpp"

namespace promptctl::prompt_detail {
namespace {

const std::vector<std::string> k_tool_keys = {"name", "description", "parameters"};

// Every provider wants a tool's arguments as an object; a tool without parameters takes none.
nlohmann::json no_parameters() {
  return {{"type", "object"}, {"properties", nlohmann::json::object()}};
}

void read_parameters(YamlReader& reader, const YAML::Node& node, ToolSpec& tool) {
  std::string what = "'parameters' of tool '" + util::printable(tool.name) + "'";
  if (!node.IsMap()) {
    reader.error(node, what + " is a JSON Schema written as a mapping", "type");
    return;
  }
  tool.parameters = util::yaml_to_json(node);
  if (tool.parameters.value("type", nlohmann::json()) != "object") {
    reader.error(node, what + " must be a schema of type object: the arguments are an object",
                 "schema");
  }
  for (const std::string& problem : util::schema_problems(tool.parameters)) {
    reader.error(node, what + ": " + problem, "schema");
  }
}

std::optional<ToolSpec> read_tool(YamlReader& reader, const YAML::Node& node) {
  if (!reader.expect_map(node, "a tool")) {
    return std::nullopt;
  }
  reader.check_keys(node, k_tool_keys, "a tool");
  ToolSpec tool;
  tool.location = reader.where(node);
  if (!node["name"]) {
    reader.error(node, "a tool needs a 'name'", "missing");
    return std::nullopt;
  }
  tool.name = reader.string(node["name"], "a tool's 'name'").value_or("");
  if (!is_api_name(tool.name)) {
    reader.error(node["name"],
                 "a tool's name has 1 to 64 letters, digits, '_' or '-', not '" +
                     util::printable(tool.name) + "'",
                 "value");
  }
  if (node["description"]) {
    tool.description = reader.string(node["description"], "a tool's 'description'").value_or("");
  }
  tool.parameters = no_parameters();
  if (node["parameters"]) {
    read_parameters(reader, node["parameters"], tool);
  }
  return tool;
}

// `- file: PATH`: the tools of a shared file, where the prompt lists it.
void read_file_reference(YamlReader& reader, const YAML::Node& item,
                         std::vector<FileReference>* files) {
  reader.check_keys(item, {"file"}, "a tools file entry");
  if (!files) {
    reader.error(item, "a tools file cannot name another", "structure");
    return;
  }
  std::optional<std::string> path = reader.string(item["file"], "'file'");
  if (path) {
    files->push_back({*path, reader.where(item["file"])});
  }
}

// The tools a tools file holds: a list of tools, or a mapping with `tools:`.
std::vector<ToolSpec> tools_of_file(const SourceFile& file, std::vector<Diagnostic>& diagnostics) {
  YAML::Node root;
  try {
    root = util::parse_yaml(file.text, file.path);
  } catch (const Error& e) {
    diagnostics.push_back({Severity::error, e.location(), e.message(), "yaml"});
    return {};
  }
  YamlReader reader(file.path, file.text, diagnostics);
  if (root.IsMap()) {
    reader.check_keys(root, {"tools"}, "a tools file");
    root = root["tools"];
  }
  if (!root || root.IsNull()) {
    reader.error_at({file.path, 1, 1}, "a tools file holds a list of tools", "structure");
    return {};
  }
  return read_tools(reader, root, nullptr);
}

}  // namespace

void read_tools_files(PromptSource& source, Prompt& prompt, std::vector<Diagnostic>& diagnostics) {
  for (const FileReference& reference : prompt.tools_files) {
    std::optional<SourceFile> file;
    try {
      file = source.read_data(reference.path);
    } catch (const Error& e) {
      diagnostics.push_back({Severity::error, reference.location, e.message(), "missing-file"});
      continue;
    }
    if (!file) {
      diagnostics.push_back(
          {Severity::error, reference.location,
           "the tools file '" + util::printable(reference.path) + "' does not exist",
           "missing-file"});
      continue;
    }
    for (ToolSpec& tool : tools_of_file(*file, diagnostics)) {
      bool taken = std::any_of(prompt.tools.begin(), prompt.tools.end(),
                               [&](const ToolSpec& other) { return other.name == tool.name; });
      if (taken) {
        diagnostics.push_back({Severity::error, tool.location,
                               "a second tool named '" + util::printable(tool.name) +
                                   "' (the prompt has one already)",
                               "duplicate"});
        continue;
      }
      prompt.tools.push_back(std::move(tool));
    }
  }
}

bool is_api_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_api_name(std::string_view name) {
  return !name.empty() && name.size() <= k_max_api_name &&
         std::all_of(name.begin(), name.end(), is_api_name_char);
}

std::vector<ToolSpec> read_tools(YamlReader& reader, const YAML::Node& node,
                                 std::vector<FileReference>* files) {
  std::vector<ToolSpec> tools;
  if (!node.IsSequence()) {
    reader.error(node, "'tools' is a list of tools, each {name, description, parameters}", "type");
    return tools;
  }
  std::set<std::string> names;
  for (const YAML::Node& item : node) {
    if (item.IsMap() && item["file"]) {
      read_file_reference(reader, item, files);
      continue;
    }
    std::optional<ToolSpec> tool = read_tool(reader, item);
    if (!tool) {
      continue;
    }
    if (!names.insert(tool->name).second) {
      reader.error(item["name"], "a second tool named '" + util::printable(tool->name) + "'",
                   "duplicate");
      continue;
    }
    tools.push_back(std::move(*tool));
  }
  return tools;
}

}  // namespace promptctl::prompt_detail
