// promptctl serve: the prompts of an environment or revision over HTTP, for applications.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/command.hpp"
#include "cli/validators.hpp"
#include "promptctl/server.hpp"
#include "util/fs.hpp"
#include "util/interrupts.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

constexpr const char* k_tokens_variable = "PROMPTCTL_SERVE_TOKENS";

struct Options {
  std::string environment;
  std::string revision;
  std::string address = "127.0.0.1";
  int port = 8080;
  unsigned threads = 0;
  std::string token_file;
  std::size_t max_body = 1024 * 1024;
  unsigned reload_ms = 1000;
  unsigned timeout = 30;
  std::string access_log;
  std::vector<std::string> cors_origins;
  bool allow_run = false;
  std::size_t max_runs = 16;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("-e,--env", o.environment,
                 "Serve the prompts this environment pins in HEAD's deployments.yaml")
      ->type_name("ENV");
  sub.add_option("-r,--revision", o.revision, "Serve every prompt of this revision (default: HEAD)")
      ->type_name("REV")
      ->excludes("--env");
  sub.add_option("--listen", o.address, "The address to listen on (default: 127.0.0.1)")
      ->type_name("ADDRESS");
  sub.add_option("-p,--port", o.port, "The port (default: 8080; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  sub.add_option("--threads", o.threads, "Threads answering requests (default: one per core)")
      ->check(at_least(1));
  sub.add_option("--token-file", o.token_file,
                 std::string("Require a bearer token from this file: one per line, 'TOKEN' or "
                             "'TOKEN run' (default: the variable ") +
                     k_tokens_variable + ", else no token)")
      ->type_name("FILE");
  sub.add_option("--max-body", o.max_body, "The largest request body, in bytes (default: 1 MiB)")
      ->check(at_least(1));
  sub.add_option("--reload-interval", o.reload_ms,
                 "How often to look for a deploy or a moved branch, in milliseconds (default: "
                 "1000)")
      ->check(at_least(10))
      ->type_name("MS");
  sub.add_option("--timeout", o.timeout,
                 "Close a client's connection after this many idle seconds (default: 30)")
      ->check(at_least(1));
  sub.add_flag("--allow-run", o.allow_run,
               "Also run prompts (POST .../run: call the model, record in the ledger) and take "
               "feedback on runs; a token needs the scope 'run'");
  sub.add_option("--max-runs", o.max_runs,
                 "With --allow-run: model calls made at once (default: 16)")
      ->check(at_least(1))
      ->type_name("N");
  sub.add_option("--cors-origin", o.cors_origins,
                 "Let pages from this origin (scheme://host[:port], or '*') call the server from a "
                 "browser; may be repeated (default: none)")
      ->type_name("ORIGIN");
  sub.add_option("--access-log", o.access_log,
                 "Log each request as a JSON line to this file; '-' is standard error")
      ->type_name("FILE");
}

std::vector<ServeToken> read_tokens(const Options& o) {
  if (!o.token_file.empty()) {
    return parse_tokens(util::read_file(o.token_file), o.token_file);
  }
  const char* variable = std::getenv(k_tokens_variable);
  return variable ? parse_tokens(variable, k_tokens_variable) : std::vector<ServeToken>{};
}

// Writes whole lines from many threads to standard error or a file it opened.
class LineSink {
 public:
  explicit LineSink(const std::string& path) {
    if (path == "-") {
      return;
    }
    m_owned.reset(std::fopen(path.c_str(), "a"));
    if (!m_owned) {
      throw Error(ErrorKind::io, "cannot open '" + path + "' for the access log");
    }
  }

  void write(const std::string& line) {
    std::FILE* file = m_owned ? m_owned.get() : stderr;
    std::lock_guard<std::mutex> lock(m_lock);
    std::fwrite(line.data(), 1, line.size(), file);
    std::fputc('\n', file);
    std::fflush(file);
  }

 private:
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, Close> m_owned;
  std::mutex m_lock;
};

std::string url_of(const std::string& address, int port) {
  bool ipv6 = address.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

int run(Session& session, const Options& o) {
  ServeOptions options;
  options.target.environment = o.environment;
  options.target.revision = o.environment.empty() && o.revision.empty() ? "HEAD" : o.revision;
  options.address = o.address;
  options.port = o.port;
  options.threads = o.threads;
  options.tokens = read_tokens(o);
  options.max_body_bytes = o.max_body;
  options.reload_interval = std::chrono::milliseconds(o.reload_ms);
  options.client_timeout = std::chrono::seconds(o.timeout);
  options.allow_run = o.allow_run;
  options.max_runs = o.max_runs;
  options.cors_origins = o.cors_origins;
  if (o.allow_run) {
    options.tracer = &session.tracer();
  }
  std::optional<LineSink> access_log;
  if (!o.access_log.empty()) {
    access_log.emplace(o.access_log);
    options.access_log = [&access_log](const std::string& line) { access_log->write(line); };
  }
  options.events = [](const std::string& line) {
    std::fprintf(stderr, "promptctl: %s\n", util::visible(line).c_str());
  };
  util::GracefulStop graceful;  // SIGINT or SIGTERM: finish the requests in flight, exit 0
  Server server(session.workspace(), options);
  server.start();
  std::string what =
      o.environment.empty() ? options.target.revision : "environment " + o.environment;
  std::fprintf(stderr, "promptctl: serving %zu prompts of %s (%s) on %s%s\n", server.prompt_count(),
               util::visible(what).c_str(), server.commit().substr(0, 7).c_str(),
               url_of(o.address, server.port()).c_str(),
               options.tokens.empty() ? "" : ", with tokens");
  if (o.allow_run) {
    std::fprintf(stderr, "promptctl: running prompts is on: POST .../run calls models\n");
  }
  std::fflush(stderr);
  while (!util::GracefulStop::requested().load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  server.stop();
  std::fprintf(stderr, "promptctl: stopped\n");
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_serve{"serve", "Serve prompts to applications over HTTP",
                                     Completes::nothing, Setup::workspace,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
