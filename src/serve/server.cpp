// The HTTP server: libmicrohttpd's threads call `on_request`, which checks the token, routes
// the request over the snapshot served now, and logs it. A second thread watches the refs.
#include "promptctl/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <thread>

#include "openapi_document.hpp"
#include "promptctl/policy.hpp"
#include "serve/metrics.hpp"
#include "serve/mhd_api.hpp"
#include "serve/routes.hpp"
#include "serve/run_routes.hpp"
#include "serve/runner.hpp"
#include "serve/snapshot.hpp"
#include "serve/tokens.hpp"
#include "util/dates.hpp"
#include "util/json_document.hpp"

namespace promptctl {

using serve_detail::mhd;
using serve_detail::MhdApi;
using serve_detail::Request;
using serve_detail::Response;
using serve_detail::Route;
using serve_detail::Snapshot;
using Clock = std::chrono::steady_clock;

namespace {

// What one request gathers between libmicrohttpd's calls: the start time and the body; for a
// run, which waits for its answer suspended, the answer once it is ready.
struct Exchange {
  Clock::time_point started = Clock::now();
  std::string body;
  bool too_large = false;
  std::mutex ready_lock;  ///< `ready` is written by the runner's thread
  std::optional<Response> ready;
  std::string commit;  ///< the commit the run's prompt was read from
};

// The bound address, IPv4 or IPv6.
struct ListenAddress {
  sockaddr_storage storage{};
  bool ipv6 = false;
};

ListenAddress listen_address(const std::string& address, int port) {
  ListenAddress out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    out.ipv6 = true;
  } else {
    throw Error(ErrorKind::usage, "'" + address + "' is not an IP address", {},
                "give one such as 127.0.0.1 or ::1");
  }
  return out;
}

MHD_Result collect_query(void* target, MHD_ValueKind, const char* key, const char* value) {
  static_cast<Request*>(target)->query.emplace_back(key ? key : "", value ? value : "");
  return MHD_YES;
}

Response plain(int status, std::string body, std::string content_type = "application/json") {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

std::string header(MHD_Connection* connection, const char* name) {
  const char* value = mhd().MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value ? value : "";
}

}  // namespace

struct Server::Impl {
  Workspace& workspace;
  ServeOptions options;
  serve_detail::TokenCheck tokens;
  serve_detail::Metrics metrics;
  std::atomic<std::shared_ptr<const Snapshot>> served;
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
      : workspace(ws), options(std::move(opts)), tokens(options.tokens) {}

  std::shared_ptr<const Snapshot> snapshot() const {
    return served.load(std::memory_order_acquire);
  }

  static MHD_Result on_request(void* self, MHD_Connection* connection, const char* url,
                               const char* method, const char*, const char* upload_data,
                               size_t* upload_size, void** state);
  static void on_completed(void* self, MHD_Connection*, void** state, MHD_RequestTerminationCode);

