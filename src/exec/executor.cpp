#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "exec/call_span.hpp"
#include "exec/credentials.hpp"
#include "exec/http_failure.hpp"
#include "exec/wire.hpp"
#include "http/client.hpp"
#include "promptctl/check.hpp"
#include "promptctl/execute.hpp"
#include "util/dates.hpp"
#include "util/uuid.hpp"

namespace promptctl {
namespace {

using Clock = std::chrono::steady_clock;
using exec_detail::Credentials;
using exec_detail::ResponseError;
using exec_detail::retry_after_ms;
using exec_detail::retryable_status;
using exec_detail::transport_message;

// Backoff never waits longer than this between two attempts, whatever the count.
constexpr long k_max_backoff_ms = 30000;

long elapsed_ms(Clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

std::int64_t estimated_tokens(std::string_view text) {
  return static_cast<std::int64_t>((text.size() + 3) / 4);  // about four characters a token
}

// Where else an address may come from, for a message about a missing one.
std::string address_variable_hint(const ProviderKind& kind) {
  return kind.base_url_variable.empty() ? "" : " or " + std::string(kind.base_url_variable);
}

ChatResponse echo_response(const ChatRequest& request) {
  ChatResponse response;
  std::int64_t input = 0;
  for (const ChatMessage& message : request.messages) {
    input += estimated_tokens(message.content);
    if (request.messages.size() == 1) {
      response.text = message.content;
    } else {
      response.text +=
          (response.text.empty() ? "" : "\n\n") + ("[" + message.role + "]\n") + message.content;
    }
  }
  response.finish_reason = "stop";
  response.input_tokens = input;
  response.output_tokens = estimated_tokens(response.text);
  return response;
}

// One call as it moves through its requests and attempts.
struct Call {
  std::size_t index = 0;
  const std::vector<ChatRequest>* chain = nullptr;  // the caller's, or owned_chain
  std::vector<ChatRequest> owned_chain;             // a streamed call's requests
  bool stream = false;                              // its answer streamed, whatever the options say
  std::shared_ptr<const std::atomic<bool>> cancel;  // set when the answer is no longer wanted
  CallResult result;
  std::vector<std::string> failures;  // of the models given up on, described
  std::size_t target = 0;
  int attempts = 0;
  int target_attempts = 0;
  Clock::time_point started;
  Clock::time_point target_started;
  Clock::time_point ready_at;
  Clock::time_point sent;    // when the request now out was sent
  bool answering = false;    // some of its answer has come back
  bool replay_miss = false;  // the last target tried had no answer in the replay cache
  bool finished = false;     // reported to on_done
  int http_status = 0;       // of the last response
  std::int64_t started_ms = 0;
  std::string uid;               // of the run it is recorded as
  exec_detail::CallTrace trace;  // with a tracer only
  http::Request http_request;
  std::unique_ptr<http::Transfer> transfer;
  std::unique_ptr<exec_detail::StreamDecoder> decoder;
  std::shared_ptr<const Credentials> credentials;  // its provider's, shared with other calls
  std::string cache_key;  // the response cache's key for target `cache_key_target`
  std::size_t cache_key_target = 0;
  bool begun = false;
  int broken_answers = 0;  // answers of the current target that broke the output schema

  [[nodiscard]] const ChatRequest& request() const { return (*chain)[target]; }
};

// The work of one Executor::run or Executor::stream.
class Batch {
 public:
  Batch(const std::map<std::string, ProviderSettings>& providers, const ResponseCache* cache,
        const ExecutionOptions& options, const ExecutionEvents& events)
      : m_providers(providers),
        m_cache(cache),
        m_options(options),
        m_events(events),
        m_random(std::random_device{}()) {}
  ~Batch() {
    if (m_options.bell) {
      m_options.bell->set_waker({});  // before the client it wakes goes
    }
  }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  std::vector<CallResult> run(const std::vector<std::vector<ChatRequest>>& calls) {
    std::vector<CallResult> results(calls.size());
    m_results = &results;
    for (const std::vector<ChatRequest>& chain : calls) {
      add(std::make_unique<Call>())->chain = &chain;
    }
    loop(nullptr);
    return results;
  }

  void stream(const CallFeed& feed) { loop(&feed); }

 private:
  Call* add(std::unique_ptr<Call> call) {
    call->index = m_next_index++;
    m_pending.push_back(call->index);
    Call* added = call.get();
    m_calls.emplace(added->index, std::move(call));
    return added;
  }

  void loop(const CallFeed* feed) {
    bool fed_all = feed == nullptr;
    while (true) {
      retire_finished();
      if (stop_requested()) {
        // Nothing new starts, retries and fallbacks included; what is out may still land.
        m_pending.clear();
        if (active() == 0 || Clock::now() - *m_stopping_since >= m_options.stop_grace) {
          abandon_unfinished();
          break;
        }
      } else {
        fed_all = fed_all || take_from(*feed);
        start_ready_calls();
        retire_finished();
      }
      if (m_calls.empty() && (fed_all || m_stopping_since)) {
        break;
      }
      if (m_calls.empty()) {
        // The feed held back while calls were out, and they all finished at once (cache hits,
        // the offline provider): ask it again, now that nothing is out.
        continue;
      }
      wait_for_progress();
      drop_cancelled();
      if (m_events.on_tick) {
        m_events.on_tick();
      }
    }
  }

  // Takes calls from the feed while fewer than `parallel` are unfinished, so that a streamed
  // batch holds only what it can run. True once the feed has no more.
  bool take_from(const CallFeed& feed) {
    std::size_t parallel = std::max<std::size_t>(1, m_options.parallel);
    while (m_calls.size() < parallel) {
      Fed fed = feed();
      if (!fed.call) {
        return fed.exhausted;
      }
      auto call = std::make_unique<Call>();
      call->owned_chain = std::move(*fed.call);
      call->chain = &call->owned_chain;
      call->stream = fed.stream;
      if (fed.cancel) {
        call->cancel = std::move(fed.cancel);
        ++m_cancellable;
      }
      add(std::move(call));
    }
    return false;
  }

  // Finished calls are dropped between steps, never while one of their own functions runs.
  void retire_finished() {
    for (std::size_t index : m_retired) {
      m_calls.erase(index);
    }
    m_retired.clear();
  }

  bool stop_requested() {
    bool asked = (m_options.stop && m_options.stop->load()) ||
                 (m_options.enough && m_options.enough->load());
    if (!m_stopping_since && asked) {
      m_stopping_since = Clock::now();
    }
    return m_stopping_since.has_value();
  }

  // Calls still out are dropped with the multi handle when the batch ends.
  void abandon_unfinished() {
    for (auto& [index, call] : m_calls) {
      if (call->finished) {
        continue;
      }
      CallResult& result = interrupted(*call, "stopped");
      if (m_results) {
        (*m_results)[index] = std::move(result);
      }
    }
  }

  // `call`'s result as a call ended before its answer ("stopped before it was sent", ...).
  CallResult& interrupted(Call& call, std::string_view how, std::string_view why = {}) {
    CallResult& result = call.result;
    if (call.begun) {
      fill_common(call, result);
    }
    result.ok = false;
    result.interrupted = true;
    result.error = std::string(how) +
                   (call.begun ? " before the answer came" : " before it was sent") +
                   std::string(why);
    return result;
  }

  // Calls whose answer is no longer wanted end now: a request out is closed (what was spent
  // on it is still recorded), a retry or fallback waiting is not made.
  void drop_cancelled() {
    if (m_cancellable == 0) {
      return;  // a batch whose calls cannot be cancelled looks through none of them
    }
    for (auto& [index, call] : m_calls) {
      if (call->finished || !call->cancel || !call->cancel->load()) {
        continue;
      }
      if (call->transfer) {
        m_multi->remove(*call->transfer);
        m_by_transfer.erase(call->transfer.get());
        call->transfer.reset();
      }
      std::erase(m_pending, index);
      finish(*call, interrupted(*call, "cancelled", ": it was no longer wanted"));
    }
  }

  void start_ready_calls() {
    std::size_t parallel = std::max<std::size_t>(1, m_options.parallel);
    auto now = Clock::now();
    // A call answered at once (the cache, an offline provider) may ask for a stop: look before
    // each start.
    for (auto it = m_pending.begin();
         it != m_pending.end() && active() < parallel && !stop_requested();) {
      Call& call = *m_calls.at(*it);
      if (call.ready_at > now || !take_rate_slot(call, now)) {
        ++it;
        continue;
      }
      it = m_pending.erase(it);
      begin(call);
    }
  }

  // Spaces requests to a provider with a rate limit evenly over each minute.
  bool take_rate_slot(Call& call, Clock::time_point now) {
    const ProviderSettings& settings = m_providers.at(call.request().provider);
    if (settings.requests_per_minute <= 0 || settings.kind().answers_offline()) {
      return true;
    }
    Clock::time_point& slot = m_next_slot[settings.name];
    if (slot > now) {
      call.ready_at = slot;
      return false;
    }
    auto interval =
        std::chrono::microseconds(static_cast<std::int64_t>(60e6 / settings.requests_per_minute));
    slot = std::max(slot, now) + interval;
    return true;
  }

  std::size_t active() const { return m_multi ? m_multi->active() : 0; }

  // When the first pending call may start (a retry's or a rate limit's time), if any waits.
  std::optional<Clock::time_point> earliest_ready() const {
    std::optional<Clock::time_point> next_ready;
    for (std::size_t index : m_pending) {
      Clock::time_point ready_at = m_calls.at(index)->ready_at;
      if (!next_ready || ready_at < *next_ready) {
        next_ready = ready_at;
      }
    }
    return next_ready;
  }

  void wait_for_progress() {
    auto now = Clock::now();
    bool slot_free = active() < std::max<std::size_t>(1, m_options.parallel);
    // Only a free slot can make a pending call's time end the wait sooner: the pending calls
    // (thousands, in a test suite) are looked through only then, not on every step.
    std::optional<Clock::time_point> next_ready = slot_free ? earliest_ready() : std::nullopt;
    if (active() == 0) {
      if (next_ready && *next_ready > now) {
        // In steps, so that a stop request is noticed during a long retry delay.
        std::this_thread::sleep_until(std::min(*next_ready, now + std::chrono::milliseconds(100)));
      }
      return;
    }
    // A call waiting only for a free slot is started when a transfer finishes, which wakes
    // the poll; only a retry or rate-limit time can end the wait sooner.
    int timeout = 100;
    if (next_ready) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next_ready - now);
      timeout = static_cast<int>(std::clamp<std::int64_t>(until.count(), 0, 100));
    }
    for (http::Transfer* finished : m_multi->poll(timeout)) {
      finish_transfer(*m_by_transfer.at(finished));
    }
    report_waiting();
  }

