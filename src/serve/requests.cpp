// Answering requests: libmicrohttpd's threads call `on_request`, which checks the token,
// routes the request over the snapshot served now (or hands a run to the runner, the
// connection suspended meanwhile), and logs it.
#include <cstring>

#include "openapi_document.hpp"
#include "serve/client_left.hpp"
#include "serve/event_stream.hpp"
#include "serve/run_routes.hpp"
#include "serve/server_impl.hpp"
#include "util/dates.hpp"
#include "util/json_document.hpp"

namespace promptctl {

using serve_detail::Exchange;
using serve_detail::mhd;
using serve_detail::MhdApi;
using serve_detail::Request;
using serve_detail::Response;
using serve_detail::Route;
using serve_detail::Snapshot;
using Clock = std::chrono::steady_clock;

namespace {

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

// A response whose body libmicrohttpd reads from `events` as they are pushed; it keeps the
// stream alive until it is done with it.
MHD_Response* events_response(const std::shared_ptr<serve_detail::EventStream>& events) {
  auto* kept = new std::shared_ptr<serve_detail::EventStream>(events);
  MHD_Response* response = mhd().MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, 4096,
      [](void* stream, std::uint64_t, char* buffer, std::size_t max) {
        return (*static_cast<std::shared_ptr<serve_detail::EventStream>*>(stream))
            ->read(buffer, max);
      },
      kept,
      [](void* stream) {
        auto* held = static_cast<std::shared_ptr<serve_detail::EventStream>*>(stream);
        (*held)->release();
        delete held;
      });
  if (!response) {
    delete kept;
  }
  return response;
}

}  // namespace

MHD_Result Server::Impl::on_request(void* self, MHD_Connection* connection, const char* url,
                                    const char* method, const char*, const char* upload_data,
                                    size_t* upload_size, void** state) {
  auto& impl = *static_cast<Impl*>(self);
  // Nothing may be thrown into libmicrohttpd's C code: what is not an answer closes the
  // connection.
  try {
    if (*state == nullptr) {  // the headers have come: the body, if any, is next
      auto exchange = std::make_unique<Exchange>();
      exchange->route = serve_detail::route_of(method, url, exchange->name);
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
  {
    std::lock_guard<std::mutex> lock(exchange.ready_lock);
    if (exchange.ready) {  // a run's answer, back from the runner
      Response response = std::move(*exchange.ready);
      exchange.ready.reset();
      return send_and_count(connection, exchange, response, method, url, exchange.route,
                            exchange.commit);
    }
  }
  std::string commit;
  Response response;
  bool suspended = false;
  try {
    response = respond(connection, exchange, url, method, commit, suspended);
  } catch (const std::exception& failure) {  // a bug: said as one, and the server goes on
    response = serve_detail::error_response(
        500, Error(ErrorKind::internal, std::string("internal error: ") + failure.what()));
  }
  if (suspended) {
    return MHD_YES;  // answered when the runner resumes the connection
  }
  return send_and_count(connection, exchange, response, method, url, exchange.route, commit);
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
                               const char* method, std::string& commit, bool& suspended) {
  Request request;
  request.method = method;
  request.path = url;
  const Route route = exchange.route;
  const std::string& name = exchange.name;
  std::shared_ptr<const Snapshot> current = snapshot();
  commit = current->commit();
  // A browser's preflight carries no token: it asks whether the real request may be sent.
  if (request.method == "OPTIONS" && route != Route::unknown && cors.enabled() &&
      !header(connection, "Access-Control-Request-Method").empty()) {
    Response preflight = plain(204, "");
    preflight.headers = cors.preflight_headers();
    return preflight;
  }
  switch (route) {
    case Route::healthz:
      return plain(200, "{\"status\": \"ok\"}\n");
    case Route::readyz:
      return draining.load() ? plain(503, "{\"status\": \"stopping\"}\n")
                             : plain(200, "{\"status\": \"ready\"}\n");
    case Route::metrics:
      return plain(200,
                   metrics.exposition(current->prompts().size(), commit) +
                       (runner ? runner->exposition() : ""),
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
  request.traceparent = header(connection, "traceparent");
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
  if (header(connection, "Accept").find("text/event-stream") != std::string::npos) {
    return start_streamed_run(connection, job);
  }
  job.done = [connection, &exchange](const RunRecord& run, const CallResult& result) {
    {
      std::lock_guard<std::mutex> lock(exchange.ready_lock);
      exchange.ready = serve_detail::run_response(run, result);
    }
    mhd().MHD_resume_connection(connection);
  };
  // Suspended until `done`, so libmicrohttpd keeps the connection, and only the runner looks.
  job.client_left = [connection] { return serve_detail::client_left(connection); };
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

// A run asked for as server-sent events: the answer's text as "text" events while it comes,
// then "run" (run --json's document) or "error" (with the run as recorded). The status is
// 200 once the events begin: a failure after that is the "error" event.
Response Server::Impl::start_streamed_run(MHD_Connection* connection, serve_detail::RunJob& job) {
  auto events = std::make_shared<serve_detail::EventStream>(connection);
  job.on_text = [events](std::string_view text) {
    events->push("text", {{"text", std::string(text)}});
  };
  job.client_left = [events] { return events->client_left(); };
  job.done = [events](const RunRecord& run, const CallResult& result) {
    events->push(result.ok ? "run" : "error", serve_detail::run_document(run, result));
    events->finish();
  };
  if (!runner->submit(job)) {
    return serve_detail::error_response(
        503, Error(ErrorKind::refused, "too many runs are waiting; try again shortly"));
  }
  Response response;
  response.content_type = "text/event-stream";
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.events = std::move(events);
  return response;
}

MHD_Result Server::Impl::send(MHD_Connection* connection, const Response& response,
                              const std::string& commit) {
  const MhdApi& api = mhd();
  serve_detail::ResponseHandle owned(
      response.events ? events_response(response.events)
                      : api.MHD_create_response_from_buffer(response.body.size(),
                                                            const_cast<char*>(response.body.data()),
                                                            MHD_RESPMEM_MUST_COPY));
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
  if (cors.enabled()) {
    for (const auto& [key, value] : cors.headers_for(header(connection, "Origin"))) {
      api.MHD_add_response_header(answer, key.c_str(), value.c_str());
    }
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

}  // namespace promptctl