  MHD_Result receive(MHD_Connection* connection, Exchange& exchange, const char* data,
                     size_t* size);
  MHD_Result answer(MHD_Connection* connection, Exchange& exchange, const char* url,
                    const char* method);
  Response respond(MHD_Connection* connection, Exchange& exchange, const char* url,
                   const char* method, Route& route, std::string& commit, bool& suspended);
  std::optional<Response> refused_by_scope(TokenScope scope, Route route) const;
  Response start_run(MHD_Connection* connection, Exchange& exchange, const std::string& name,
                     Request& request, const Snapshot& snapshot, bool& suspended);
  MHD_Result send_and_count(MHD_Connection* connection, Exchange& exchange,
                            const Response& response, const char* method, const char* url,
                            Route route, const std::string& commit);
  MHD_Result send(MHD_Connection* connection, const Response& response, const std::string& commit);
  void log(const char* method, const char* url, Route route, int status, std::size_t bytes,
           double seconds, const std::string& commit) const;
  bool reload_now();
  void watch_refs();
};

MHD_Result Server::Impl::on_request(void* self, MHD_Connection* connection, const char* url,
                                    const char* method, const char*, const char* upload_data,
                                    size_t* upload_size, void** state) {
  auto& impl = *static_cast<Impl*>(self);
  // Nothing may be thrown into libmicrohttpd's C code: what is not an answer closes the
  // connection.
  try {
    if (*state == nullptr) {  // the headers have come: the body, if any, is next
      auto exchange = std::make_unique<Exchange>();
      std::string length = header(connection, "Content-Length");
      if (!length.empty() &&
          std::strtoull(length.c_str(), nullptr, 10) > impl.options.max_body_bytes) {
        exchange->too_large = true;
      }
      std::lock_guard<std::mutex> lock(impl.flight_lock);
      ++impl.in_flight;
      *state = exchange.release();  // libmicrohttpd keeps it until `on_completed`
      return MHD_YES;
    }
    auto& exchange = *static_cast<Exchange*>(*state);
    if (*upload_size != 0) {
      return impl.receive(connection, exchange, upload_data, upload_size);
    }
    return impl.answer(connection, exchange, url, method);
  } catch (...) {
    return MHD_NO;
  }
}

MHD_Result Server::Impl::answer(MHD_Connection* connection, Exchange& exchange, const char* url,
                                const char* method) {
  std::string name;
  Route route = serve_detail::route_of(method, url, name);
  {
    std::lock_guard<std::mutex> lock(exchange.ready_lock);
    if (exchange.ready) {  // a run's answer, back from the runner
      Response response = std::move(*exchange.ready);
      exchange.ready.reset();
      return send_and_count(connection, exchange, response, method, url, route, exchange.commit);
    }
  }
  std::string commit;
  Response response;
  bool suspended = false;
  try {
    response = respond(connection, exchange, url, method, route, commit, suspended);
  } catch (const std::exception& failure) {  // a bug: said as one, and the server goes on
    response = serve_detail::error_response(
        500, Error(ErrorKind::internal, std::string("internal error: ") + failure.what()));
  }
  if (suspended) {
    return MHD_YES;  // answered when the runner resumes the connection
  }
  return send_and_count(connection, exchange, response, method, url, route, commit);
}

MHD_Result Server::Impl::send_and_count(MHD_Connection* connection, Exchange& exchange,
                                        const Response& response, const char* method,
                                        const char* url, Route route, const std::string& commit) {
  MHD_Result queued = send(connection, response, commit);
  double seconds = std::chrono::duration<double>(Clock::now() - exchange.started).count();
  metrics.record(route, response.status, seconds);
  log(method, url, route, response.status, response.body.size(), seconds, commit);
  return queued;
}

void Server::Impl::on_completed(void* self, MHD_Connection*, void** state,
                                MHD_RequestTerminationCode) {
  auto& impl = *static_cast<Impl*>(self);
  std::unique_ptr<Exchange> finished(static_cast<Exchange*>(*state));
  *state = nullptr;
  std::lock_guard<std::mutex> lock(impl.flight_lock);
  if (impl.in_flight > 0 && --impl.in_flight == 0) {
    impl.flight_done.notify_all();
  }
}

MHD_Result Server::Impl::receive(MHD_Connection*, Exchange& exchange, const char* data,
                                 size_t* size) {
  // A body past the limit is read and dropped, so that the answer (413) can be sent on a
  // connection still in step.
  if (!exchange.too_large && exchange.body.size() + *size > options.max_body_bytes) {
    exchange.too_large = true;
    exchange.body.clear();
    exchange.body.shrink_to_fit();
  }
  if (!exchange.too_large) {
    exchange.body.append(data, *size);
  }
  *size = 0;
  return MHD_YES;
}

Response Server::Impl::respond(MHD_Connection* connection, Exchange& exchange, const char* url,
                               const char* method, Route& route, std::string& commit,
                               bool& suspended) {
  Request request;
  request.method = method;
  request.path = url;
  std::string name;
  route = serve_detail::route_of(request.method, request.path, name);
  std::shared_ptr<const Snapshot> current = snapshot();
  commit = current->commit();
  switch (route) {
    case Route::healthz:
      return plain(200, "{\"status\": \"ok\"}\n");
    case Route::readyz:
      return draining.load() ? plain(503, "{\"status\": \"stopping\"}\n")
                             : plain(200, "{\"status\": \"ready\"}\n");
    case Route::metrics:
      return plain(200,
                   metrics.exposition(current->prompts().size(), commit) +
                       (runner ? prometheus_exposition(runner->run_stats(), "prompt", "") : ""),
                   "text/plain; version=0.0.4; charset=utf-8");
    default:
      break;
  }
  // Without tokens, every client may do all the server allows.
  std::optional<TokenScope> scope = TokenScope::run;
  if (tokens.required()) {
    std::string authorization = header(connection, "Authorization");
    std::optional<std::string_view> token = serve_detail::bearer_token(authorization);
    scope = token ? tokens.scope_of(*token) : std::nullopt;
    if (!scope) {
      Response refused = serve_detail::error_response(
          401, Error(ErrorKind::refused, authorization.empty() ? "a bearer token is needed"
                                                               : "the token is not accepted"));
      refused.headers.emplace_back("WWW-Authenticate", "Bearer");
      return refused;
    }
  }
  if (exchange.too_large) {
    return serve_detail::error_response(
        413, Error(ErrorKind::usage, "the request body is larger than " +
                                         std::to_string(options.max_body_bytes) + " bytes"));
  }
  if (route == Route::openapi) {
    return plain(200, std::string(serve_detail::k_openapi_document));
  }
  mhd().MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &collect_query, &request);
  request.if_none_match = header(connection, "If-None-Match");
  request.body = std::move(exchange.body);
  if (route == Route::run || route == Route::feedback) {
    if (std::optional<Response> refused = refused_by_scope(*scope, route)) {
      return *refused;
    }
    try {
      return route == Route::run
                 ? start_run(connection, exchange, name, request, *current, suspended)
                 : serve_detail::add_feedback(name, request, *runner);
    } catch (const Error& error) {
      return serve_detail::error_response(serve_detail::status_of(error.kind()), error);
    }
  }
  return serve_detail::answer(route, name, request, *current);
}

