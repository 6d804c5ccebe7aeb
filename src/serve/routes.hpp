// The API's routes over one snapshot: a request in, a response out, no sockets. The server
// adds what needs its own state (health, readiness, metrics, the API description) and the
// headers every answer carries.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "promptctl/error.hpp"
#include "promptctl/experiments.hpp"
#include "promptctl/render.hpp"
#include "serve/snapshot.hpp"

namespace promptctl::serve_detail {

/// The routes, as metrics and the access log name them.
enum class Route {
  healthz,
  readyz,
  metrics,
  openapi,
  list,
  show,
  render,
  assignment,
  run,
  feedback,
  unknown
};
inline constexpr int k_route_count = 11;
const char* route_name(Route route);

struct Request {
  std::string method;
  std::string path;                                        ///< percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded, in order
  std::string if_none_match;
  std::string traceparent;  ///< the caller's trace, for a run's span
  std::string body;
};

class EventStream;

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  /// Set for a response sent as server-sent events while they come, instead of `body`.
  std::shared_ptr<EventStream> events;
};

/// Which route `method` and `path` ask for, and for a prompt's, experiment's or run's routes,
/// its name.
Route route_of(const std::string& method, const std::string& path, std::string& name);

/// The answer of a route of the API (list, show, render, assignment; anything else is a 404
/// or 405).
Response answer(Route route, const std::string& name, const Request& request,
                const Snapshot& snapshot);

/// A render request's outcome: the prompt served (an experiment's variant, when one was asked
/// for), rendered, and the assignment.
struct RenderOutcome {
  const ServedPrompt* served = nullptr;
  RenderedPrompt rendered;
  std::optional<Assignment> assigned;
};

/// Reads `request`'s body ({"variables", "experiment", "key"}) and renders prompt `name`, as
/// `render NAME --json` would. Throws `Error`: not_found for a prompt not served, usage for a
/// malformed body, invalid_input for variables that do not fit.
RenderOutcome render_request(const std::string& name, const Request& request,
                             const Snapshot& snapshot);

/// An error document with `status`: {"schema_version", "error": …} (see util::error_json).
Response error_response(int status, const Error& error);

/// The HTTP status that stands for an error of this kind.
int status_of(ErrorKind kind);

}  // namespace promptctl::serve_detail
