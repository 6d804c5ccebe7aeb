// promptctl version [--json] (also -V, --version): what this build is and what it runs with.
#include "cli/command.hpp"
#include "cli/version.hpp"
#include "promptctl/version.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_flag("--json", o.json,
               "Print the version, commit, build type and library versions as JSON");
}

int run(Session& session, const Options& o) {
  print_version(session.out(), o.json);
  return 0;
}

}  // namespace

void print_version(const Output& out, bool json) {
  const BuildInfo& build = build_info();
  if (!json) {
    out.line("promptctl " + build.version);
    return;
  }
  nlohmann::json libraries = nlohmann::json::object();
  for (const auto& [name, version] : library_versions()) {
    libraries[name] = version ? nlohmann::json(*version) : nlohmann::json(nullptr);
  }
  out.document({{"promptctl", build.version},
                {"commit", util::text_or_null(build.commit)},
                {"build_type", build.build_type},
                {"libraries", libraries}});
}

extern const CommandSpec k_cmd_version{"version", "Show the version of promptctl",
                                       Completes::nothing, Setup::none,
                                       declare<Options, add_options, run>};

}  // namespace promptctl::cli
