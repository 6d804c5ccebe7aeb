// Reading prompt files: where a template in a YAML scalar starts, and the `model` mapping.
#pragma once

#include <yaml-cpp/yaml.h>
#include <optional>
#include <string_view>
#include <vector>

#include "promptctl/prompt.hpp"
#include "promptctl/template.hpp"
#include "promptctl/workspace.hpp"
#include "util/yaml_reader.hpp"

namespace promptctl::prompt_detail {

using util::YamlReader;

/// Where a scalar's text starts in the file, so template positions map to file positions.
tmpl::TextOrigin origin_of(const YamlReader& reader, const YAML::Node& scalar);

/// Reads a `model` mapping (provider, name, temperature, …), reporting problems.
std::optional<ModelSettings> read_model_settings(YamlReader& reader, const YAML::Node& node);

/// Reads `tools:`, a list of {name, description, parameters}, reporting problems. A `- file:
/// PATH` entry names a tools file, added to `files`; without `files` (in a tools file) it is an
/// error.
std::vector<ToolSpec> read_tools(YamlReader& reader, const YAML::Node& node,
                                 std::vector<FileReference>* files);

/// Adds the tools of each tools file `prompt` names, read from `source`, to its tools; a file
/// that is missing or holds something else, and a tool whose name is taken, are diagnostics.
void read_tools_files(PromptSource& source, Prompt& prompt, std::vector<Diagnostic>& diagnostics);

/// Whether `name` can name a tool or an output schema in a request: OpenAI takes 1 to 64
/// letters, digits, '_' and '-'.
bool is_api_name(std::string_view name);
/// Whether `c` may be part of such a name.
bool is_api_name_char(char c);
inline constexpr std::size_t k_max_api_name = 64;

/// Reads a user message's `images:`, a list of {url}, {file} or {var}, reporting problems;
/// `prompt` has its variables read.
std::vector<ImageSpec> read_images(YamlReader& reader, const YAML::Node& node,
                                   const Prompt& prompt);

/// The media type of an image file, by its name: image/png, image/jpeg, image/gif or
/// image/webp; nothing for another kind of file.
std::optional<std::string> image_media_type(std::string_view path);

/// Why `value` cannot be an image of a request (an http(s) URL, or a base64 data URI of a PNG,
/// JPEG, GIF or WebP image), or "".
std::string image_value_problem(std::string_view value);

/// The images as a request carries them: URLs and variables' values as they are, files as data
/// URIs of their bytes, read from `source`. Throws `Error` for a file that is missing or too
/// large.
std::vector<std::string> render_images(const std::vector<ImageSpec>& images,
                                       const nlohmann::json& variables, PromptSource& source);

/// Reads a `store` value (`full`, `redacted` or `hashes`) of a `ledger` mapping.
std::optional<LedgerStore> read_ledger_store(YamlReader& reader, const YAML::Node& node);

}  // namespace promptctl::prompt_detail
