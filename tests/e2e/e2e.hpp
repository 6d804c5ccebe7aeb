// Shared fixture for end-to-end tests: a scratch prompt repository made by `promptctl init`.
#pragma once

#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace promptctl::testing {

class RepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult init = run({"init", "repo"}, m_dir.path());
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  [[nodiscard]] std::filesystem::path root() const { return m_dir.path() / "repo"; }

  ProcessResult run(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                    const std::string& input = {},
                    const std::map<std::string, std::string>& env = {}) const {
    ProcessOptions options;
    options.cwd = cwd.empty() ? root() : cwd;
    options.stdin_text = input;
    options.env = env;
    return run_promptctl(args, options);
  }

  void write(const std::string& relative, const std::string& content) const {
    m_dir.write("repo/" + relative, content);
  }
  [[nodiscard]] std::string read(const std::string& relative) const {
    return m_dir.read("repo/" + relative);
  }

  TempDir m_dir;
};

}  // namespace promptctl::testing
