// Embeddings for `similar` assertions: cached by text, the rest in one request.
#include <chrono>
#include <thread>

#include "exec/call_span.hpp"
#include "exec/credentials.hpp"
#include "exec/http_failure.hpp"
#include "exec/wire.hpp"
#include "promptctl/execute.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace promptctl {
namespace {

using nlohmann::json;

std::string embedding_key(const ModelRef& model, const std::string& text) {
  return util::sha256_hex(json{
      {"kind", "embedding"},
      {"provider", model.provider},
      {"model", model.model},
      {"input", text}}.dump());
}

EmbeddingResult failure(std::string message, ErrorKind kind) {
  EmbeddingResult result;
  result.error = std::move(message);
  result.error_kind = kind;
  return result;
}

http::Response send(const http::Request& request) {
  http::MultiClient client;
  http::Transfer transfer(request, nullptr);
  client.add(transfer);
  while (client.active() > 0) {
    client.poll(200);
  }
  return transfer.response();
}

// What an embeddings request's span needs from it.
struct EmbeddingSpan {
  std::optional<telemetry::TraceContext> outgoing;  // sent as traceparent
  std::string url;
  int attempts = 0;
  int http_status = 0;
};

// The request's span, in the GenAI conventions' shape for an embeddings operation.
telemetry::EncodedSpan embeddings_span(const ModelRef& model, const ProviderSettings& settings,
                                       const EmbeddingSpan& request, const EmbeddingResult& result,
                                       const telemetry::TraceContext& context,
                                       const std::string& parent, std::int64_t start_unix_ns,
                                       telemetry::OtlpEncoding encoding) {
  std::string name = "embeddings " + model.model;
  telemetry::SpanWriter span(encoding, {context, parent, name, telemetry::SpanKind::client,
                                        start_unix_ns, telemetry::now_unix_ns()});
  span.add("gen_ai.operation.name", "embeddings");
  exec_detail::add_provider_attributes(settings, request.url, span);
  span.add("gen_ai.request.model", model.model);
  span.add("promptctl.provider", model.provider);
  span.add("promptctl.attempts", static_cast<std::int64_t>(request.attempts));
  if (result.ok) {
    return std::move(span).finish(telemetry::SpanStatus::unset, {});
  }
  span.add("error.type", exec_detail::error_type(request.http_status, result.error_kind));
  return std::move(span).finish(telemetry::SpanStatus::error, result.error);
}

// One request, tried again on rate limits, server errors and dropped connections.
EmbeddingResult request_vectors(const ModelRef& model, const std::vector<std::string>& texts,
                                const ProviderSettings& settings, EmbeddingSpan& span) {
  exec_detail::Credentials credentials = exec_detail::credentials_for(settings);
  const exec_detail::WireFormat& wire = exec_detail::wire_format(settings.type);
  http::Request request = wire.build_embeddings(model.model, texts, settings, credentials.key);
  exec_detail::apply_connection_settings(settings, credentials, request);
  span.url = request.url;
  if (span.outgoing) {
    request.headers.emplace_back("traceparent", span.outgoing->traceparent());
  }
  std::string described = model.to_string() + " embeddings: ";
  for (int attempt = 1;; ++attempt) {
    http::Response response = send(request);
    span.attempts = attempt;
    span.http_status = static_cast<int>(response.status);
    std::string problem;
    bool retryable = false;
    if (response.failure != http::TransportFailure::none) {
      problem = exec_detail::transport_message(response, request);
      retryable = response.failure != http::TransportFailure::tls &&
                  response.failure != http::TransportFailure::other;
    } else if (response.status < 200 || response.status >= 300) {
      std::string detail = wire.error_detail(response.body);
      problem = "HTTP " + std::to_string(response.status) + (detail.empty() ? "" : ": " + detail);
      retryable = exec_detail::retryable_status(response.status);
    } else {
      try {
        EmbeddingResult result;
        result.vectors = exec_detail::decoding(
            [&] { return wire.parse_embeddings(response.body, texts.size()); });
        result.ok = true;
        return result;
      } catch (const exec_detail::ResponseError& e) {
        problem = e.what();
      }
    }
    if (!retryable || attempt > settings.max_retries) {
      std::string attempts = attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : "";
      return failure(exec_detail::redact(described + problem + attempts, credentials.secrets),
                     ErrorKind::provider);
    }
    long delay = exec_detail::retry_after_ms(response).value_or(
        static_cast<long>(settings.retry_base_ms) << std::min(attempt - 1, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
}

}  // namespace

EmbeddingResult embed_texts(const ModelRef& model, const std::vector<std::string>& texts,
                            const std::map<std::string, ProviderSettings>& providers,
                            const ResponseCache* cache, CacheMode mode,
                            const EmbeddingTracing& tracing) {
  auto provider = providers.find(model.provider);
  if (provider == providers.end()) {
    return failure("unknown provider '" + model.provider + "' for embeddings",
                   ErrorKind::invalid_input);
  }
  if (provider->second.kind().answers_offline()) {
    return failure("provider '" + model.provider + "' answers offline and has no embeddings",
                   ErrorKind::invalid_input);
  }
  bool reads = cache && mode != CacheMode::off && mode != CacheMode::refresh;
  bool writes = cache && mode != CacheMode::off && mode != CacheMode::replay;
  EmbeddingResult result;
  result.vectors.resize(texts.size());
  std::vector<std::string> missing;
  std::vector<std::size_t> missing_at;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::optional<json> stored =
        reads ? cache->find_json(embedding_key(model, texts[i])) : std::nullopt;
    if (stored && stored->is_array() && !stored->empty()) {
      result.vectors[i] = stored->get<std::vector<double>>();
      ++result.cached;
    } else {
      missing.push_back(texts[i]);
      missing_at.push_back(i);
    }
  }
  if (!missing.empty() && mode == CacheMode::replay) {
    return failure("no recorded embedding from " + model.to_string() + " for " +
                       util::counted(missing.size(), "text") +
                       ", and --cache replay makes no calls",
                   ErrorKind::invalid_input);
  }
  if (!missing.empty()) {
    EmbeddingResult fetched;
    EmbeddingSpan span;
    std::optional<telemetry::TraceContext> context;
    std::int64_t start = telemetry::now_unix_ns();
    if (tracing.tracer && tracing.tracer->active(tracing.parent)) {
      context = tracing.tracer->start_span(tracing.parent);
      span.outgoing = tracing.tracer->outgoing(*context, tracing.parent);
    }
    try {
      fetched = request_vectors(model, missing, provider->second, span);
    } catch (const Error& e) {
      return failure(e.message(), e.kind());  // no key: nothing was sent
    }
    if (context && span.attempts > 0 && tracing.tracer->exports(*context)) {
      tracing.tracer->end(embeddings_span(model, provider->second, span, fetched, *context,
                                          tracing.tracer->parent_span_id(tracing.parent), start,
                                          tracing.tracer->settings().encoding));
    }
    if (!fetched.ok) {
      return fetched;
    }
    for (std::size_t j = 0; j < missing.size(); ++j) {
      if (writes) {
        cache->store_json(embedding_key(model, missing[j]), fetched.vectors[j]);
      }
      result.vectors[missing_at[j]] = std::move(fetched.vectors[j]);
    }
  }
  result.ok = true;
  return result;
}

}  // namespace promptctl