  // Tells the caller, at most once a second, about the request waited on longest.
  void report_waiting() {
    auto now = Clock::now();
    if (!m_events.on_waiting || now - m_last_waiting_report < std::chrono::seconds(1)) {
      return;
    }
    const Call* longest = nullptr;
    for (const auto& [transfer, call] : m_by_transfer) {
      if (!call->answering && (!longest || call->sent < longest->sent)) {
        longest = call;
      }
    }
    if (!longest || now - longest->sent < std::chrono::seconds(1)) {
      return;
    }
    m_last_waiting_report = now;
    m_events.on_waiting(Waiting{longest->index, longest->request().provider,
                                longest->request().model,
                                std::chrono::duration<double>(now - longest->sent).count(),
                                static_cast<double>(longest->http_request.timeout_ms) / 1000.0});
  }

  void begin(Call& call) {
    if (!call.begun) {
      call.begun = true;
      call.started = Clock::now();
      call.started_ms = util::now_ms();
      call.target_started = call.started;
      call.uid = util::uuid_v7(call.started_ms);
      const std::optional<telemetry::TraceContext>& parent = call.request().trace_parent;
      if (telemetry::Tracer* tracer = m_options.tracer; tracer && tracer->active(parent)) {
        call.trace.context = tracer->start_span(parent);
        call.trace.parent_span_id = tracer->parent_span_id(parent);
        call.trace.start_unix_ns = telemetry::now_unix_ns();
      }
    }
    const ChatRequest& request = call.request();
    const ProviderSettings& settings = m_providers.at(request.provider);
    if (settings.kind().answers_offline()) {
      ChatResponse response = echo_response(request);
      ++call.attempts;
      emit_text(call, response.text);
      complete(call, std::move(response), false);
      return;
    }
    if (m_cache && cache_reads(m_options.cache, request.parameters)) {
      if (auto stored = m_cache->find(cache_key(call))) {
        emit_text(call, stored->text);
        complete(call, std::move(*stored), true);
        return;
      }
      if (m_options.cache == CacheMode::replay) {
        call.replay_miss = true;
        give_up_on_target(call,
                          "no recorded answer for this request in the response cache "
                          "(--cache replay makes no calls)",
                          ErrorKind::invalid_input);
        return;
      }
    }
    try {
      call.credentials = credentials_for(settings);
    } catch (const Error& e) {
      // The run's error is one line of text: keep where the setting is and what to do.
      give_up_on_target(call,
                        std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")"),
                        ErrorKind::invalid_input);
      return;
    }
    if (settings.effective_base_url().empty()) {
      give_up_on_target(call,
                        "provider '" + settings.name +
                            "' has no base_url (set it in promptctl.yaml" +
                            address_variable_hint(settings.kind()) + ")",
                        ErrorKind::invalid_input);
      return;
    }
    send(call, settings);
  }

