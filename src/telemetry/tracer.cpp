#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "http/client.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/telemetry.hpp"

namespace promptctl::telemetry {
namespace {

// The batch span processor's defaults, as the OpenTelemetry SDK specification gives them,
// except the delay: a short command should not wait five seconds to be seen.
constexpr std::size_t k_max_queue = 2048;
constexpr std::size_t k_max_batch = 512;
constexpr auto k_schedule_delay = std::chrono::seconds(1);

struct Sent {
  bool ok = false;
  std::int64_t rejected = 0;  ///< spans the collector said it did not accept
  std::string problem;
};

// The spans a collector's http/json answer says it refused.
std::int64_t rejected_spans_in_json(const std::string& body) {
  nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("partialSuccess")) {
    return 0;
  }
  const nlohmann::json& partial = answer["partialSuccess"];
  if (!partial.is_object() || !partial.contains("rejectedSpans")) {
    return 0;
  }
  const nlohmann::json& rejected = partial["rejectedSpans"];
  if (rejected.is_string()) {
    return std::atoll(rejected.get<std::string>().c_str());
  }
  return rejected.is_number_integer() ? rejected.get<std::int64_t>() : 0;
}

// One POST of a batch. Nothing in the problem comes from the headers, which may be secrets.
Sent post(const ExportSettings& settings, std::string body) {
  http::Request request;
  request.url = settings.traces_url;
  request.method = "POST";
  request.body = std::move(body);
  request.timeout_ms = settings.timeout_ms;
  request.connect_timeout_ms = settings.timeout_ms;
  request.tls.ca_file = settings.ca_file;
  request.headers = settings.headers;
  request.headers.emplace_back("Content-Type", settings.encoding == OtlpEncoding::json
                                                   ? "application/json"
                                                   : "application/x-protobuf");
  http::MultiClient client;
  http::Transfer transfer(request, nullptr);
  client.add(transfer);
  while (client.active() > 0) {
    client.poll(100);
  }
  const http::Response& response = transfer.response();
  Sent sent;
  if (response.failure != http::TransportFailure::none) {
    sent.problem = response.failure_message;
    return sent;
  }
  if (response.status < 200 || response.status >= 300) {
    sent.problem = "the collector answered HTTP " + std::to_string(response.status);
    return sent;
  }
  sent.ok = true;
  // A partial success names how many spans were refused.
  sent.rejected = settings.encoding == OtlpEncoding::json
                      ? rejected_spans_in_json(response.body)
                      : otlp_protobuf_rejected_spans(response.body);
  return sent;
}

}  // namespace

struct Tracer::Queue {
  std::mutex lock;
  std::condition_variable wake;
  std::deque<std::string> spans;  ///< encoded as they ended
  bool finishing = false;
  ExportReport report;
  std::mutex finish_lock;  // held by the one `finish` that joins the sender
  std::thread sender;

  void run(const ExportSettings& settings) {
    std::unique_lock guard(lock);
    while (true) {
      wake.wait_for(guard, k_schedule_delay,
                    [&] { return finishing || spans.size() >= k_max_batch; });
      if (spans.empty()) {
        if (finishing) {
          return;
        }
        continue;
      }
      std::size_t count = std::min(spans.size(), k_max_batch);
      std::vector<std::string> batch(std::make_move_iterator(spans.begin()),
                                     std::make_move_iterator(spans.begin() + count));
      spans.erase(spans.begin(), spans.begin() + count);
      guard.unlock();
      Sent sent = post(settings, otlp_request(batch, settings.resource, build_info().version,
                                              settings.encoding));
      guard.lock();
      auto size = static_cast<std::int64_t>(batch.size());
      if (sent.ok) {
        report.exported += size - sent.rejected;
        report.dropped += sent.rejected;
        continue;
      }
      report.dropped += size;
      report.last_problem = sent.problem;
      if (finishing) {  // the collector is failing: the rest is not worth waiting for
        report.dropped += static_cast<std::int64_t>(spans.size());
        spans.clear();
        return;
      }
    }
  }
};

Tracer::Tracer(ExportSettings settings) : m_settings(std::move(settings)) {
  m_exporting = !m_settings.traces_url.empty();
  if (m_exporting) {
    m_queue = std::make_unique<Queue>();
    m_queue->sender = std::thread([this] { m_queue->run(m_settings); });
  }
}

Tracer::~Tracer() {
  finish();
}

TraceContext Tracer::start_span(const std::optional<TraceContext>& parent) const {
  const std::optional<TraceContext>& within = parent ? parent : m_settings.parent;
  TraceContext context;
  context.trace_id = within ? within->trace_id : new_trace_id();
  context.span_id = new_span_id();
  context.sampled = within ? within->sampled : true;
  return context;
}

std::string Tracer::parent_span_id(const std::optional<TraceContext>& parent) const {
  const std::optional<TraceContext>& within = parent ? parent : m_settings.parent;
  return within ? within->span_id : std::string();
}

std::optional<TraceContext> Tracer::outgoing(const TraceContext& span,
                                             const std::optional<TraceContext>& parent) const {
  if (m_exporting) {
    return span;
  }
  return parent ? parent : m_settings.parent;
}

void Tracer::end(const Span& span) {
  if (exports(span.context)) {
    end(encode_span(span, m_settings.encoding));
  }
}

void Tracer::end(EncodedSpan span) {
  if (!m_exporting) {
    return;
  }
  if (span.encoding != m_settings.encoding) {
    throw std::logic_error("a span was written in another encoding than its tracer sends");
  }
  std::lock_guard guard(m_queue->lock);
  if (m_queue->finishing || m_queue->spans.size() >= k_max_queue) {
    ++m_queue->report.dropped;
    return;
  }
  m_queue->spans.push_back(std::move(span.bytes));
  if (m_queue->spans.size() >= k_max_batch) {
    m_queue->wake.notify_one();
  }
}

ExportReport Tracer::finish() {
  if (!m_queue) {
    return {};
  }
  // Callers on other threads wait here for the first one's join, then read the same report.
  std::lock_guard finishing(m_queue->finish_lock);
  {
    std::lock_guard guard(m_queue->lock);
    m_queue->finishing = true;
  }
  m_queue->wake.notify_one();
  if (m_queue->sender.joinable()) {
    m_queue->sender.join();
  }
  std::lock_guard guard(m_queue->lock);
  return m_queue->report;
}

}  // namespace promptctl::telemetry
