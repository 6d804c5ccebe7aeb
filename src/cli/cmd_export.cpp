// promptctl export --env E: one JSON bundle of every prompt an environment pins.
#include "cli/command.hpp"
#include "promptctl/governance.hpp"
#include "util/fs.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::string environment;
  std::string output;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("--env", o.environment, "The environment to export")->required()->type_name("ENV");
  sub.add_option("-o,--output", o.output,
                 "Write the bundle to FILE (atomically) instead of standard output")
      ->type_name("FILE");
  sub.add_flag("--json", o.json, "Write the bundle on one line (it is JSON either way)");
}

int run(Session& session, const Options& o) {
  nlohmann::json bundle =
      export_environment(session.workspace(), session.shared_repository(), o.environment);
  std::string text = (o.json ? bundle.dump() : bundle.dump(2)) + "\n";
  if (o.output.empty()) {
    session.out().print(text);
  } else {
    util::write_file_atomic(o.output, text);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_export{
    "export", "Write every prompt an environment pins as one JSON bundle", Completes::nothing,
    Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