  void send(Call& call, const ProviderSettings& settings) {
    const exec_detail::WireFormat& wire = exec_detail::wire_format(settings.type);
    bool stream = m_options.stream || call.stream;
    call.http_request = wire.build(call.request(), settings, call.credentials->key, stream);
    exec_detail::apply_connection_settings(settings, *call.credentials, call.http_request);
    const std::optional<telemetry::TraceContext>& parent = call.request().trace_parent;
    if (m_options.tracer && m_options.tracer->active(parent)) {
      call.trace.url = call.http_request.url;
      call.trace.streamed = stream;
      if (auto outgoing = m_options.tracer->outgoing(call.trace.context, parent)) {
        call.http_request.headers.emplace_back("traceparent", outgoing->traceparent());
      }
    }
    call.decoder = stream ? wire.decoder(call.request()) : nullptr;
    std::function<void(std::string_view)> on_chunk;
    if (call.decoder) {
      on_chunk = [this, &call](std::string_view chunk) {
        exec_detail::decoding([&] {
          call.decoder->feed(chunk, [&](std::string_view text) { emit_text(call, text); });
        });
      };
    }
    if (!m_multi) {
      m_multi.emplace();
      if (m_options.bell) {  // the batch waits in the client's poll only once it exists
        m_options.bell->set_waker([client = &*m_multi] { client->wake(); });
      }
    }
    call.transfer = std::make_unique<http::Transfer>(call.http_request, std::move(on_chunk));
    ++call.attempts;
    ++call.target_attempts;
    call.sent = Clock::now();
    call.answering = false;
    if (m_options.verbose) {
      notice(call, "POST " + call.http_request.url + " (" + call.request().provider + "/" +
                       call.request().model + ", attempt " + std::to_string(call.target_attempts) +
                       ")");
    }
    m_by_transfer[call.transfer.get()] = &call;
    m_multi->add(*call.transfer);
  }