// A route that calls models or writes the ledger needs --allow-run, and a token that may run.
std::optional<Response> Server::Impl::refused_by_scope(TokenScope scope, Route route) const {
  const char* what = route == Route::run ? "running prompts" : "recording feedback";
  if (!runner) {
    return serve_detail::error_response(
        403, Error(ErrorKind::refused, std::string(what) + " is off on this server", {},
                   "start promptctl serve with --allow-run"));
  }
  if (scope != TokenScope::run) {
    return serve_detail::error_response(
        403, Error(ErrorKind::refused, std::string("this token may read and render, not ") + what,
                   {}, "give the token the scope 'run' in the token file"));
  }
  return std::nullopt;
}

// Renders and plans on this thread, then suspends the connection while the runner calls the
// model, so that none of libmicrohttpd's threads waits for a provider.
Response Server::Impl::start_run(MHD_Connection* connection, Exchange& exchange,
                                 const std::string& name, Request& request,
                                 const Snapshot& snapshot, bool& suspended) {
  serve_detail::RunJob job =
      serve_detail::prepare_run(name, request, snapshot, runner->providers());
  exchange.commit = snapshot.commit();
  job.done = [connection, &exchange](const RunRecord& run, const CallResult& result) {
    {
      std::lock_guard<std::mutex> lock(exchange.ready_lock);
      exchange.ready = serve_detail::run_response(run, result);
    }
    mhd().MHD_resume_connection(connection);
  };
  // Suspended before it is queued: the runner may finish and resume it at once.
  mhd().MHD_suspend_connection(connection);
  suspended = true;
  if (!runner->submit(job)) {
    {
      std::lock_guard<std::mutex> lock(exchange.ready_lock);
      exchange.ready = serve_detail::error_response(
          503, Error(ErrorKind::refused, "too many runs are waiting; try again shortly"));
    }
    mhd().MHD_resume_connection(connection);
  }
  return {};
}

MHD_Result Server::Impl::send(MHD_Connection* connection, const Response& response,
                              const std::string& commit) {
  const MhdApi& api = mhd();
  serve_detail::ResponseHandle owned(api.MHD_create_response_from_buffer(
      response.body.size(), const_cast<char*>(response.body.data()), MHD_RESPMEM_MUST_COPY));
  if (!owned) {
    return MHD_NO;
  }
  MHD_Response* answer = owned.get();
  if (response.status != 304) {
    api.MHD_add_response_header(answer, "Content-Type", response.content_type.c_str());
  }
  api.MHD_add_response_header(answer, "X-Promptctl-Commit", commit.c_str());
  for (const auto& [key, value] : response.headers) {
    api.MHD_add_response_header(answer, key.c_str(), value.c_str());
  }
  if (draining.load(std::memory_order_relaxed)) {
    api.MHD_add_response_header(answer, "Connection", "close");
  }
  return api.MHD_queue_response(connection, static_cast<unsigned>(response.status), answer);
}

