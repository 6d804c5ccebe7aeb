// Traces of the calls promptctl makes, in OpenTelemetry's model: spans with the GenAI semantic
// conventions' attributes, W3C trace context to and from other programs, and an exporter that
// sends batches over OTLP/HTTP (protobuf or JSON encoding) when the standard OTEL_* variables
// ask for it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace promptctl::telemetry {

/// Where a span sits in a trace: W3C trace context (`traceparent`).
struct TraceContext {
  std::string trace_id;  ///< 32 lowercase hex digits, not all zero
  std::string span_id;   ///< 16 lowercase hex digits, not all zero
  bool sampled = true;

  /// "00-TRACE-SPAN-FLAGS".
  [[nodiscard]] std::string traceparent() const;
  /// A `traceparent` value of version 00 (or a later version, read as 00 says), or nothing
  /// when `text` is not one: an id of the wrong length, not hex, or all zeros.
  static std::optional<TraceContext> parse(std::string_view text);
};

/// Fresh random ids, never all zeros.
std::string new_trace_id();
std::string new_span_id();

/// Nanoseconds since the Unix epoch, now.
std::int64_t now_unix_ns();

using AttributeValue =
    std::variant<std::string, std::int64_t, double, bool, std::vector<std::string>>;
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;

enum class SpanKind { internal = 1, server = 2, client = 3 };
enum class SpanStatus { unset = 0, ok = 1, error = 2 };

/// A finished span.
struct Span {
  TraceContext context;
  std::string parent_span_id;  ///< empty for a trace's root
  std::string name;
  SpanKind kind = SpanKind::internal;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
  Attributes attributes;
  /// Attributes many spans carry alike (a run's lineage), written after `attributes`: shared,
  /// not copied into each span.
  std::shared_ptr<const Attributes> shared_attributes;
  SpanStatus status = SpanStatus::unset;
  std::string status_message;  ///< with `error` only
};

/// What the OTEL_* variables ask of promptctl's traces.
/// How a batch is written: OTLP/HTTP's two encodings.
enum class OtlpEncoding { protobuf, json };

struct ExportSettings {
  /// Where batches go ("…/v1/traces"); empty: spans are not exported.
  std::string traces_url;
  /// http/protobuf, the protocol's default, or http/json.
  OtlpEncoding encoding = OtlpEncoding::protobuf;
  std::vector<std::pair<std::string, std::string>> headers;
  Attributes resource;  ///< `service.name` and OTEL_RESOURCE_ATTRIBUTES
  long timeout_ms = 2000;
  std::string ca_file;  ///< the collector's certificate authority, besides the system's
  /// Message contents go into spans (the conventions' opt-in attributes).
  bool capture_content = false;
  /// The trace this process is part of (TRACEPARENT): its spans are children of that span.
  std::optional<TraceContext> parent;

  /// Reads OTEL_TRACES_EXPORTER ("otlp" or "none"), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
  /// OTEL_EXPORTER_OTLP_ENDPOINT (+ "/v1/traces"), OTEL_EXPORTER_OTLP[_TRACES]_HEADERS,
  /// OTEL_EXPORTER_OTLP[_TRACES]_TIMEOUT, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
  /// OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL ("http/protobuf", the default, or "http/json"),
  /// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT and TRACEPARENT, through `variable`
  /// (getenv in production). A setting that cannot be used is a problem in `problems` and
  /// turns export off; nothing here throws.
  static ExportSettings from_environment(
      const std::function<std::optional<std::string>(const char*)>& variable,
      std::vector<std::string>& problems);
};

/// `spans` as an OTLP ExportTraceServiceRequest in the protocol's JSON encoding: one resource,
/// one instrumentation scope ("promptctl" and `scope_version`).
std::string otlp_json(const std::vector<Span>& spans, const Attributes& resource,
                      std::string_view scope_version);

/// The same request in protobuf's binary encoding (http/protobuf).
std::string otlp_protobuf(const std::vector<Span>& spans, const Attributes& resource,
                          std::string_view scope_version);
/// What a span says before its attributes: where it sits in its trace, what it is, when it ran.
/// Views, read while the span's writer is made.
struct SpanHead {
  const TraceContext& context;
  std::string_view parent_span_id;  ///< empty for a trace's root
  std::string_view name;
  SpanKind kind = SpanKind::internal;
  std::int64_t start_unix_ns = 0;
  std::int64_t end_unix_ns = 0;
};

/// A span in the form a request of `encoding` holds it, for `otlp_request` and `Tracer::end`.
struct EncodedSpan {
  OtlpEncoding encoding = OtlpEncoding::protobuf;
  std::string bytes;
};