  void finish_transfer(Call& call) {
    std::unique_ptr<http::Transfer> transfer = std::move(call.transfer);
    m_by_transfer.erase(transfer.get());
    const http::Response& response = transfer->response();
    call.http_status = static_cast<int>(response.status);
    // Requests libcurl sent again by itself reached the server too: each is an attempt.
    call.attempts += std::max(0, response.requests_sent - 1);
    if (m_options.verbose) {
      notice(call, response.status ? "HTTP " + std::to_string(response.status)
                                   : "no HTTP response (" + response.failure_message + ")");
    }
    if (transfer->chunk_error()) {
      handle_failure(call, response, transfer->chunk_error_message(), false);
      return;
    }
    if (response.failure != http::TransportFailure::none) {
      bool retryable = response.failure != http::TransportFailure::tls &&
                       response.failure != http::TransportFailure::other;
      handle_failure(call, response, transport_message(response, call.http_request), retryable);
      return;
    }
    const auto& wire = exec_detail::wire_format(m_providers.at(call.request().provider).type);
    if (response.status < 200 || response.status >= 300) {
      std::string detail = wire.error_detail(response.body);
      handle_failure(
          call, response,
          "HTTP " + std::to_string(response.status) + (detail.empty() ? "" : ": " + detail),
          retryable_status(response.status));
      return;
    }
    try {
      ChatResponse answer = exec_detail::decoding([&] {
        return call.decoder ? call.decoder->finish() : wire.parse(response.body, call.request());
      });
      if (std::optional<std::string> breach =
              m_options.check_output_schema && answer.tool_calls.empty()
                  ? schema_breach(call.request().parameters, answer.text)
                  : std::nullopt) {
        ask_again_or_give_up(call, *breach);
        return;
      }
      if (m_cache && call.request().cache_answer &&
          cache_writes(m_options.cache, call.request().parameters)) {
        m_cache->store(cache_key(call), answer);
      }
      complete(call, std::move(answer), false);
    } catch (const ResponseError& e) {
      handle_failure(call, response, e.what(), e.retryable());
    }
  }

