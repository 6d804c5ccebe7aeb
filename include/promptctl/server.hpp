// `promptctl serve`: the prompts of an environment or a revision over HTTP, for applications,
// straight from git. The server knows nothing of the terminal: it reports through callbacks.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/telemetry.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// What is served: the prompts an environment pins (in HEAD's pins file), or every prompt of a
/// revision. Exactly one is set.
struct ServeTarget {
  std::string environment;
  std::string revision;
};

/// What a bearer token may do.
enum class TokenScope { read, run };

struct ServeToken {
  std::string secret;
  TokenScope scope = TokenScope::read;
};

/// Reads tokens, one per line: "TOKEN" or "TOKEN read" (may read and render), "TOKEN run" (may
/// also run); blank lines and lines starting with '#' are skipped. `origin` names the text in
/// errors (a file, or the environment variable). Throws `Error` (invalid_input) naming the line
/// for a bad scope or a token shorter than 16 characters, without showing the token.
std::vector<ServeToken> parse_tokens(std::string_view text, const std::string& origin);

struct ServeOptions {
  ServeTarget target;
  std::string address = "127.0.0.1";  ///< where to listen: an IPv4 or IPv6 address
  int port = 8080;                    ///< 0 picks a free port (see `Server::port`)
  unsigned threads = 0;               ///< 0: one per core
  /// Nobody needs a token when this is empty; otherwise every route but /healthz, /readyz and
  /// /metrics does.
  std::vector<ServeToken> tokens;
  std::size_t max_body_bytes = 1024 * 1024;
  /// Browser origins ("https://app.example.com", or "*") whose pages may call the server: their
  /// requests are answered with CORS headers, and preflights with 204. Empty: no CORS.
  std::vector<std::string> cors_origins;
  /// Serve `POST …/run` (render, call the model, record in the ledger) and feedback on runs.
  /// Off by default: a run spends money.
  bool allow_run = false;
  /// Model calls made at once for runs; up to 16 times as many more wait, then 503.
  std::size_t max_runs = 16;
  /// Where the runs' calls send their spans; a run's span is a child of the request's
  /// `traceparent` when it has one. Null: no spans.
  telemetry::Tracer* tracer = nullptr;
  std::chrono::milliseconds reload_interval{1000};  ///< how often the refs are looked at
  std::chrono::seconds client_timeout{30};          ///< a slow client's connection is closed
  /// Receives one JSON object per request (no newline), from any thread; may be empty.
  std::function<void(const std::string&)> access_log;
  /// Receives a line about a reload or a failed one (from the reload thread), or about the
  /// ledger failing or coming back (from the runs' thread); may be empty.
  std::function<void(const std::string&)> events;
};

class Server {
 public:
  /// Loads what `options.target` names. Throws `Error` as a command would: not_found for an
  /// unknown environment or revision, invalid_input for a prompt or settings with errors.
  /// `workspace` must outlive the server.
  Server(Workspace& workspace, ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Starts listening and answering, and the reload thread. Throws `Error` (io) when the
  /// address cannot be bound.
  void start();
  /// The port listened on.
  [[nodiscard]] int port() const;
  /// The commit served now.
  [[nodiscard]] std::string commit() const;
  /// The number of prompts served now.
  [[nodiscard]] std::size_t prompt_count() const;
  /// Looks at the refs once: when the target moved, loads the new state and swaps it in.
  /// Returns whether it did. Throws `Error` when the new state cannot be loaded (the old one
  /// stays).
  bool reload_if_moved();
  /// Stops accepting connections, lets the requests in flight finish, and returns.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace promptctl
