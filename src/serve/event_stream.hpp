// A response sent as server-sent events while a run's answer arrives: the runner's thread
// pushes events, libmicrohttpd's thread sends them, and the connection is suspended whenever
// everything pushed so far has been sent.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

struct MHD_Connection;

namespace promptctl::serve_detail {

class EventStream {
 public:
  explicit EventStream(MHD_Connection* connection) : m_connection(connection) {}

  /// Adds "event: NAME" with `data` as one line of JSON; from any thread.
  void push(std::string_view name, const nlohmann::json& data);
  /// No event follows: the response ends once what was pushed is sent.
  void finish();

  /// libmicrohttpd's content reader: copies what is waiting into `buffer`, or ends the
  /// response, or, when nothing is waiting yet, suspends the connection until a push.
  ssize_t read(char* buffer, std::size_t max);
  /// libmicrohttpd is done with the response: the connection has ended.
  void release();
  /// Whether the client has gone: the connection ended, or, while it waits suspended for the
  /// next event, its client closed it. From any thread.
  [[nodiscard]] bool client_left();

 private:
  /// Resumes the connection when `read` suspended it; called with the lock held, which it
  /// releases first (a suspended connection cannot be read meanwhile).
  void wake(std::unique_lock<std::mutex>& lock);

  MHD_Connection* m_connection;
  std::mutex m_lock;
  std::string m_pending;
  bool m_finished = false;
  bool m_suspended = false;
  bool m_released = false;
};

}  // namespace promptctl::serve_detail
