#include "support/tls_front.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <memory>
#include <stdexcept>

#include "support/http_wire.hpp"
#include "util/fd.hpp"

namespace promptctl::testing {
namespace {

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslHandle = std::unique_ptr<SSL, SslFree>;

SSL_CTX* make_context(const TlsFront::Options& options) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (!context || SSL_CTX_use_certificate_chain_file(context, options.cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(context);
    throw std::runtime_error("TlsFront: cannot load " + options.cert_file + " and " +
                             options.key_file);
  }
  if (!options.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(context, options.client_ca_file.c_str(), nullptr) != 1) {
      SSL_CTX_free(context);
      throw std::runtime_error("TlsFront: cannot load " + options.client_ca_file);
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return context;
}

int connect_to_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Moves what is readable on one side to the other; false when either side is done.
bool client_to_backend(SSL* ssl, int backend) {
  char buffer[16384];
  int got = SSL_read(ssl, buffer, sizeof buffer);
  return got > 0 && write_all(backend, std::string(buffer, static_cast<size_t>(got)));
}

bool backend_to_client(int backend, SSL* ssl) {
  char buffer[16384];
  ssize_t got = ::read(backend, buffer, sizeof buffer);
  return got > 0 && SSL_write(ssl, buffer, static_cast<int>(got)) == static_cast<int>(got);
}

}  // namespace

TlsFront::TlsFront(Options options) : m_options(std::move(options)) {
  // SSL_write to a client that hung up would otherwise end the test process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  m_context = make_context(m_options);
  Listener listener = listen_on_loopback(0);
  m_listener = listener.fd;
  m_port = listener.port;
  m_thread = std::thread([this] { serve(); });
}

TlsFront::~TlsFront() {
  m_stopping = true;
  m_thread.join();
  for (std::thread& worker : m_workers) {
    worker.join();
  }
  ::close(m_listener);
  SSL_CTX_free(static_cast<SSL_CTX*>(m_context));
}

std::string TlsFront::url() const {
  return "https://127.0.0.1:" + std::to_string(m_port);
}

void TlsFront::serve() {
  while (!m_stopping) {
    pollfd waiting{m_listener, POLLIN, 0};
    if (poll(&waiting, 1, 50) <= 0) {
      continue;
    }
    int client = accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client >= 0) {
      std::lock_guard lock(m_mutex);
      m_workers.emplace_back([this, client] { relay(client); });
    }
  }
}

void TlsFront::relay(int client_fd) {
  util::Fd client(client_fd);
  SslHandle ssl(SSL_new(static_cast<SSL_CTX*>(m_context)));
  SSL_set_fd(ssl.get(), client.get());
  if (SSL_accept(ssl.get()) != 1) {
    ERR_clear_error();
    ++m_refusals;
    return;
  }
  ++m_handshakes;
  util::Fd backend(connect_to_loopback(m_options.backend_port));
  if (backend.get() < 0) {
    return;
  }
  while (!m_stopping) {
    // Bytes OpenSSL has already decrypted do not make the socket readable.
    if (SSL_pending(ssl.get()) > 0) {
      if (!client_to_backend(ssl.get(), backend.get())) {
        break;
      }
      continue;
    }
    pollfd sides[2] = {{client.get(), POLLIN, 0}, {backend.get(), POLLIN, 0}};
    if (poll(sides, 2, 50) <= 0) {
      continue;
    }
    if ((sides[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
        !client_to_backend(ssl.get(), backend.get())) {
      break;
    }
    if ((sides[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
        !backend_to_client(backend.get(), ssl.get())) {
      break;
    }
  }
  SSL_shutdown(ssl.get());
}

}  // namespace promptctl::testing