void Server::Impl::log(const char* method, const char* url, Route route, int status,
                       std::size_t bytes, double seconds, const std::string& commit) const {
  if (!options.access_log) {
    return;
  }
  // The method and path are the client's bytes: JSON escapes any control character in them.
  nlohmann::json line = {{"time", util::format_utc_ms(util::now_ms())},
                         {"method", method},
                         {"path", url},
                         {"route", serve_detail::route_name(route)},
                         {"status", status},
                         {"bytes", bytes},
                         {"duration_ms", seconds * 1000.0},
                         {"commit", commit}};
  options.access_log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

bool Server::Impl::reload_now() {
  std::lock_guard<std::mutex> lock(reload_lock);
  std::string now = serve_detail::current_commit(*refs, options.target);
  if (now == snapshot()->commit() || now == failed_commit) {
    return false;
  }
  Clock::time_point started = Clock::now();
  std::shared_ptr<const Snapshot> fresh;
  try {
    fresh = Snapshot::load(workspace, options.target, snapshot().get());
  } catch (const Error&) {
    failed_commit = now;  // tried again only once the target moves on
    metrics.count_reload(false);
    throw;
  }
  served.store(fresh, std::memory_order_release);
  failed_commit.clear();
  metrics.count_reload(true);
  if (options.events) {
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    std::size_t count = fresh->prompts().size();
    options.events("serving " + fresh->commit().substr(0, 7) + ": " + std::to_string(count) +
                   " prompts (" + std::to_string(count - fresh->kept()) + " read, " +
                   std::to_string(fresh->kept()) + " kept), loaded in " +
                   std::to_string(took.count()) + " ms");
  }
  return true;
}

void Server::Impl::watch_refs() {
  std::string last_failure;  // said once, not every second
  std::unique_lock<std::mutex> lock(stop_lock);
  while (!stop_signal.wait_for(lock, options.reload_interval, [&] { return stopping; })) {
    lock.unlock();
    try {
      reload_now();
      last_failure.clear();
    } catch (const std::exception& error) {  // an Error, or a bug: the old state stays
      std::string failure = error.what();
      if (options.events && failure != last_failure) {
        options.events("reload failed, still serving " + snapshot()->commit().substr(0, 7) + ": " +
                       failure);
      }
      last_failure = failure;
    }
    lock.lock();
  }
}

Server::Server(Workspace& workspace, ServeOptions options)
    : m_impl(std::make_unique<Impl>(workspace, std::move(options))) {
  const ServeTarget& target = m_impl->options.target;
  if (target.environment.empty() == target.revision.empty()) {
    throw Error(ErrorKind::usage, "serve needs an environment or a revision, not both");
  }
  if (!target.environment.empty() &&
      !find_environment(workspace.settings().environments, target.environment)) {
    throw Error(ErrorKind::not_found,
                "no environment named '" + target.environment + "' in promptctl.yaml");
  }
  m_impl->refs.emplace(repo::Repository::discover(workspace.root()));
  m_impl->served.store(Snapshot::load(workspace, target));
  if (m_impl->options.allow_run) {
    m_impl->runner = std::make_unique<serve_detail::Runner>(workspace, m_impl->options.max_runs,
                                                            m_impl->options.max_runs * 16);
  }
}

Server::~Server() {
  stop();
}

void Server::start() {
  Impl& impl = *m_impl;
  const MhdApi& api = mhd();
  ListenAddress address = listen_address(impl.options.address, impl.options.port);
  unsigned threads = impl.options.threads ? impl.options.threads
                                          : std::max(1u, std::thread::hardware_concurrency());
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ITC;
  if (impl.runner) {
    flags |= MHD_ALLOW_SUSPEND_RESUME;
  }
  if (address.ipv6) {
    flags |= MHD_USE_IPv6;
  }
  auto timeout = static_cast<unsigned>(impl.options.client_timeout.count());
  errno = 0;
  impl.daemon.reset(api.MHD_start_daemon(
      flags, static_cast<std::uint16_t>(impl.options.port), nullptr, nullptr, &Impl::on_request,
      &impl, MHD_OPTION_SOCK_ADDR, &address.storage, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::on_completed, &impl, MHD_OPTION_THREAD_POOL_SIZE,
      threads > 1 ? threads : 0u, MHD_OPTION_END));
  if (!impl.daemon) {
    int error = errno;
    throw Error(ErrorKind::io, "cannot listen on " + impl.options.address + " port " +
                                   std::to_string(impl.options.port) +
                                   (error ? std::string(": ") + std::strerror(error) : ""));
  }
  const MHD_DaemonInfo* info =
      api.MHD_get_daemon_info(impl.daemon.get(), MHD_DAEMON_INFO_BIND_PORT);
  impl.bound_port = info ? info->port : impl.options.port;
  impl.reloader = std::thread([&impl] { impl.watch_refs(); });
}

int Server::port() const {
  return m_impl->bound_port;
}

std::string Server::commit() const {
  return m_impl->snapshot()->commit();
}

std::size_t Server::prompt_count() const {
  return m_impl->snapshot()->prompts().size();
}

bool Server::reload_if_moved() {
  return m_impl->reload_now();
}

void Server::stop() {
  Impl& impl = *m_impl;
  {
    std::lock_guard<std::mutex> lock(impl.stop_lock);
    impl.stopping = true;
  }
  impl.stop_signal.notify_all();
  if (impl.reloader.joinable()) {
    impl.reloader.join();
  }
  if (!impl.daemon) {
    return;
  }
  impl.draining = true;
  const MhdApi& api = mhd();
  MHD_socket listener = api.MHD_quiesce_daemon(impl.daemon.get());  // no new connections
  {
    std::unique_lock<std::mutex> lock(impl.flight_lock);
    impl.flight_done.wait_for(lock, impl.options.client_timeout,
                              [&] { return impl.in_flight == 0; });
  }
  // Runs still out are answered (503) and their connections resumed before the daemon goes.
  if (impl.runner) {
    impl.runner->stop();
  }
  impl.daemon.reset();
  if (listener != MHD_INVALID_SOCKET) {
    ::close(listener);
  }
}

}  // namespace promptctl
