// promptctl cache stats|clear: the response cache under the git directory.
#include <ctime>

#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string action;
  std::string older_than;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  one_of(sub.add_option("ACTION", o.action, "stats: how much is stored; clear: remove answers")
             ->required(),
         {"stats", "clear"});
  sub.add_option("--older-than", o.older_than,
                 "With clear: only answers stored before this, for example '7 days ago' or "
                 "2026-01-31")
      ->type_name("DATE");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

int stats(Session& session, const Options& o) {
  StatePaths paths = state_paths(session.workspace());
  ResponseCache::Usage usage = ResponseCache(paths.cache).usage();
  std::int64_t hits = open_ledger(session).cached_runs();
  if (o.json) {
    session.out().document({{"entries", usage.entries},
                            {"bytes", usage.bytes},
                            {"cached_runs", hits},
                            {"path", paths.cache.string()}});
  } else {
    session.out().line("entries:     " + std::to_string(usage.entries));
    session.out().line("size:        " + std::to_string(usage.bytes) + " bytes");
    session.out().line("cached runs: " + std::to_string(hits) + " (answered from the cache)");
    session.out().line("path:        " + paths.cache.string());
  }
  return 0;
}

int clear(Session& session, const Options& o) {
  std::optional<std::int64_t> older_than_ms;
  if (auto before = since_option(o.older_than)) {
    older_than_ms = (static_cast<std::int64_t>(std::time(nullptr)) - *before) * 1000;
  }
  StatePaths paths = state_paths(session.workspace());
  std::uint64_t removed = ResponseCache(paths.cache).clear(older_than_ms);
  if (o.json) {
    session.out().document({{"removed", removed}});
  } else {
    session.out().line("removed " + util::counted(removed, "cached answer"));
  }
  return 0;
}

int run(Session& session, const Options& o) {
  if (!o.older_than.empty() && o.action != "clear") {
    throw Error(ErrorKind::usage, "--older-than goes with 'cache clear'");
  }
  return o.action == "stats" ? stats(session, o) : clear(session, o);
}

}  // namespace

extern const CommandSpec k_cmd_cache{"cache", "Show or clear the response cache",
                                     Completes::nothing, Setup::ledger,
                                     declare<Options, add_options, run>};

}  // namespace promptctl::cli
