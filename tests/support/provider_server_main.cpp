// promptctl-test-server: the loopback provider of tests/support/provider_server.hpp as a
// program, for benchmarks and examples. Prints its URL, then serves until stopped.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "support/provider_server.hpp"

int main(int argc, char** argv) {
  promptctl::testing::ProviderServer::Options options;
  std::string url_file;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "promptctl-test-server: " << argument << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (argument == "--latency-ms") {
      options.latency_ms = std::stoi(value());
    } else if (argument == "--port") {
      options.port = std::stoi(value());
    } else if (argument == "--key") {
      options.key = value();
    } else if (argument == "--url-file") {
      url_file = value();
    } else {
      std::cerr << "usage: promptctl-test-server [--port N] [--latency-ms N] [--key KEY] "
                   "[--url-file FILE]\n";
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  promptctl::testing::ProviderServer server(options);
  std::cout << server.url() << std::endl;
  if (!url_file.empty()) {
    std::ofstream(url_file) << server.url() << '\n';
  }
  int received = 0;
  sigwait(&signals, &received);
  std::cerr << "promptctl-test-server: served " << server.request_count() << " requests on "
            << server.connection_count() << " connections\n";
  return 0;
}
