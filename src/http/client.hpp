// HTTP over libcurl: one Transfer per request, many at once through one MultiClient, which
// keeps connections open between requests to the same host.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace promptctl::http {

/// TLS files besides the system's trusted certificates; an empty field is left at libcurl's
/// default. Verification of the server is always on.
struct TlsFiles {
  std::string ca_file;
  std::string ca_path;
  std::string client_cert;
  std::string client_key;
};

struct Request {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< sent with POST; empty with `method` GET
  std::string method = "POST";
  long timeout_ms = 600000;
  long connect_timeout_ms = 10000;
  TlsFiles tls;
};

/// How a transfer failed below HTTP, coarsely, for deciding whether to try again.
enum class TransportFailure { none, timeout, connect, dropped, tls, other };

struct Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  ///< names in lowercase; the last value wins
  TransportFailure failure = TransportFailure::none;
  std::string failure_message;  ///< libcurl's description, when `failure` is set
  /// Requests sent: more than one when libcurl sent it again by itself, on a fresh connection
  /// after a reused one turned out closed. Each reached the server, and may have been charged.
  int requests_sent = 0;
};

/// One request in flight. Receives the body as it arrives; `on_chunk` (optional) sees each piece
/// of a successful (2xx) response, for streaming.
class Transfer {
 public:
  Transfer(const Request& request, std::function<void(std::string_view)> on_chunk);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  [[nodiscard]] const Response& response() const { return m_response; }
  [[nodiscard]] void* handle() const { return m_easy; }
  /// Records how libcurl finished the transfer (`code` is a CURLcode).
  void finish(int code);
  /// True when `on_chunk` threw; the transfer was stopped then.
  [[nodiscard]] bool chunk_error() const { return !m_chunk_error.empty(); }
  [[nodiscard]] const std::string& chunk_error_message() const { return m_chunk_error; }

 private:
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  friend struct TransferHooks;

  void* m_easy = nullptr;
  void* m_header_list = nullptr;
  std::string m_body;
  std::function<void(std::string_view)> m_on_chunk;
  std::string m_chunk_error;
  Response m_response;
};

/// Runs transfers concurrently on one thread.
class MultiClient {
 public:
  MultiClient();
  ~MultiClient();
  MultiClient(const MultiClient&) = delete;
  MultiClient& operator=(const MultiClient&) = delete;

  void add(Transfer& transfer);
  /// Stops a transfer that has not finished, closing its connection if the answer was still
  /// coming; it is no longer part of this client.
  void remove(Transfer& transfer);
  /// Moves transfers along, waiting up to `timeout_ms` for activity; returns those that
  /// finished (and are no longer part of this client).
  std::vector<Transfer*> poll(int timeout_ms);
  /// Ends the wait of a `poll` now, or of the next one if none waits; from any thread.
  void wake();
  [[nodiscard]] size_t active() const { return m_active.size(); }

 private:
  void* m_multi = nullptr;
  std::vector<Transfer*> m_active;
};

}  // namespace promptctl::http
