// The small part of HTTP/1.1 the loopback test servers need: a listening socket on 127.0.0.1,
// reading requests (keep-alive aware) and writing bytes.
#pragma once

#include <map>
#include <string>

namespace promptctl::testing {

struct HttpRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;

  [[nodiscard]] std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

/// A socket listening on 127.0.0.1 at a free port; throws std::runtime_error when it cannot.
struct Listener {
  int fd = -1;
  int port = 0;
};
Listener listen_on_loopback(int port = 0);

/// Reads requests from one connection; bytes past a request stay for the next one.
class HttpReader {
 public:
  explicit HttpReader(int fd) : m_fd(fd) {}
  /// The next request, or false when the connection ended first.
  bool next(HttpRequest& request);

 private:
  bool fill(size_t needed);
  bool read_line(std::string& line);
  int m_fd;
  std::string m_buffer;
};

/// Writes all of `data`; false when the peer is gone.
bool write_all(int fd, const std::string& data);

}  // namespace promptctl::testing
