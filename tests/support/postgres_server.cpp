#include "support/postgres_server.hpp"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "support/process.hpp"

namespace promptctl::testing {
namespace {

constexpr const char* k_user = "promptctl";

// The newest installed server's programs (/usr/lib/postgresql/VERSION/bin).
std::filesystem::path server_programs() {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    if (std::filesystem::exists(entry.path() / "bin" / "initdb")) {
      found.push_back(entry.path() / "bin");
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::stoi(a.parent_path().filename().string()) <
           std::stoi(b.parent_path().filename().string());
  });
  return found.empty() ? std::filesystem::path() : found.back();
}

class Server {
 public:
  Server() {
    m_programs = server_programs();
    if (m_programs.empty()) {
      m_problem = "no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)";
      return;
    }
    char pattern[] = "/tmp/promptctl-postgres-XXXXXX";
    if (!mkdtemp(pattern)) {
      m_problem = "cannot make a folder for the server";
      return;
    }
    m_root = pattern;
    // The server refuses to run as root: as root, it runs as the package's `postgres` user.
    if (getuid() == 0) {
      const passwd* account = getpwnam("postgres");
      if (!account) {
        m_problem = "running as root, and there is no 'postgres' user to run the server as";
        return;
      }
      m_as = {"/usr/sbin/runuser", "-u", "postgres", "--"};
      std::filesystem::permissions(m_root, std::filesystem::perms::all);
      if (chown(m_root.c_str(), account->pw_uid, account->pw_gid) != 0) {
        m_problem = "cannot give the server's folder to 'postgres'";
        return;
      }
    }
    std::string data = (m_root / "data").string();
    ProcessResult made = as_server(
        "initdb", {"-D", data, "-A", "trust", "-U", k_user, "-E", "UTF8", "--no-locale", "-N"});
    if (made.exit_code != 0) {
      m_problem = "initdb failed: " + made.out + made.err;
      return;
    }
    // Only the Unix socket; no durability needed for tests.
    ProcessResult started = as_server(
        "pg_ctl", {"-D", data, "-l", (m_root / "server.log").string(), "-w", "-t", "60", "-o",
                   "-k " + m_root.string() +
                       " -c listen_addresses='' -c fsync=off"
                       " -c synchronous_commit=off -c full_page_writes=off",
                   "start"});
    if (started.exit_code != 0) {
      m_problem = "pg_ctl start failed: " + started.out + started.err;
      return;
    }
    m_running = true;
  }

  ~Server() {
    if (m_running) {
      (void)as_server("pg_ctl", {"-D", (m_root / "data").string(), "-m", "immediate", "stop"});
    }
    std::error_code ec;
    std::filesystem::remove_all(m_root, ec);
  }

  [[nodiscard]] const std::string& problem() const { return m_problem; }

  [[nodiscard]] std::string url(const std::string& database) const {
    return "postgresql:///" + database + "?host=" + m_root.string() + "&user=" + k_user;
  }

  std::string create_database() {
    std::string name = "ledger_" + std::to_string(getpid()) + "_" + std::to_string(++m_created);
    ProcessResult made =
        run_process((m_programs / "createdb").string(), {"-h", m_root.string(), "-U", k_user, name},
                    {std::filesystem::temp_directory_path(), {}, {}});
    if (made.exit_code != 0) {
      m_problem = "createdb failed: " + made.err;
      return "";
    }
    return url(name);
  }

 private:
  ProcessResult as_server(const std::string& program, std::vector<std::string> args) const {
    std::string path = (m_programs / program).string();
    if (m_as.empty()) {
      return run_process(path, args, {m_root, {}, {}});
    }
    std::vector<std::string> wrapped(m_as.begin() + 1, m_as.end());
    wrapped.push_back(path);
    wrapped.insert(wrapped.end(), args.begin(), args.end());
    return run_process(m_as.front(), wrapped, {m_root, {}, {}});
  }

  std::filesystem::path m_programs;
  std::filesystem::path m_root;
  std::vector<std::string> m_as;
  std::string m_problem;
  bool m_running = false;
  int m_created = 0;
};

Server& server() {
  static Server running;  // stopped when the test program exits
  return running;
}

std::mutex g_lock;

}  // namespace

std::string new_postgres_database() {
  std::lock_guard guard(g_lock);
  Server& s = server();
  std::string url = s.problem().empty() ? s.create_database() : "";
  if (url.empty()) {
    ADD_FAILURE() << "the tests' PostgreSQL server: " << s.problem();
  }
  return url;
}

std::string missing_postgres_database() {
  std::lock_guard guard(g_lock);
  return server().url("no_such_database");
}

}  // namespace promptctl::testing
