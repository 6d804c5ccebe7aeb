// The CPU a batch row spends only on carrying its request and answer over loopback HTTP, under
// three ways of doing it: plain sockets (the kernel's share, which nothing in user space can
// avoid), libcurl with nothing around it (what the design's HTTP library costs), and promptctl's
// own HTTP client (libcurl as promptctl sets it up). `bench/transport_floor.sh` sets these
// beside `run --input` of the same rows, which adds rendering, JSON, the ledger and the output.
// `libcurl-traced` adds the W3C `traceparent` header a traced call carries: run under
// `valgrind --tool=callgrind` at two request counts, the difference is what one more header
// costs libcurl.
//   transport_floor sockets|libcurl|libcurl-traced|promptctl URL REQUESTS CONCURRENCY
// URL is the provider's base, e.g. http://127.0.0.1:PORT (the test server).
#define CURL_DISABLE_TYPECHECK
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.hpp"
#include "util/fd.hpp"
#include "util/url.hpp"

namespace {

// A classify row's request, as promptctl writes it.
constexpr std::string_view k_body =
    R"({"max_tokens":20,"messages":[{"content":"Classify the ticket into billing, shipping or )"
    R"(other. Reply with one word.","role":"system"},{"content":"Ticket 1: My order 1 has not )"
    R"(arrived and I was charged twice.","role":"user"}],"model":"bench-model","temperature":0.3})";
constexpr std::string_view k_path = "/v1/chat/completions";

struct Load {
  std::string base_url;
  int requests = 0;
  int concurrency = 0;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Keeps `concurrency` requests in flight until `requests` have been answered: `start` sends one
// more, `wait` returns how many answers arrived.
void keep_in_flight(const Load& load, const std::function<void()>& start,
                    const std::function<int()>& wait) {
  int started = 0;
  for (; started < std::min(load.concurrency, load.requests); ++started) {
    start();
  }
  for (int answered = 0; answered < load.requests;) {
    int arrived = wait();
    answered += arrived;
    for (int i = 0; i < arrived && started < load.requests; ++i, ++started) {
      start();
    }
  }
}

// A descriptor just opened, or an error.
promptctl::util::Fd opened(int fd, const char* what) {
  if (fd < 0) {
    throw std::runtime_error(std::string("cannot open ") + what);
  }
  return promptctl::util::Fd(fd);
}

int port_of(const std::string& base_url) {
  int port = 0;
  std::optional<promptctl::util::UrlParts> parts = promptctl::util::parse_url(base_url);
  std::string_view digits = parts ? parts->port : std::string_view();
  std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (port == 0) {
    throw std::runtime_error("no port in " + base_url);
  }
  return port;
}

// One keep-alive connection reading one answer at a time: the head, then Content-Length bytes.
class SocketConnection {
 public:
  SocketConnection(int port, int epoll)
      : m_socket(opened(socket(AF_INET, SOCK_STREAM, 0), "a socket")) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(m_socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot connect to port " + std::to_string(port));
    }
    int on = 1;
    setsockopt(m_socket.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = this;
    epoll_ctl(epoll, EPOLL_CTL_ADD, m_socket.get(), &event);
  }

  void send_request(const std::string& request) const {
    if (send(m_socket.get(), request.data(), request.size(), 0) !=
        static_cast<ssize_t>(request.size())) {
      throw std::runtime_error("a request was not sent whole");
    }
  }

  // Reads what arrived; true when it completes an answer.
  bool read_answer() {
    char buffer[16384];
    ssize_t got = recv(m_socket.get(), buffer, sizeof buffer, 0);
    if (got <= 0) {
      throw std::runtime_error("the server closed a connection");
    }
    m_received.append(buffer, static_cast<size_t>(got));
    size_t head_end = m_received.find("\r\n\r\n");
    if (head_end == std::string::npos) {
      return false;
    }
    if (!m_received.starts_with("HTTP/1.1 200")) {
      throw std::runtime_error("an answer was not 200: " + m_received.substr(0, 40));
    }
    constexpr std::string_view k_length = "\r\nContent-Length: ";
    size_t length_at = m_received.find(k_length);
    if (length_at == std::string::npos || length_at > head_end) {
      throw std::runtime_error("an answer without Content-Length");
    }
    size_t length = 0;
    std::from_chars(m_received.data() + length_at + k_length.size(), m_received.data() + head_end,
                    length);
    if (m_received.size() < head_end + 4 + length) {
      return false;
    }
    m_received.erase(0, head_end + 4 + length);
    return true;
  }

