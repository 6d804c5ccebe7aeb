// Calling models: choosing the provider and model for a rendered prompt, and making many calls
// at once with streaming, retries, rate limits, fallbacks and the response cache.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/cache.hpp"
#include "promptctl/provider.hpp"

namespace promptctl {

/// The requests to try for `messages` under `model` (with its parameters), in order: the model
/// itself, then each of its fallbacks (`model_chain`). Throws `Error` (invalid_input) for an
/// unknown provider or an empty model name, and for a request that a provider's API would
/// reject (`settings_problems`, `message_problems`), naming every problem. Pass `messages` and
/// `model` as rvalues when done with them: the last request takes them over.
std::vector<ChatRequest> plan_requests(std::vector<ChatMessage> messages, ModelSettings model,
                                       const std::map<std::string, ProviderSettings>& providers);

/// `model` with a provider and a model name put in its place, as `--provider` and `--model` ask.
/// A model without a provider takes the one its name tells ("gpt-…": openai), else keeps the
/// current one; a changed provider or model drops the fallbacks, chosen for the old one.
ModelSettings with_model(ModelSettings model, const std::string& provider,
                         const std::string& model_name,
                         const std::map<std::string, ProviderSettings>& providers);

/// Why `text`, an answer to a request whose settings ask for an output schema
/// (`response_schema`), breaks it: it is not JSON, or the first violations; nothing when it
/// conforms or no schema was asked for.
std::optional<std::string> schema_breach(const ModelSettings& asked, const std::string& text);

/// How one call ended.
struct CallResult {
  bool ok = false;
  ChatResponse response;
  ChatRequest request;  ///< the request that answered, or the last one tried
  int attempts = 0;     ///< HTTP requests made, over every model tried
  bool cached = false;
  /// `--cache replay` found no recorded answer: no call was made, so there is nothing about
  /// the prompt or the provider to record.
  bool replay_miss = false;
  /// `ExecutionOptions::stop` ended the call before it finished: it was never sent, or its
  /// answer was abandoned. Such a call is not reported to `on_done` and has nothing to record.
  bool interrupted = false;
  /// The HTTP status of the last response, 0 when none came (a transport failure, the cache).
  int http_status = 0;
  double latency_ms = 0;
  std::optional<double> cost;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  std::string error;  ///< why it failed, with no secret in it
  /// invalid_input when the settings made the call impossible (no key, unknown provider),
  /// provider when the provider failed or could not be reached.
  ErrorKind error_kind = ErrorKind::provider;
  /// The uid the call's run is recorded under (a UUIDv7 made when the call began), so that its
  /// span and its ledger row name the same run.
  std::string uid;
};

/// Lets another thread cut short a streamed batch's wait for its calls: rung when the feed has
/// a new call (or a stop is asked), the batch looks at once instead of at its next look, up to
/// a tenth of a second later. Give it in `ExecutionOptions::bell`.
class FeedBell {
 public:
  /// From any thread.
  void ring();
  /// For the executor: what ringing does while a batch may be waiting (empty: nothing).
  void set_waker(std::function<void()> wake);

