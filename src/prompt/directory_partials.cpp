#include <filesystem>

#include "promptctl/render.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"

namespace promptctl {

const tmpl::Template* DirectoryPartials::find(std::string_view name) {
  for (const auto& [key, parsed] : m_cache) {
    if (key == name) {
      return parsed.get();
    }
  }
  bool escapes = name.empty() || name.front() == '/';
  for (std::string_view segment : util::split(name, '/')) {
    escapes = escapes || segment == "..";
  }
  if (escapes || m_directory.empty()) {
    return nullptr;
  }
  std::filesystem::path path = std::filesystem::path(m_directory) / std::string(name);
  auto text = util::read_file_if_exists(path, k_max_prompt_file_size);
  if (!text) {
    return nullptr;
  }
  auto parsed = std::make_unique<tmpl::Template>(
      tmpl::Template::parse(*text, tmpl::TextOrigin{path.string(), 1, 1, 0}));
  m_cache.emplace_back(std::string(name), std::move(parsed));
  return m_cache.back().second.get();
}

}  // namespace promptctl
