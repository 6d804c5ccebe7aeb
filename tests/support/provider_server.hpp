// A model provider on 127.0.0.1 for tests and benchmarks. It speaks the real wire formats of
// OpenAI chat completions (also as Azure OpenAI deployments), Anthropic messages and Ollama
// chat, whole or streamed, plus OpenAI embeddings, and answers "echo: " + the last user
// message. Asked for an answer to a schema (OpenAI's json_schema response format, Ollama's format
// schema, Anthropic's forced tool), it answers with the last user message when that is JSON, so
// that a test chooses an answer that fits or breaks the schema, and otherwise with the smallest
// value the schema describes (Anthropic's as a tool call); the directive prose makes it answer
// in words instead.
//
// Given tools, it calls one when tool_choice requires it (the named tool, or the first) or when
// the directive call (the first tool) or call=NAME asks, with the last user message as the
// arguments when that is a JSON object and otherwise the smallest value the tool's schema
// describes; streamed, the arguments come in pieces cut anywhere.
//
// It is also an OpenTelemetry collector: POST /v1/traces is recorded and accepted (200).
//
// Faults are asked for in the model name, after '~': "gpt-test~429x2" gets 429 (with
// Retry-After) twice, then answers. Directives: 429, 500, 503, malformed (invalid JSON), drop
// (close without answering), drop-on=N (close without answering the Nth request naming that
// model only, which a client has usually sent on a reused connection), truncate (a body or stream
// cut short), empty (no content), json (answer with a JSON object), judge (answer as the built-in
// judge prompt asks: a JSON verdict that passes when the <output> holds every word of the
// <rubric>), slow=MS (wait before answering), jitter=MS (wait a random 0 to MS ms, drawn anew
// for each request), retry-after=S. A directive with xN applies to the
// first N requests naming that model, otherwise to every one.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_wire.hpp"

namespace promptctl::testing {

class ProviderServer {
 public:
  struct Options {
    std::string key;     ///< when set, requests without it get 401
    int latency_ms = 0;  ///< added before every answer
    int port = 0;        ///< 0: any free port
  };

  explicit ProviderServer(Options options);
  ~ProviderServer();
  ProviderServer(const ProviderServer&) = delete;
  ProviderServer& operator=(const ProviderServer&) = delete;

  /// "http://127.0.0.1:PORT".
  [[nodiscard]] std::string url() const;
  [[nodiscard]] int port() const { return m_port; }
  /// Every request received so far, in order.
  [[nodiscard]] std::vector<HttpRequest> requests() const;
  [[nodiscard]] std::size_t request_count() const;
  /// Connections accepted so far (fewer than requests when connections are reused).
  [[nodiscard]] std::size_t connection_count() const { return m_connections; }

 private:
  void serve();
  void handle_connection(int fd);
  /// Answers one request; false when the connection must close.
  bool answer(int fd, const HttpRequest& request);
  /// How many earlier requests named `model` (counting this one from 1).
  int count_use(const std::string& model);

  Options m_options;
  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<std::size_t> m_connections{0};
  mutable std::mutex m_mutex;
  std::vector<HttpRequest> m_requests;
  std::map<std::string, int> m_uses;
  std::vector<int> m_open;
  std::vector<std::thread> m_workers;
  std::thread m_thread;
};

}  // namespace promptctl::testing