 private:
  std::mutex m_lock;
  std::function<void()> m_wake;
};

struct ExecutionOptions {
  std::size_t parallel = 1;
  bool stream = false;
  CacheMode cache = CacheMode::automatic;
  /// Report each HTTP request and response as a notice (secrets redacted).
  bool verbose = false;
  /// When this becomes true (Ctrl-C), no further call or retry starts; calls in flight have
  /// `stop_grace` to finish, then are abandoned. Null: the batch always runs to its end.
  const std::atomic<bool>* stop = nullptr;
  /// The same as `stop`, for the caller's own reason: a test run that reached its failure
  /// limit. Null: never.
  const std::atomic<bool>* enough = nullptr;
  std::chrono::milliseconds stop_grace{5000};
  /// An answer that breaks its request's output schema fails the call (after the schema's
  /// retries). Off for a test run, whose cases check the schema as an assertion instead.
  bool check_output_schema = true;
  /// Each call that reaches a provider is a span of this tracer, and its requests carry the
  /// span's `traceparent`. Null: no spans.
  telemetry::Tracer* tracer = nullptr;
  /// For `Executor::stream` fed from another thread: that thread rings it. Null: none.
  FeedBell* bell = nullptr;
};

/// A call whose request has gone out and of whose answer nothing has come back yet.
struct Waiting {
  std::size_t index = 0;  ///< its place in the list given to `Executor::run`
  std::string provider;
  std::string model;
  double seconds = 0;          ///< since the request went out
  double timeout_seconds = 0;  ///< when the request gives up
};

/// What happens while calls run, for a caller that shows progress. Each is optional and runs
/// on the calling thread.
struct ExecutionEvents {
  /// A piece of a streamed answer for call `index`.
  std::function<void(std::size_t index, std::string_view text)> on_text;
  /// A retry or a move to a fallback model, described.
  std::function<void(std::size_t index, const std::string& notice)> on_notice;
  /// About once a second while requests are out: the call waited on longest, so that a caller
  /// at a terminal can say what it is waiting for instead of going quiet.
  std::function<void(const Waiting& waiting)> on_waiting;
  /// A call finished; `index` is its place in the list given to `run`, or in the order the
  /// feed of `stream` gave it.
  std::function<void(std::size_t index, const CallResult& result)> on_done;
  /// After each wait for progress: at least ten times a second while calls are out, for work
  /// a caller does in batches (committing the ledger, writing finished lines).
  std::function<void()> on_tick;
};

/// What a feed gives a streamed batch: the next call (its requests to try in order), or none
/// for now, or none ever again.
struct Fed {
  std::optional<std::vector<ChatRequest>> call;
  bool exhausted = false;  ///< with no call: the feed is at its end
  /// This call's answer is streamed (through `on_text`) even when the options do not ask it
  /// of every call.
  bool stream = false;
  /// Set, from any thread, when the answer is no longer wanted (whoever asked for it has
  /// gone): the call ends as interrupted, its request closed and nothing retried, and is
  /// reported to `on_done` like any other. Looked at after each wait for progress, so within a
  /// tenth of a second. Null: the call is wanted to the end.
  std::shared_ptr<const std::atomic<bool>> cancel = nullptr;
};

/// Asked for a call whenever a streamed batch has room for one. It may hold back (no call,
/// not exhausted) only while some call it gave is unfinished; it is asked again after the
/// next one finishes.
using CallFeed = std::function<Fed()>;

/// Runs calls concurrently on one thread through libcurl's multi interface, reusing
/// connections. Keys come from the environment or key files and never appear in results.
class Executor {
 public:
  /// `cache` may be null (no cache at all).
  Executor(const std::map<std::string, ProviderSettings>& providers, const ResponseCache* cache)
      : m_providers(providers), m_cache(cache) {}

  /// Makes each call (a list of requests to try in order) and returns the results in the same
  /// order. A failed call never stops the others.
  std::vector<CallResult> run(const std::vector<std::vector<ChatRequest>>& calls,
                              const ExecutionOptions& options, const ExecutionEvents& events) const;

  /// The same for a batch of any length: calls are taken from `feed` only while fewer than
  /// `options.parallel` are unfinished, and each result is given to `events.on_done` and then
  /// dropped, so that memory does not grow with the batch.
  void stream(const CallFeed& feed, const ExecutionOptions& options,
              const ExecutionEvents& events) const;

 private:
  const std::map<std::string, ProviderSettings>& m_providers;
  const ResponseCache* m_cache;
};

/// Vectors for texts, from an embeddings endpoint.
struct EmbeddingResult {
  bool ok = false;
  std::vector<std::vector<double>> vectors;  ///< one per text, in order
  std::string error;                         ///< why not, with no secret in it
  ErrorKind error_kind = ErrorKind::provider;
  std::size_t cached = 0;  ///< how many came from the cache
};

/// Where an embeddings request's span goes: a tracer, and the span it belongs under (none:
/// TRACEPARENT's, or a trace of its own).
struct EmbeddingTracing {
  telemetry::Tracer* tracer = nullptr;
  std::optional<telemetry::TraceContext> parent;
};

/// Embeds `texts` with `model` ("provider" and "model"): what the cache holds (an embedding is
/// deterministic, so any mode but off and refresh reads it) and the rest in one request,
/// retried on rate limits and server errors like chat calls. With `replay` a text the cache
/// lacks is an error (invalid_input), as for chat calls. With `tracing.tracer`, the request
/// (when one is sent) is a span "embeddings MODEL".
EmbeddingResult embed_texts(const ModelRef& model, const std::vector<std::string>& texts,
                            const std::map<std::string, ProviderSettings>& providers,
                            const ResponseCache* cache, CacheMode mode,
                            const EmbeddingTracing& tracing = {});

}  // namespace promptctl