 private:
  promptctl::util::Fd m_socket;
  std::string m_received;
};

void run_sockets(const Load& load) {
  std::string request = "POST " + std::string(k_path) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: " +
                        std::to_string(k_body.size()) + "\r\n\r\n" + std::string(k_body);
  promptctl::util::Fd epoll = opened(epoll_create1(0), "an epoll instance");
  std::vector<std::unique_ptr<SocketConnection>> connections;
  for (int i = 0; i < load.concurrency; ++i) {
    connections.push_back(std::make_unique<SocketConnection>(port_of(load.base_url), epoll.get()));
  }
  std::vector<SocketConnection*> idle;
  for (auto& connection : connections) {
    idle.push_back(connection.get());
  }
  keep_in_flight(
      load,
      [&] {
        idle.back()->send_request(request);
        idle.pop_back();
      },
      [&] {
        epoll_event events[128];
        int ready = epoll_wait(epoll.get(), events, 128, 5000);
        int answered = 0;
        for (int i = 0; i < ready; ++i) {
          auto* connection = static_cast<SocketConnection*>(events[i].data.ptr);
          if (connection->read_answer()) {
            idle.push_back(connection);
            ++answered;
          }
        }
        return answered;
      });
}

size_t discard(char* /*data*/, size_t size, size_t count, void* /*unused*/) {
  return size * count;
}

// libcurl as its documentation shows it: one easy handle a request, in one multi handle, which
// keeps the connections.
void run_libcurl(const Load& load, bool traced) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // for the process, which ends after this run
  std::string url = load.base_url + std::string(k_path);
  std::string body(k_body);
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  if (traced) {
    list = curl_slist_append(
        list, "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, &curl_slist_free_all);
  // Declared after the headers, so that it and the transfers in it go first.
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> owned_multi(curl_multi_init(),
                                                                    &curl_multi_cleanup);
  CURLM* multi = owned_multi.get();
  keep_in_flight(
      load,
      [&] {
        CURL* easy = curl_easy_init();
        curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &discard);
        curl_multi_add_handle(multi, easy);
      },
      [&] {
        int running = 0;
        curl_multi_perform(multi, &running);
        int answered = 0;
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
          long status = 0;
          curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
          if (message->data.result != CURLE_OK || status != 200) {
            throw std::runtime_error("a request failed");
          }
          curl_multi_remove_handle(multi, message->easy_handle);
          curl_easy_cleanup(message->easy_handle);
          ++answered;
        }
        if (answered == 0) {
          curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
        return answered;
      });
}

// promptctl's client, with the headers an OpenAI-style call carries.
void run_promptctl(const Load& load) {
  using namespace promptctl::http;
  Request request;
  request.url = load.base_url + std::string(k_path);
  request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  request.body = k_body;
  MultiClient client;
  std::vector<std::unique_ptr<Transfer>> in_flight;
  keep_in_flight(
      load,
      [&] {
        in_flight.push_back(std::make_unique<Transfer>(request, nullptr));
        client.add(*in_flight.back());
      },
      [&] {
        std::vector<Transfer*> finished = client.poll(1000);
        for (Transfer* transfer : finished) {
          if (transfer->response().status != 200) {
            throw std::runtime_error("a request failed");
          }
          std::erase_if(in_flight, [&](const auto& owned) { return owned.get() == transfer; });
        }
        return static_cast<int>(finished.size());
      });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr,
                 "usage: transport_floor sockets|libcurl|libcurl-traced|promptctl URL REQUESTS "
                 "CONCURRENCY\n");
    return 2;
  }
  std::string mode = argv[1];
  Load load{argv[2], std::stoi(argv[3]), std::stoi(argv[4])};
  try {
    double before = cpu_seconds();
    if (mode == "sockets") {
      run_sockets(load);
    } else if (mode == "libcurl" || mode == "libcurl-traced") {
      run_libcurl(load, mode == "libcurl-traced");
    } else if (mode == "promptctl") {
      run_promptctl(load);
    } else {
      std::fprintf(stderr, "transport_floor: no mode '%s'\n", mode.c_str());
      return 2;
    }
    double spent = cpu_seconds() - before;
    std::printf("%s %d requests: %.1f us of CPU each\n", mode.c_str(), load.requests,
                spent * 1e6 / load.requests);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "transport_floor: %s\n", e.what());
    return 1;
  }
  return 0;
}
