// A temporary directory removed with everything in it when the object goes away.
#pragma once

#include <filesystem>
#include <string>

namespace promptctl::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
  /// Writes `content` to `relative` below the directory, creating parent directories.
  void write(const std::string& relative, const std::string& content) const;
  [[nodiscard]] std::string read(const std::string& relative) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace promptctl::testing
