// A git smart-HTTP server on 127.0.0.1 for end-to-end tests: git's own http-backend behind
// Basic authentication with one user and token, as hosting services accept tokens.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

namespace promptctl::testing {

class GitHttpServer {
 public:
  /// Serves the repositories under `root` (as http://127.0.0.1:PORT/NAME.git) to `user` with
  /// password `token`; any other request gets 401.
  GitHttpServer(std::filesystem::path root, std::string user, std::string token);
  ~GitHttpServer();
  GitHttpServer(const GitHttpServer&) = delete;
  GitHttpServer& operator=(const GitHttpServer&) = delete;

  [[nodiscard]] std::string url(const std::string& repository) const;
  [[nodiscard]] int port() const { return m_port; }
  /// Requests turned away for lacking the right credentials.
  [[nodiscard]] int refused() const { return m_refused; }

 private:
  void serve();
  void handle(int connection);

  std::filesystem::path m_root;
  std::string m_expected_authorization;
  std::string m_user;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<int> m_refused{0};
  std::thread m_thread;
};

}  // namespace promptctl::testing