/// Writes a span in an OTLP encoding as it is described: each attribute goes straight into the
/// bytes a batch sends. A model call's span has some twenty attributes; building them as a Span
/// of strings, encoding it and freeing it cost a batch more than everything else the export did.
class SpanWriter {
 public:
  SpanWriter(OtlpEncoding encoding, const SpanHead& head);

  void add(std::string_view key, std::string_view value);
  void add(std::string_view key, const char* value) { add(key, std::string_view(value)); }
  void add(std::string_view key, const std::string& value) { add(key, std::string_view(value)); }
  void add(std::string_view key, std::int64_t value);
  void add(std::string_view key, double value);
  void add(std::string_view key, bool value);
  /// An array of strings.
  void add(std::string_view key, std::span<const std::string> values);
  /// Each of `attributes`.
  void add(const Attributes& attributes);

  /// The span, with `status` (and `message` for an error), ready to send.
  EncodedSpan finish(SpanStatus status, std::string_view message) &&;

 private:
  OtlpEncoding m_encoding;
  std::string m_out;
  bool m_first_attribute = true;
};

/// `span` encoded when it ends, on the thread that made it, so that a batch is only put together.
EncodedSpan encode_span(const Span& span, OtlpEncoding encoding);
/// The request holding spans so encoded.
std::string otlp_request(const std::vector<std::string>& spans, const Attributes& resource,
                         std::string_view scope_version, OtlpEncoding encoding);

/// The spans a collector's http/protobuf answer says it refused (a partial success); 0 when it
/// names none, or is not an ExportTraceServiceResponse.
std::int64_t otlp_protobuf_rejected_spans(std::string_view answer);

/// What became of the spans a tracer was given.
struct ExportReport {
  std::int64_t exported = 0;
  std::int64_t dropped = 0;  ///< the queue was full, or the collector failed or was too slow
  std::string last_problem;  ///< why the last batch that failed did, with no header value in it
};

/// Collects finished spans and sends them in batches from a thread of its own: a full queue
/// drops spans instead of waiting, and every request has a timeout, so that a collector that
/// is slow or down costs a run nothing but the spans. Safe from several threads.
class Tracer {
 public:
  /// A tracer that exports nothing (and starts no thread) when `settings.traces_url` is empty.
  explicit Tracer(ExportSettings settings);
  /// `finish()`.
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  /// Whether spans are kept and sent.
  [[nodiscard]] bool exporting() const { return m_exporting; }
  /// Whether the span of `context` is sent: exporting, and sampled. Worth writing only then.
  [[nodiscard]] bool exports(const TraceContext& context) const {
    return m_exporting && context.sampled;
  }
  /// Whether a call within `parent` (none: the process's own) has anything to do: spans to
  /// send, or a caller's context (`parent`, else TRACEPARENT) to pass on.
  [[nodiscard]] bool active(const std::optional<TraceContext>& parent = std::nullopt) const {
    return m_exporting || parent.has_value() || m_settings.parent.has_value();
  }
  [[nodiscard]] const ExportSettings& settings() const { return m_settings; }
  /// The context of a new span: a fresh span id in `parent`'s trace, or in TRACEPARENT's when
  /// there is no parent, or else in a new trace of its own. A span inherits whether it is
  /// sampled; one that is not is propagated but never exported.
  [[nodiscard]] TraceContext start_span(const std::optional<TraceContext>& parent) const;
  /// The parent span id `start_span(parent)` gives a span: `parent`'s, TRACEPARENT's, or none.
  [[nodiscard]] std::string parent_span_id(const std::optional<TraceContext>& parent) const;
  /// The context to send to a server called within `span`, started in `parent`: `span` while
  /// exporting; otherwise the caller's context unchanged (`parent`, else TRACEPARENT), or
  /// nothing when there is none.
  [[nodiscard]] std::optional<TraceContext> outgoing(
      const TraceContext& span, const std::optional<TraceContext>& parent = std::nullopt) const;

  /// Queues a finished span for export (nothing when not exporting).
  void end(const Span& span);
  /// The same for a span already written in the encoding of `settings()` (a `logic_error` in
  /// another: it cannot be sent), of a context `exports` said is sent.
  void end(EncodedSpan span);
  /// Sends what is queued, waiting at most the export timeout, stops the thread, and says what
  /// became of every span. Later spans are dropped. Idempotent.
  ExportReport finish();

 private:
  struct Queue;
  ExportSettings m_settings;
  bool m_exporting = false;
  std::unique_ptr<Queue> m_queue;
};

}  // namespace promptctl::telemetry