  void handle_failure(Call& call, const http::Response& response, const std::string& message,
                      bool retryable) {
    const ProviderSettings& settings = m_providers.at(call.request().provider);
    if (retryable && call.target_attempts <= settings.max_retries) {
      long delay = backoff_ms(settings, call.target_attempts);
      if (auto requested = retry_after_ms(response)) {
        delay = *requested;
      }
      if (elapsed_ms(call.target_started) + delay <= settings.max_retry_ms) {
        notice(call, redact(call, message) + "; retrying in " + std::to_string(delay) + " ms");
        call.ready_at = Clock::now() + std::chrono::milliseconds(delay);
        m_pending.push_front(call.index);
        return;
      }
    }
    std::string attempts = call.target_attempts > 1
                               ? " (after " + std::to_string(call.target_attempts) + " attempts)"
                               : "";
    give_up_on_target(call, message + attempts, ErrorKind::provider);
  }

  // An answer that breaks the output schema: asked again at once, as often as the schema's
  // retries allow, then the next model of the chain, or a failed call.
  void ask_again_or_give_up(Call& call, const std::string& breach) {
    if (call.broken_answers < call.request().parameters.schema_retries) {
      ++call.broken_answers;
      notice(call, breach + "; asking again");
      call.ready_at = {};
      m_pending.push_front(call.index);
      return;
    }
    give_up_on_target(call, breach, ErrorKind::provider);
  }

  // Full jitter between half and all of an exponentially growing delay.
  long backoff_ms(const ProviderSettings& settings, int attempt) {
    double ceiling =
        std::min<double>(static_cast<double>(k_max_backoff_ms),
                         static_cast<double>(settings.retry_base_ms) * std::pow(2.0, attempt - 1));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return static_cast<long>(ceiling * jitter(m_random));
  }

  void give_up_on_target(Call& call, const std::string& message, ErrorKind kind) {
    std::string described =
        call.request().provider + "/" + call.request().model + ": " + redact(call, message);
    if (call.target + 1 < call.chain->size()) {
      ++call.target;
      call.target_attempts = 0;
      call.broken_answers = 0;
      call.target_started = Clock::now();
      call.ready_at = {};
      call.failures.push_back(described);
      notice(call, described + "; falling back to " + call.request().provider + "/" +
                       call.request().model);
      m_pending.push_front(call.index);
      return;
    }
    CallResult& result = call.result;
    fill_common(call, result);
    result.ok = false;
    result.error_kind = kind;
    result.replay_miss = call.replay_miss;
    std::string earlier;
    for (const std::string& failure : call.failures) {
      earlier += failure + "; then ";
    }
    result.error = earlier + described;
    finish(call, result);
  }

  void complete(Call& call, ChatResponse response, bool cached) {
    CallResult& result = call.result;
    fill_common(call, result);
    result.ok = true;
    result.cached = cached;
    const ProviderSettings& settings = m_providers.at(call.request().provider);
    if (cached) {
      result.cost = 0.0;  // nothing was spent
    } else if (auto price = settings.price_of(call.request().model);
               price && response.input_tokens && response.output_tokens) {
      result.cost = (static_cast<double>(*response.input_tokens) * price->input +
                     static_cast<double>(*response.output_tokens) * price->output) /
                    1e6;
    }
    result.response = std::move(response);
    finish(call, result);
  }

