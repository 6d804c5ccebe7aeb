// A small HTTP/1.1 client over loopback for the server's end-to-end tests: one request per
// connection, read to the end, so that a test sees exactly the bytes the server sent.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace promptctl::testing {

struct HttpResponse {
  int status = 0;  ///< 0 when no answer came (refused, reset, cut short)
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::string error;  ///< why there is no whole answer

  [[nodiscard]] std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

/// Sends one request to 127.0.0.1:`port` (with "Connection: close" and, for a body,
/// "Content-Length") and reads the whole answer. Never throws: failures are in `error`.
HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::string& body = {},
                          const std::map<std::string, std::string>& headers = {});

/// The same with a request written by the caller, byte for byte, in two parts with a pause
/// between them (a slow client).
HttpResponse http_raw(int port, const std::string& first, const std::string& second = {},
                      int pause_ms = 0);

/// Sends a request written by the caller, then, as soon as `leave` says so (asked every 10 ms),
/// closes the connection without reading an answer: a client that gives up. False when the
/// request could not be sent.
bool http_leave(int port, const std::string& request, const std::function<bool()>& leave);

}  // namespace promptctl::testing
