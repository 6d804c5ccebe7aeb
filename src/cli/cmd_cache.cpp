// promptctl cache stats|clear: the response cache and the compiled prompts under the git
// directory.
#include <ctime>

#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string action;
  std::string older_than;
  bool compiled = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  one_of(sub.add_option("ACTION", o.action, "stats: how much is stored; clear: remove answers")
             ->required(),
         {"stats", "clear"});
  sub.add_option("--older-than", o.older_than,
                 "With clear: only what was stored before this, for example '7 days ago' or "
                 "2026-01-31")
      ->type_name("DATE");
  sub.add_flag("--compiled", o.compiled,
               "With clear: remove the compiled prompts instead of answers; they are made again "
               "from the prompt files when next loaded");
  sub.add_flag("--json", o.json, "Print the result as JSON");
}

CompiledCache compiled_cache(Session& session) {
  // Outside a git work tree the state paths have already been refused.
  return CompiledCache(session.workspace().compiled_dir().value_or(std::filesystem::path()));
}

int stats(Session& session, const Options& o) {
  StatePaths paths = state_paths(session.workspace());
  CacheUsage usage = ResponseCache(paths.cache).usage();
  CacheUsage compiled = compiled_cache(session).usage();
  std::int64_t hits = open_ledger(session).cached_runs();
  if (o.json) {
    session.out().document(
        {{"entries", usage.entries},
         {"bytes", usage.bytes},
         {"cached_runs", hits},
         {"compiled", {{"entries", compiled.entries}, {"bytes", compiled.bytes}}},
         {"path", paths.cache.string()}});
  } else {
    session.out().line("entries:     " + std::to_string(usage.entries));
    session.out().line("size:        " + std::to_string(usage.bytes) + " bytes");
    session.out().line("cached runs: " + std::to_string(hits) + " (answered from the cache)");
    session.out().line("compiled:    " + util::counted(compiled.entries, "file") + ", " +
                       std::to_string(compiled.bytes) + " bytes (prompts kept parsed)");
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
  std::uint64_t removed = o.compiled ? compiled_cache(session).clear(older_than_ms)
                                     : ResponseCache(paths.cache).clear(older_than_ms);
  if (o.json) {
    session.out().document({{"removed", removed}});
  } else if (o.compiled) {
    session.out().line("removed " + util::counted(removed, "file") + " of compiled prompts");
  } else {
    session.out().line("removed " + util::counted(removed, "cached answer"));
  }
  return 0;
}

int run(Session& session, const Options& o) {
  if (!o.older_than.empty() && o.action != "clear") {
    throw Error(ErrorKind::usage, "--older-than goes with 'cache clear'");
  }
  if (o.compiled && o.action != "clear") {
    throw Error(ErrorKind::usage, "--compiled goes with 'cache clear'");
  }
  return o.action == "stats" ? stats(session, o) : clear(session, o);
}

}  // namespace

extern const CommandSpec k_cmd_cache{
    "cache", "Show or clear the response cache and the compiled prompts", Completes::nothing,
    Setup::ledger, declare<Options, add_options, run>};

}  // namespace promptctl::cli