  void fill_common(const Call& call, CallResult& result) const {
    result.request = call.request();
    result.attempts = call.attempts;
    result.http_status = call.http_status;
    result.started_ms = call.started_ms;
    result.uid = call.uid;
    result.finished_ms = util::now_ms();
    result.latency_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - call.started).count();
  }

  void finish(Call& call, CallResult& result) {
    call.finished = true;
    if (call.cancel) {
      --m_cancellable;
    }
    m_retired.push_back(call.index);
    trace(call, result);
    if (m_events.on_done) {
      m_events.on_done(call.index, result);
    }
    if (m_results) {
      (*m_results)[call.index] = std::move(result);
    }
  }

  // A call that reached its provider is a span; an answer from the cache, or a call that never
  // went out (no key, a replay miss), is not.
  void trace(const Call& call, const CallResult& result) const {
    telemetry::Tracer* tracer = m_options.tracer;
    if (!tracer || !tracer->exports(call.trace.context) || result.cached || result.attempts == 0) {
      return;
    }
    const ProviderSettings& settings = m_providers.at(result.request.provider);
    const telemetry::ExportSettings& exported = tracer->settings();
    tracer->end(exec_detail::call_span(result, settings, call.trace, exported.capture_content,
                                       exported.encoding));
  }

  void emit_text(Call& call, std::string_view text) {
    call.answering = true;
    if (m_events.on_text && !text.empty()) {
      m_events.on_text(call.index, text);
    }
  }

  void notice(const Call& call, const std::string& text) {
    if (m_events.on_notice) {
      m_events.on_notice(call.index, redact(call, text));
    }
  }

  static std::string redact(const Call& call, const std::string& text) {
    return call.credentials ? exec_detail::redact(text, call.credentials->secrets)
                            : exec_detail::redact(text, {});
  }

  // The response cache's key for the call's request, made once for each target it tries: making
  // it writes the whole request out and hashes it, and a call both looks its answer up and
  // stores it.
  static const std::string& cache_key(Call& call) {
    if (call.cache_key.empty() || call.cache_key_target != call.target) {
      call.cache_key = call.request().hash();
      call.cache_key_target = call.target;
    }
    return call.cache_key;
  }

  // A provider's key, headers and TLS files, shared by the calls begun within a second of
  // reading them: a batch reads the key file and looks for the TLS files once a second rather
  // than for every row, and a long-running `serve` still takes up a replaced key file.
  std::shared_ptr<const Credentials> credentials_for(const ProviderSettings& settings) {
    ReadCredentials& read = m_credentials[settings.name];
    Clock::time_point now = Clock::now();
    if (!read.credentials || now - read.at >= k_credentials_kept) {
      read.credentials =
          std::make_shared<const Credentials>(exec_detail::credentials_for(settings));
      read.at = now;
    }
    return read.credentials;
  }

  const std::map<std::string, ProviderSettings>& m_providers;
  const ResponseCache* m_cache;
  const ExecutionOptions& m_options;
  const ExecutionEvents& m_events;
  // Only the unfinished calls: a streamed batch of any length holds at most `parallel`.
  std::unordered_map<std::size_t, std::unique_ptr<Call>> m_calls;
  std::vector<std::size_t> m_retired;  // finished, to drop before the next step
  std::size_t m_next_index = 0;
  std::size_t m_cancellable = 0;                 // unfinished calls that carry a cancel flag
  std::vector<CallResult>* m_results = nullptr;  // Executor::run's, in order
  std::deque<std::size_t> m_pending;             // retries at the front, new calls behind
  std::map<const http::Transfer*, Call*> m_by_transfer;
  std::map<std::string, Clock::time_point> m_next_slot;
  std::optional<http::MultiClient> m_multi;  // created on the first HTTP request
  Clock::time_point m_last_waiting_report;
  std::optional<Clock::time_point> m_stopping_since;
  std::mt19937 m_random;
  struct ReadCredentials {
    std::shared_ptr<const Credentials> credentials;
    Clock::time_point at;
  };
  static constexpr std::chrono::seconds k_credentials_kept{1};
  std::map<std::string, ReadCredentials> m_credentials;  // by provider
};

}  // namespace

std::vector<CallResult> Executor::run(const std::vector<std::vector<ChatRequest>>& calls,
                                      const ExecutionOptions& options,
                                      const ExecutionEvents& events) const {
  Batch batch(m_providers, m_cache, options, events);
  return batch.run(calls);
}

void FeedBell::ring() {
  std::lock_guard<std::mutex> lock(m_lock);
  if (m_wake) {
    m_wake();
  }
}

void FeedBell::set_waker(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(m_lock);
  m_wake = std::move(wake);
}

void Executor::stream(const CallFeed& feed, const ExecutionOptions& options,
                      const ExecutionEvents& events) const {
  Batch batch(m_providers, m_cache, options, events);
  batch.stream(feed);
}

}  // namespace promptctl
