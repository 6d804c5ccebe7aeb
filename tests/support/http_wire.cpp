#include "support/http_wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace promptctl::testing {

Listener listen_on_loopback(int port) {
  Listener listener;
  listener.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int reuse = 1;
  setsockopt(listener.fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t length = sizeof address;
  if (listener.fd < 0 || bind(listener.fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener.fd, 128) != 0 ||
      getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  listener.port = ntohs(address.sin_port);
  return listener;
}

bool HttpReader::fill(size_t needed) {
  char chunk[65536];
  while (m_buffer.size() < needed) {
    ssize_t got = ::read(m_fd, chunk, sizeof chunk);
    if (got <= 0) {
      return false;
    }
    m_buffer.append(chunk, static_cast<size_t>(got));
  }
  return true;
}

bool HttpReader::read_line(std::string& line) {
  size_t end;
  while ((end = m_buffer.find("\r\n")) == std::string::npos) {
    // A TLS handshake (record type 0x16) sent to this plain-HTTP server: hang up at once, as
    // a real server would, so that the client sees a TLS failure rather than a timeout.
    if (!fill(m_buffer.size() + 1) || m_buffer.front() == '\x16') {
      return false;
    }
  }
  line = m_buffer.substr(0, end);
  m_buffer.erase(0, end + 2);
  return true;
}

bool HttpReader::next(HttpRequest& request) {
  request = HttpRequest{};
  std::string line;
  if (!read_line(line)) {
    return false;
  }
  size_t first = line.find(' ');
  size_t second = line.find(' ', first + 1);
  request.method = line.substr(0, first);
  request.target = line.substr(first + 1, second - first - 1);
  while (read_line(line) && !line.empty()) {
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    size_t value = line.find_first_not_of(' ', colon + 1);
    request.headers[name] = value == std::string::npos ? "" : line.substr(value);
  }
  if (request.header("transfer-encoding") == "chunked") {
    while (read_line(line)) {
      size_t size = std::stoul(line, nullptr, 16);
      if (size == 0) {
        read_line(line);
        break;
      }
      if (!fill(size + 2)) {
        return false;
      }
      request.body += m_buffer.substr(0, size);
      m_buffer.erase(0, size + 2);
    }
  } else if (request.headers.contains("content-length")) {
    size_t size = std::stoul(request.header("content-length"));
    if (!fill(size)) {
      return false;
    }
    request.body = m_buffer.substr(0, size);
    m_buffer.erase(0, size);
  }
  return true;
}

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    // send() so that a closed peer is an error rather than SIGPIPE; write() for pipes.
    ssize_t wrote = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (wrote < 0 && errno == ENOTSOCK) {
      wrote = ::write(fd, data.data() + done, data.size() - done);
    }
    if (wrote <= 0) {
      return false;
    }
    done += static_cast<size_t>(wrote);
  }
  return true;
}

}  // namespace promptctl::testing
