// A TLS front for a plain-HTTP test server on 127.0.0.1: it completes each handshake with the
// certificate it is given (demanding a client certificate when asked) and relays the bytes
// both ways to the server behind it. With it the tests reach the provider server over https,
// signed by a certificate authority that the test made.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace promptctl::testing {

class TlsFront {
 public:
  struct Options {
    std::string cert_file;  ///< the server's certificate chain (PEM)
    std::string key_file;   ///< its private key (PEM)
    /// When set, a client must present a certificate signed by this CA (mutual TLS).
    std::string client_ca_file;
    int backend_port = 0;  ///< the plain-HTTP server on 127.0.0.1
  };

  explicit TlsFront(Options options);
  ~TlsFront();
  TlsFront(const TlsFront&) = delete;
  TlsFront& operator=(const TlsFront&) = delete;

  /// "https://127.0.0.1:PORT".
  [[nodiscard]] std::string url() const;
  /// Handshakes completed, and refused (a client that did not trust us, or that we refused).
  [[nodiscard]] std::size_t handshakes() const { return m_handshakes; }
  [[nodiscard]] std::size_t refusals() const { return m_refusals; }

 private:
  void serve();
  void relay(int client);

  Options m_options;
  void* m_context = nullptr;  // SSL_CTX, kept opaque so that tests need no OpenSSL headers
  int m_listener = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<std::size_t> m_handshakes{0};
  std::atomic<std::size_t> m_refusals{0};
  std::thread m_thread;
  std::mutex m_mutex;
  std::vector<std::thread> m_workers;
};

}  // namespace promptctl::testing
