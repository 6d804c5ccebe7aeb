#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "support/http_wire.hpp"

namespace promptctl::testing {
namespace {

HttpResponse parse(const std::string& raw) {
  HttpResponse response;
  std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    response.error = raw.empty() ? "no answer" : "an answer cut short in its headers";
    return response;
  }
  std::size_t line_end = raw.find("\r\n");
  std::string status_line = raw.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    response.error = "not an HTTP answer: " + status_line;
    return response;
  }
  for (std::size_t at = line_end + 2; at < head_end;) {
    std::size_t end = raw.find("\r\n", at);
    std::string line = raw.substr(at, end - at);
    at = end + 2;
    std::size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::size_t value = line.find_first_not_of(' ', colon + 1);
    response.headers[name] = value == std::string::npos ? "" : line.substr(value);
  }
  response.body = raw.substr(head_end + 4);
  if (response.header("transfer-encoding") == "chunked") {
    std::string chunked = std::move(response.body);
    response.body.clear();
    std::size_t at = 0;
    while (at < chunked.size()) {
      std::size_t size_end = chunked.find("\r\n", at);
      if (size_end == std::string::npos) {
        break;
      }
      std::size_t size = std::stoul(chunked.substr(at, size_end - at), nullptr, 16);
      if (size == 0) {
        break;
      }
      response.body += chunked.substr(size_end + 2, size);
      at = size_end + 2 + size + 2;
    }
  }
  std::string length = response.header("content-length");
  if (!length.empty() && std::stoul(length) != response.body.size()) {
    response.error =
        "the body has " + std::to_string(response.body.size()) + " of " + length + " bytes";
    return response;
  }
  response.status = std::stoi(status_line.substr(9, 3));
  return response;
}

// A socket connected to 127.0.0.1:`port`, or -1 with `error` said.
int connect_loopback(int port, std::string& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool http_leave(int port, const std::string& request, const std::function<bool()>& leave) {
  std::string error;
  int fd = connect_loopback(port, error);
  if (fd < 0) {
    return false;
  }
  bool sent = write_all(fd, request);
  while (sent && !leave()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::close(fd);
  return sent;
}

HttpResponse http_raw(int port, const std::string& first, const std::string& second, int pause_ms) {
  HttpResponse failed;
  int fd = connect_loopback(port, failed.error);
  if (fd < 0) {
    return failed;
  }
  timeval timeout{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  bool sent = write_all(fd, first);
  if (sent && !second.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    sent = write_all(fd, second);
  }
  std::string raw;
  char buffer[8192];
  ssize_t n = 0;
  while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  int read_error = n < 0 ? errno : 0;
  ::close(fd);
  HttpResponse response = parse(raw);
  if (response.status == 0 && read_error) {
    response.error += std::string(" (") + std::strerror(read_error) + ")";
  }
  if (!sent && response.status == 0) {
    response.error = "the request could not be sent";
  }
  return response;
}

HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::string& body,
                          const std::map<std::string, std::string>& headers) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += "Connection: close\r\n";
  for (const auto& [name, value] : headers) {
    request += name + ": " + value + "\r\n";
  }
  if (!body.empty() || method == "POST") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return http_raw(port, request + "\r\n" + body);
}

}  // namespace promptctl::testing
