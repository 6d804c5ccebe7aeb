// The HTTP server's life: libmicrohttpd started on the address asked for, a thread that
// watches the refs and swaps in a new snapshot when what is served moves, and a graceful stop.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "promptctl/policy.hpp"
#include "serve/server_impl.hpp"

namespace promptctl {

using serve_detail::mhd;
using serve_detail::MhdApi;
using serve_detail::Snapshot;
using Clock = std::chrono::steady_clock;

namespace {

// The bound address, IPv4 or IPv6.
struct ListenAddress {
  sockaddr_storage storage{};
  bool ipv6 = false;
};

ListenAddress listen_address(const std::string& address, int port) {
  ListenAddress out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    out.ipv6 = true;
  } else {
    throw Error(ErrorKind::usage, "'" + address + "' is not an IP address", {},
                "give one such as 127.0.0.1 or ::1");
  }
  return out;
}

}  // namespace

bool Server::Impl::reload_now() {
  std::lock_guard<std::mutex> lock(reload_lock);
  std::string now = serve_detail::current_commit(*refs, options.target);
  if (now == snapshot()->commit() || now == failed_commit) {
    return false;
  }
  Clock::time_point started = Clock::now();
  std::shared_ptr<const Snapshot> fresh;
  try {
    fresh = Snapshot::load(workspace, options.target, snapshot().get());
  } catch (const Error&) {
    failed_commit = now;  // tried again only once the target moves on
    metrics.count_reload(false);
    throw;
  }
  served.store(fresh, std::memory_order_release);
  failed_commit.clear();
  metrics.count_reload(true);
  if (options.events) {
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    std::size_t count = fresh->prompts().size();
    options.events("serving " + fresh->commit().substr(0, 7) + ": " + std::to_string(count) +
                   " prompts (" + std::to_string(count - fresh->kept()) + " read, " +
                   std::to_string(fresh->kept()) + " kept), loaded in " +
                   std::to_string(took.count()) + " ms");
  }
  return true;
}

void Server::Impl::watch_refs() {
  std::string last_failure;  // said once, not every second
  std::unique_lock<std::mutex> lock(stop_lock);
  while (!stop_signal.wait_for(lock, options.reload_interval, [&] { return stopping; })) {
    lock.unlock();
    try {
      reload_now();
      last_failure.clear();
    } catch (const std::exception& error) {  // an Error, or a bug: the old state stays
      std::string failure = error.what();
      if (options.events && failure != last_failure) {
        options.events("reload failed, still serving " + snapshot()->commit().substr(0, 7) + ": " +
                       failure);
      }
      last_failure = failure;
    }
    lock.lock();
  }
}

Server::Server(Workspace& workspace, ServeOptions options)
    : m_impl(std::make_unique<Impl>(workspace, std::move(options))) {
  const ServeTarget& target = m_impl->options.target;
  if (target.environment.empty() == target.revision.empty()) {
    throw Error(ErrorKind::usage, "serve needs an environment or a revision, not both");
  }
  if (!target.environment.empty() &&
      !find_environment(workspace.settings().environments, target.environment)) {
    throw Error(ErrorKind::not_found,
                "no environment named '" + target.environment + "' in promptctl.yaml");
  }
  m_impl->refs.emplace(repo::Repository::discover(workspace.root()));
  m_impl->served.store(Snapshot::load(workspace, target));
  if (m_impl->options.allow_run) {
    m_impl->runner = std::make_unique<serve_detail::Runner>(
        workspace, m_impl->options.max_runs, m_impl->options.max_runs * 16, m_impl->options.tracer,
        m_impl->options.events);
  }
}

Server::~Server() {
  stop();
}

void Server::start() {
  Impl& impl = *m_impl;
  const MhdApi& api = mhd();
  ListenAddress address = listen_address(impl.options.address, impl.options.port);
  unsigned threads = impl.options.threads ? impl.options.threads
                                          : std::max(1u, std::thread::hardware_concurrency());
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ITC;
  if (impl.runner) {
    flags |= MHD_ALLOW_SUSPEND_RESUME;
  }
  if (address.ipv6) {
    flags |= MHD_USE_IPv6;
  }
  auto timeout = static_cast<unsigned>(impl.options.client_timeout.count());
  errno = 0;
  impl.daemon.reset(api.MHD_start_daemon(
      flags, static_cast<std::uint16_t>(impl.options.port), nullptr, nullptr, &Impl::on_request,
      &impl, MHD_OPTION_SOCK_ADDR, &address.storage, MHD_OPTION_CONNECTION_TIMEOUT, timeout,
      MHD_OPTION_NOTIFY_COMPLETED, &Impl::on_completed, &impl, MHD_OPTION_THREAD_POOL_SIZE,
      threads > 1 ? threads : 0u, MHD_OPTION_END));
  if (!impl.daemon) {
    int error = errno;
    throw Error(ErrorKind::io, "cannot listen on " + impl.options.address + " port " +
                                   std::to_string(impl.options.port) +
                                   (error ? std::string(": ") + std::strerror(error) : ""));
  }
  const MHD_DaemonInfo* info =
      api.MHD_get_daemon_info(impl.daemon.get(), MHD_DAEMON_INFO_BIND_PORT);
  impl.bound_port = info ? info->port : impl.options.port;
  impl.reloader = std::thread([&impl] { impl.watch_refs(); });
}

int Server::port() const {
  return m_impl->bound_port;
}

std::string Server::commit() const {
  return m_impl->snapshot()->commit();
}

std::size_t Server::prompt_count() const {
  return m_impl->snapshot()->prompts().size();
}

bool Server::reload_if_moved() {
  return m_impl->reload_now();
}

void Server::stop() {
  Impl& impl = *m_impl;
  {
    std::lock_guard<std::mutex> lock(impl.stop_lock);
    impl.stopping = true;
  }
  impl.stop_signal.notify_all();
  if (impl.reloader.joinable()) {
    impl.reloader.join();
  }
  if (!impl.daemon) {
    return;
  }
  impl.draining = true;
  const MhdApi& api = mhd();
  MHD_socket listener = api.MHD_quiesce_daemon(impl.daemon.get());  // no new connections
  {
    std::unique_lock<std::mutex> lock(impl.flight_lock);
    impl.flight_done.wait_for(lock, impl.options.client_timeout,
                              [&] { return impl.in_flight == 0; });
  }
  // Runs still out are answered (503) and their connections resumed before the daemon goes.
  if (impl.runner) {
    impl.runner->stop();
  }
  impl.daemon.reset();
  if (listener != MHD_INVALID_SOCKET) {
    ::close(listener);
  }
}

}  // namespace promptctl
