#include "support/git_http_server.hpp"

#include "support/http_wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

namespace promptctl::testing {
namespace {

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {table[(n >> 18) & 63], table[(n >> 12) & 63], table[(n >> 6) & 63], table[n & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    out += {table[(n >> 18) & 63], table[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned n =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {table[(n >> 18) & 63], table[(n >> 12) & 63], table[(n >> 6) & 63], '='};
  }
  return out;
}

// Runs git http-backend as a CGI program and returns its output.
std::string run_backend(const std::filesystem::path& root, const HttpRequest& request,
                        const std::string& user) {
  std::string path = request.target.substr(0, request.target.find('?'));
  std::string query = request.target.find('?') == std::string::npos
                          ? ""
                          : request.target.substr(request.target.find('?') + 1);
  std::vector<std::string> env = {"GIT_PROJECT_ROOT=" + root.string(),
                                  "GIT_HTTP_EXPORT_ALL=1",
                                  "REQUEST_METHOD=" + request.method,
                                  "PATH_INFO=" + path,
                                  "QUERY_STRING=" + query,
                                  "CONTENT_TYPE=" + request.header("content-type"),
                                  "CONTENT_LENGTH=" + std::to_string(request.body.size()),
                                  "REMOTE_USER=" + user,
                                  "REMOTE_ADDR=127.0.0.1",
                                  "GIT_CONFIG_NOSYSTEM=1",
                                  "HOME=" + root.string(),
                                  "PATH=/usr/bin:/bin"};
  int to_child[2];
  int from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) {
    return "Status: 500\r\n\r\n";
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    close(to_child[1]);
    close(from_child[0]);
    std::vector<char*> envp;
    for (std::string& entry : env) {
      envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    char program[] = "git";
    char command[] = "http-backend";
    char* argv[] = {program, command, nullptr};
    execve("/usr/bin/git", argv, envp.data());
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  std::thread feeder([&] {
    (void)write_all(to_child[1], request.body);
    close(to_child[1]);
  });
  std::string output;
  char chunk[65536];
  ssize_t got;
  while ((got = ::read(from_child[0], chunk, sizeof chunk)) > 0) {
    output.append(chunk, static_cast<size_t>(got));
  }
  feeder.join();
  close(from_child[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return output;
}

}  // namespace

GitHttpServer::GitHttpServer(std::filesystem::path root, std::string user, std::string token)
    : m_root(std::move(root)),
      m_expected_authorization("Basic " + base64(user + ":" + token)),
      m_user(std::move(user)) {
  Listener listener = listen_on_loopback();
  m_listener = listener.fd;
  m_port = listener.port;
  m_thread = std::thread([this] { serve(); });
}

GitHttpServer::~GitHttpServer() {
  m_stopping = true;
  m_thread.join();
  close(m_listener);
}

std::string GitHttpServer::url(const std::string& repository) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + "/" + repository;
}

void GitHttpServer::serve() {
  while (!m_stopping) {
    pollfd waiting{m_listener, POLLIN, 0};
    if (poll(&waiting, 1, 50) <= 0) {
      continue;
    }
    int connection = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection >= 0) {
      handle(connection);
      close(connection);
    }
  }
}

// One request per connection ("Connection: close"); libgit2 reconnects as needed.
void GitHttpServer::handle(int connection) {
  HttpRequest request;
  HttpReader reader(connection);
  if (!reader.next(request)) {
    return;
  }
  if (request.header("authorization") != m_expected_authorization) {
    ++m_refused;
    write_all(connection,
              "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"prompts\"\r\n"
              "Content-Length: 0\r\nConnection: close\r\n\r\n");
    return;
  }
  std::string output = run_backend(m_root, request, m_user);
  size_t split = output.find("\r\n\r\n");
  size_t skip = 4;
  if (split == std::string::npos) {
    split = output.find("\n\n");
    skip = 2;
  }
  std::string headers = split == std::string::npos ? "" : output.substr(0, split);
  std::string body = split == std::string::npos ? output : output.substr(split + skip);
  std::string status = "200 OK";
  if (size_t at = headers.find("Status: "); at != std::string::npos) {
    status = headers.substr(at + 8, headers.find_first_of("\r\n", at) - at - 8);
  }
  write_all(connection, "HTTP/1.1 " + status + "\r\n" + headers + "\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

}  // namespace promptctl::testing
