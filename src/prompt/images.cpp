// Images in user messages: read from a prompt's `images:`, checked, and made into what a
// request carries (an http(s) URL, or a data URI holding a repository file's bytes).
#include <algorithm>
#include <array>

#include "prompt/reader.hpp"
#include "util/base64.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace prompt_detail {
namespace {

using nlohmann::json;

// The image types every provider takes, by file extension.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> k_media_types = {{
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
}};

// Larger images are refused by the providers (OpenAI takes 20 MB, Anthropic 5 MB per image).
constexpr std::size_t k_max_image_bytes = 20 * 1024 * 1024;

bool is_base64(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  });
}

std::optional<ImageSpec> read_image(YamlReader& reader, const YAML::Node& item,
                                    const Prompt& prompt) {
  if (!reader.expect_map(item, "an image")) {
    return std::nullopt;
  }
  reader.check_keys(item, {"url", "file", "var"}, "an image");
  if (item.size() != 1) {
    reader.error(item, "an image is {url: URL}, {file: PATH} or {var: NAME}", "structure");
    return std::nullopt;
  }
  const auto entry = *item.begin();
  std::string key = entry.first.Scalar();
  ImageSpec image;
  image.location = reader.where(entry.second);
  image.ref = reader.string(entry.second, "'" + key + "' of an image").value_or("");
  if (key == "url") {
    image.from = ImageSpec::From::url;
    if (std::string problem = image_value_problem(image.ref); !problem.empty()) {
      reader.error(entry.second, "the image's url " + problem, "value");
    }
  } else if (key == "file") {
    image.from = ImageSpec::From::file;
    if (!image_media_type(image.ref)) {
      reader.error(entry.second,
                   "the image file '" + util::printable(image.ref) +
                       "' is not a PNG, JPEG, GIF or WebP file (by its name)",
                   "value");
    }
  } else {
    image.from = ImageSpec::From::variable;
    const VariableSpec* spec = prompt.find_variable(image.ref);
    if (!spec || spec->type != VarType::image) {
      reader.error(entry.second,
                   "the image's var names '" + util::printable(image.ref) +
                       "', which is not a variable of type image",
                   "value");
    }
  }
  return image;
}

}  // namespace

std::optional<std::string> image_media_type(std::string_view path) {
  std::string lower = util::to_lower(path);
  for (const auto& [extension, type] : k_media_types) {
    if (lower.ends_with(extension)) {
      return std::string(type);
    }
  }
  return std::nullopt;
}

std::string image_value_problem(std::string_view value) {
  if (value.starts_with("https://") || value.starts_with("http://")) {
    bool clean = std::none_of(value.begin(), value.end(),
                              [](unsigned char c) { return c <= ' ' || c == 0x7F; });
    return clean ? "" : "is not a URL: it holds spaces or control characters";
  }
  if (value.starts_with("data:")) {
    std::size_t comma = value.find(',');
    std::string_view header = value.substr(0, comma);
    bool known = std::any_of(k_media_types.begin(), k_media_types.end(), [&](const auto& entry) {
      return header == "data:" + std::string(entry.second) + ";base64";
    });
    if (comma == std::string_view::npos || !known) {
      return "is a data URI that is not a base64 PNG, JPEG, GIF or WebP image";
    }
    return is_base64(value.substr(comma + 1)) ? "" : "is a data URI whose data is not base64";
  }
  return "must be an http(s) URL or a data URI (data:image/png;base64,...), not '" +
         util::printable(value) + "'";
}

std::vector<ImageSpec> read_images(YamlReader& reader, const YAML::Node& node,
                                   const Prompt& prompt) {
  std::vector<ImageSpec> images;
  if (!node.IsSequence()) {
    reader.error(node, "'images' is a list of {url}, {file} or {var}", "type");
    return images;
  }
  for (const YAML::Node& item : node) {
    if (std::optional<ImageSpec> image = read_image(reader, item, prompt)) {
      images.push_back(std::move(*image));
    }
  }
  return images;
}

std::vector<std::string> render_images(const std::vector<ImageSpec>& images, const json& variables,
                                       PromptSource& source) {
  std::vector<std::string> out;
  for (const ImageSpec& image : images) {
    switch (image.from) {
      case ImageSpec::From::url:
        out.push_back(image.ref);
        break;
      case ImageSpec::From::variable: {
        auto found = variables.find(image.ref);
        if (found == variables.end() || !found->is_string()) {
          // An optional image that was not given shows nothing.
          break;
        }
        out.push_back(found->get<std::string>());
        break;
      }
      case ImageSpec::From::file: {
        std::optional<SourceFile> file = source.read_data(image.ref);
        if (!file) {
          throw Error(ErrorKind::not_found,
                      "the image file '" + util::printable(image.ref) + "' does not exist",
                      image.location);
        }
        if (file->text.size() > k_max_image_bytes) {
          throw Error(ErrorKind::invalid_input,
                      "the image file '" + util::printable(image.ref) + "' is " +
                          std::to_string(file->text.size()) + " bytes, more than the " +
                          std::to_string(k_max_image_bytes) + " providers take",
                      image.location);
        }
        out.push_back("data:" + image_media_type(image.ref).value_or("image/png") + ";base64," +
                      util::base64_encode(file->text));
        break;
      }
    }
  }
  return out;
}

}  // namespace prompt_detail

std::string_view to_string(ImageSpec::From from) {
  switch (from) {
    case ImageSpec::From::file:
      return "file";
    case ImageSpec::From::variable:
      return "var";
    case ImageSpec::From::url:
      break;
  }
  return "url";
}

std::vector<std::string> Prompt::data_files() const {
  std::vector<std::string> files;
  auto add = [&](const std::string& file) {
    if (std::find(files.begin(), files.end(), file) == files.end()) {
      files.push_back(file);
    }
  };
  for (const MessageTemplate& message : messages) {
    for (const ImageSpec& image : message.images) {
      if (image.from == ImageSpec::From::file) {
        add(image.ref);
      }
    }
  }
  for (const FileReference& file : tools_files) {
    add(file.path);
  }
  return files;
}

}  // namespace promptctl
