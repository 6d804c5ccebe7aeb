#include "http/client.hpp"

#include <algorithm>
#include <utility>

#include "http/curl_api.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/error.hpp"
#include "util/strings.hpp"

namespace promptctl::http {
namespace {

TransportFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportFailure::none;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::connect;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return TransportFailure::dropped;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return TransportFailure::tls;
    default:
      return TransportFailure::other;
  }
}

CURL* easy(void* handle) {
  return static_cast<CURL*>(handle);
}

void set_tls_files(CURL* handle, const TlsFiles& tls) {
  const CurlApi& api = curl();
  for (auto [option, value] : {std::pair{CURLOPT_CAINFO, &tls.ca_file},
                               {CURLOPT_CAPATH, &tls.ca_path},
                               {CURLOPT_SSLCERT, &tls.client_cert},
                               {CURLOPT_SSLKEY, &tls.client_key}}) {
    if (!value->empty()) {
      api.curl_easy_setopt(handle, option, value->c_str());  // libcurl copies the string
    }
  }
}

}  // namespace

// libcurl's callbacks that need libcurl's own types.
struct TransferHooks {
  // Called each time a request is about to go out, on a new connection or a reused one: also
  // when libcurl sends it again by itself after a reused connection turned out closed.
  static int on_request(void* self, char* /*remote_ip*/, char* /*local_ip*/, int /*remote_port*/,
                        int /*local_port*/) {
    ++static_cast<Transfer*>(self)->m_response.requests_sent;
    return CURL_PREREQFUNC_OK;
  }
};

Transfer::Transfer(const Request& request, std::function<void(std::string_view)> on_chunk)
    : m_on_chunk(std::move(on_chunk)) {
  const CurlApi& api = curl();
  m_easy = api.curl_easy_init();
  if (!m_easy) {
    throw Error(ErrorKind::io, "cannot create an HTTP transfer");
  }
  CURL* handle = easy(m_easy);
  api.curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  if (request.method == "POST") {
    api.curl_easy_setopt(handle, CURLOPT_POST, 1L);
    api.curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    api.curl_easy_setopt(handle, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
  }
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    list = api.curl_slist_append(list, (name + ": " + value).c_str());
  }
  // Without this libcurl sends "Expect: 100-continue" for large bodies and waits a second.
  list = api.curl_slist_append(list, "Expect:");
  m_header_list = list;
  api.curl_easy_setopt(handle, CURLOPT_HTTPHEADER, list);
  api.curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, request.timeout_ms);
  api.curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  api.curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  api.curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  api.curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  set_tls_files(handle, request.tls);
  api.curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  api.curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
  static const std::string user_agent = "promptctl/" + build_info().version;
  api.curl_easy_setopt(handle, CURLOPT_USERAGENT, user_agent.c_str());
  api.curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  api.curl_easy_setopt(handle, CURLOPT_WRITEDATA, this);
  api.curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  api.curl_easy_setopt(handle, CURLOPT_HEADERDATA, this);
  api.curl_easy_setopt(handle, CURLOPT_PRIVATE, this);
  api.curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, &TransferHooks::on_request);
  api.curl_easy_setopt(handle, CURLOPT_PREREQDATA, this);
}

Transfer::~Transfer() {
  const CurlApi& api = curl();
  api.curl_easy_cleanup(easy(m_easy));
  api.curl_slist_free_all(static_cast<curl_slist*>(m_header_list));
}

size_t Transfer::on_body(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  std::string_view piece(data, size * count);
  transfer->m_response.body.append(piece);
  if (transfer->m_on_chunk) {
    long status = 0;
    curl().curl_easy_getinfo(easy(transfer->m_easy), CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      // An exception must not cross libcurl's C frames: keep its message and stop the transfer.
      try {
        transfer->m_on_chunk(piece);
      } catch (const std::exception& e) {
        transfer->m_chunk_error = e.what();
        return 0;
      }
    }
  }
  return size * count;
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    transfer->m_response.headers.clear();  // a new response (after a redirect or 100)
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    transfer->m_response.headers[util::to_lower(line.substr(0, colon))] =
        std::string(util::trim(line.substr(colon + 1)));
  }
  return size * count;
}

void Transfer::finish(int code) {
  auto curl_code = static_cast<CURLcode>(code);
  curl().curl_easy_getinfo(easy(m_easy), CURLINFO_RESPONSE_CODE, &m_response.status);
  m_response.failure = classify(curl_code);
  if (m_response.failure != TransportFailure::none) {
    m_response.failure_message = curl().curl_easy_strerror(curl_code);
  }
}

MultiClient::MultiClient() {
  m_multi = curl().curl_multi_init();
  if (!m_multi) {
    throw Error(ErrorKind::io, "cannot create an HTTP client");
  }
}

MultiClient::~MultiClient() {
  const CurlApi& api = curl();
  for (Transfer* transfer : m_active) {
    api.curl_multi_remove_handle(static_cast<CURLM*>(m_multi), easy(transfer->handle()));
  }
  api.curl_multi_cleanup(static_cast<CURLM*>(m_multi));
}

void MultiClient::wake() {
  curl().curl_multi_wakeup(static_cast<CURLM*>(m_multi));
}

void MultiClient::add(Transfer& transfer) {
  CURLMcode code =
      curl().curl_multi_add_handle(static_cast<CURLM*>(m_multi), easy(transfer.handle()));
  if (code != CURLM_OK) {
    throw Error(ErrorKind::io,
                std::string("cannot start an HTTP transfer: ") + curl().curl_multi_strerror(code));
  }
  m_active.push_back(&transfer);
}

void MultiClient::remove(Transfer& transfer) {
  if (std::erase(m_active, &transfer) != 0) {
    curl().curl_multi_remove_handle(static_cast<CURLM*>(m_multi), easy(transfer.handle()));
  }
}

std::vector<Transfer*> MultiClient::poll(int timeout_ms) {
  const CurlApi& api = curl();
  auto* multi = static_cast<CURLM*>(m_multi);
  int running = 0;
  api.curl_multi_perform(multi, &running);
  std::vector<Transfer*> finished;
  int queued = 0;
  while (CURLMsg* message = api.curl_multi_info_read(multi, &queued)) {
    if (message->msg != CURLMSG_DONE) {
      continue;
    }
    void* owner = nullptr;
    api.curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
    auto* transfer = static_cast<Transfer*>(owner);
    CURLcode result = message->data.result;
    api.curl_multi_remove_handle(multi, message->easy_handle);
    transfer->finish(result);
    std::erase(m_active, transfer);
    finished.push_back(transfer);
  }
  if (finished.empty() && !m_active.empty() && timeout_ms > 0) {
    api.curl_multi_poll(multi, nullptr, 0, timeout_ms, nullptr);
  }
  return finished;
}

}  // namespace promptctl::http
