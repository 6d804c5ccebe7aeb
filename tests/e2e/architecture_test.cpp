// Keeps the code's #includes in step with the layers ARCHITECTURE.md declares: a module uses
// only modules on lower layers, so the modules never form a cycle.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "e2e/e2e.hpp"

namespace {

namespace fs = std::filesystem;

struct Module {
  int layer = 0;
  std::set<std::string> public_headers;
};

fs::path source_dir() {
  return PROMPTCTL_SOURCE_DIR;
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

// The rows "| LAYER | MODULE | HEADERS | why |" of ARCHITECTURE.md's table.
std::map<std::string, Module> declared_modules() {
  static const std::regex row(R"(^\| *([0-9]+) *\| *([a-z_]+) *\|([^|]*)\|)");
  std::map<std::string, Module> modules;
  for (const std::string& line : lines_of(source_dir() / "ARCHITECTURE.md")) {
    std::smatch match;
    if (std::regex_search(line, match, row)) {
      Module& module = modules[match[2]];
      module.layer = std::stoi(match[1]);
      for (const std::string& header : split_list(match[3])) {
        module.public_headers.insert(header);
      }
    }
  }
  return modules;
}

std::map<std::string, std::string> header_owners(const std::map<std::string, Module>& modules) {
  std::map<std::string, std::string> owners;
  for (const auto& [name, module] : modules) {
    for (const std::string& header : module.public_headers) {
      owners[header] = name;
    }
  }
  return owners;
}

// The module an `#include "…"` line reaches, or "" for a line that is not a quoted include
// of a module (a system header, a generated header).
std::string included_module(const std::string& line,
                            const std::map<std::string, std::string>& owners) {
  static const std::regex include(R"(^#include "([a-z_]+)/([a-z_]+)\.hpp")");
  std::smatch match;
  if (!std::regex_search(line, match, include)) {
    return "";
  }
  if (match[1] == "promptctl") {
    auto owner = owners.find(match[2]);
    return owner == owners.end() ? "?" + std::string(match[2]) : owner->second;
  }
  return match[1];
}

// Every file of the library with the module it belongs to.
std::vector<std::pair<fs::path, std::string>> library_files(
    const std::map<std::string, std::string>& owners) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const auto& folder : fs::directory_iterator(source_dir() / "src")) {
    if (folder.is_directory()) {
      for (const auto& file : fs::directory_iterator(folder.path())) {
        files.emplace_back(file.path(), folder.path().filename().string());
      }
    }
  }
  for (const auto& file : fs::directory_iterator(source_dir() / "include" / "promptctl")) {
    auto owner = owners.find(file.path().stem().string());
    files.emplace_back(file.path(), owner == owners.end() ? "" : owner->second);
  }
  return files;
}

TEST(Architecture, EveryFolderAndPublicHeaderHasItsRow) {
  auto modules = declared_modules();
  ASSERT_GE(modules.size(), 10U) << "the layer table of ARCHITECTURE.md was not found";
  auto owners = header_owners(modules);
  for (const auto& folder : fs::directory_iterator(source_dir() / "src")) {
    if (folder.is_directory()) {
      EXPECT_TRUE(modules.count(folder.path().filename().string())) << folder.path();
    }
  }
  for (const auto& file : fs::directory_iterator(source_dir() / "include" / "promptctl")) {
    EXPECT_TRUE(owners.count(file.path().stem().string())) << file.path();
  }
  for (const auto& [header, owner] : owners) {
    EXPECT_TRUE(fs::exists(source_dir() / "include" / "promptctl" / (header + ".hpp")))
        << owner << " names the header " << header << ", which does not exist";
  }
  for (const auto& [name, module] : modules) {
    EXPECT_TRUE(fs::is_directory(source_dir() / "src" / name)) << name;
  }
}

TEST(Architecture, IncludesGoOnlyToLowerLayers) {
  auto modules = declared_modules();
  auto owners = header_owners(modules);
  std::vector<std::string> violations;
  for (const auto& [path, module] : library_files(owners)) {
    if (!modules.count(module)) {
      continue;  // reported by the test above
    }
    for (const std::string& line : lines_of(path)) {
      std::string target = included_module(line, owners);
      if (target.empty() || target == module) {
        continue;
      }
      auto found = modules.find(target);
      if (found == modules.end()) {
        violations.push_back(path.string() + ": " + line + " (no such module)");
      } else if (found->second.layer >= modules.at(module).layer) {
        violations.push_back(path.string() + ": " + line + " (" + module + ", layer " +
                             std::to_string(modules.at(module).layer) + ", uses " + target +
                             ", layer " + std::to_string(found->second.layer) + ")");
      }
    }
  }
  std::string report;
  for (const std::string& violation : violations) {
    report += "\n  " + violation;
  }
  EXPECT_TRUE(violations.empty()) << "includes against ARCHITECTURE.md:" << report;
}

}  // namespace
