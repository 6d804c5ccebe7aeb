// The server's state, shared by the file that answers requests and the one that starts,
// reloads and stops the server.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "promptctl/repo.hpp"
#include "promptctl/server.hpp"
#include "serve/cors.hpp"
#include "serve/metrics.hpp"
#include "serve/mhd_api.hpp"
#include "serve/routes.hpp"
#include "serve/runner.hpp"
#include "serve/snapshot.hpp"
#include "serve/tokens.hpp"

namespace promptctl {
namespace serve_detail {

// What one request gathers between libmicrohttpd's calls: the start time and the body; for a
// run, which waits for its answer suspended, the answer once it is ready.
struct Exchange {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  Route route = Route::unknown;  ///< found once, when the headers come
  std::string name;              ///< the prompt, experiment or run the path names
  std::string body;
  bool too_large = false;
  std::mutex ready_lock;  ///< `ready` is written by the runner's thread
  std::optional<Response> ready;
  std::string commit;  ///< the commit the run's prompt was read from
};

}  // namespace serve_detail

/// The server's state: what libmicrohttpd's threads answer from (`requests.cpp`) and what
/// starts, reloads and stops it (`server.cpp`).
struct Server::Impl {
  Workspace& workspace;
  ServeOptions options;
  serve_detail::TokenCheck tokens;
  serve_detail::CorsPolicy cors;
  serve_detail::Metrics metrics;
  std::atomic<std::shared_ptr<const serve_detail::Snapshot>> served;
  serve_detail::DaemonHandle daemon;
  int bound_port = 0;
  std::unique_ptr<serve_detail::Runner> runner;  ///< with --allow-run only

  // Draining: after stop() begins, answers ask clients to close their connections, and stop()
  // waits until no request is in flight.
  std::atomic<bool> draining{false};
  std::mutex flight_lock;
  std::condition_variable flight_done;
  std::size_t in_flight = 0;

  // The reload thread and what it reads the refs through.
  std::mutex reload_lock;
  std::optional<repo::Repository> refs;
  std::string failed_commit;  ///< a state that did not load: not tried again until it moves
  std::thread reloader;
  std::mutex stop_lock;
  std::condition_variable stop_signal;
  bool stopping = false;

  Impl(Workspace& ws, ServeOptions opts)
      : workspace(ws),
        options(std::move(opts)),
        tokens(options.tokens),
        cors(options.cors_origins) {}

  std::shared_ptr<const serve_detail::Snapshot> snapshot() const {
    return served.load(std::memory_order_acquire);
  }

  // requests.cpp
  static MHD_Result on_request(void* self, MHD_Connection* connection, const char* url,
                               const char* method, const char*, const char* upload_data,
                               size_t* upload_size, void** state);
  static void on_completed(void* self, MHD_Connection*, void** state, MHD_RequestTerminationCode);

  MHD_Result receive(MHD_Connection* connection, serve_detail::Exchange& exchange, const char* data,
                     size_t* size);
  MHD_Result answer(MHD_Connection* connection, serve_detail::Exchange& exchange, const char* url,
                    const char* method);
  serve_detail::Response respond(MHD_Connection* connection, serve_detail::Exchange& exchange,
                                 const char* url, const char* method, std::string& commit,
                                 bool& suspended);
  std::optional<serve_detail::Response> refused_by_scope(TokenScope scope,
                                                         serve_detail::Route route) const;
  serve_detail::Response start_run(MHD_Connection* connection, serve_detail::Exchange& exchange,
                                   const std::string& name, serve_detail::Request& request,
                                   const serve_detail::Snapshot& snapshot, bool& suspended);
  serve_detail::Response start_streamed_run(MHD_Connection* connection, serve_detail::RunJob& job);
  MHD_Result send_and_count(MHD_Connection* connection, serve_detail::Exchange& exchange,
                            const serve_detail::Response& response, const char* method,
                            const char* url, serve_detail::Route route, const std::string& commit);
  MHD_Result send(MHD_Connection* connection, const serve_detail::Response& response,
                  const std::string& commit);
  void log(const char* method, const char* url, serve_detail::Route route, int status,
           std::size_t bytes, double seconds, const std::string& commit) const;
  // server.cpp
  bool reload_now();
  void watch_refs();
};

}  // namespace promptctl
