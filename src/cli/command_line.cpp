// The command line: parse it, run one command of the table, map errors to exit codes.
#include "cli/command_line.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/pager.hpp"
#include "cli/path_arguments.hpp"
#include "cli/usage_errors.hpp"
#include "cli/version.hpp"
#include "promptctl/check.hpp"
#include "promptctl/names.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"
#include "util/url.hpp"

namespace promptctl::cli {
namespace {

struct GlobalOptions {
  std::string directory;
  ColorMode color = ColorMode::automatic;
  bool no_pager = false;
};

// The commands whose output may run long, which go through the pager at a terminal.
bool pages(std::string_view command) {
  for (std::string_view paged : {"log", "diff", "runs", "audit", "show", "deploys"}) {
    if (command == paged) {
      return true;
    }
  }
  return false;
}

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("-C", global.directory, "Run as if promptctl was started in DIR")
      ->type_name("DIR");
  const std::map<std::string, ColorMode> modes = {
      {"auto", ColorMode::automatic}, {"always", ColorMode::always}, {"never", ColorMode::never}};
  app.add_option("--color", global.color, "Colour output: auto (default), always or never")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case).description(""))
      ->type_name("auto|always|never");
  app.add_flag("--no-pager", global.no_pager,
               "Do not page long output (log, diff, runs, audit, show, deploys) at a terminal");
}

// Where the first word that is neither an option nor an option's value is, or argc.
int command_word_index(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "-C" || word == "--color") {
      ++i;
    } else if (!word.starts_with("-")) {
      return i;
    }
  }
  return argc;
}

std::string first_command_word(int argc, char** argv) {
  int index = command_word_index(argc, argv);
  return index < argc ? std::string(argv[index]) : std::string();
}

// Whether `word` names a command; if not, says so on stderr with the nearest command.
bool is_command(const std::string& word) {
  std::vector<std::string> names;
  for (const CommandSpec* spec : all_commands()) {
    if (spec->name == word) {
      return true;
    }
    if (spec->name != k_complete_command) {
      names.emplace_back(spec->name);
    }
  }
  std::fprintf(stderr, "promptctl: error: '%s' is not a promptctl command%s\n",
               util::printable(word).c_str(), util::did_you_mean(word, names).c_str());
  return false;
}

bool check_command_word(int argc, char** argv) {
  std::string word = first_command_word(argc, argv);
  if (word.empty() || is_command(word)) {
    return true;
  }
  std::fprintf(stderr, "Run 'promptctl --help' for the list of commands.\n");
  return false;
}

// Whether -V or --version comes before the command word; `json` tells whether --json does too.
bool asks_for_version(int argc, char** argv, bool& json) {
  bool version = false;
  int end = command_word_index(argc, argv);
  for (int i = 1; i < end; ++i) {
    std::string_view word = argv[i];
    version = version || word == "-V" || word == "--version";
    json = json || word == "--json";
  }
  return version;
}

// `promptctl help [COMMAND]`: the overview, or a command's help, on stdout.
int print_help(CLI::App& app, int argc, char** argv) {
  int index = command_word_index(argc, argv) + 1;
  if (index >= argc) {
    std::fputs(app.help().c_str(), stdout);
    return k_exit_ok;
  }
  std::string wanted = argv[index];
  if (wanted == k_complete_command) {
    std::fprintf(stderr, "promptctl: error: '%s' has no help: it serves the shells\n",
                 wanted.c_str());
    return k_exit_usage;
  }
  if (!is_command(wanted)) {
    return k_exit_usage;
  }
  std::fputs(app.get_subcommand(wanted)->help("promptctl").c_str(), stdout);
  std::printf("\nThe manual has more: man promptctl-%s\n", wanted.c_str());
  return k_exit_ok;
}

// Whether the command's positionals are prompts, which may be written as paths to their files.
bool takes_prompt_arguments(const CommandSpec& spec) {
  bool prompts = spec.positionals == Completes::prompt_names ||
                 spec.positionals == Completes::revisions_and_prompt_names;
  return prompts && spec.setup != Setup::none;
}

// The subcommand the parser was in when it stopped, else the main app.
const CLI::App& command_being_parsed(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    if (sub->parsed()) {
      return *sub;
    }
  }
  return app;
}

int run_command(Invocation& invocation, Session& session) {
  Output& out = session.out();
  try {
    session.prepare();
    int code = invocation.run(session);
    session.finish_tracing();
    if (!out.flush()) {
      if (errno == EPIPE) {
        return code;  // the pager was quit before the end: nothing was lost that was wanted
      }
      std::fprintf(stderr, "promptctl: error: cannot write the output: %s\n", std::strerror(errno));
      return k_exit_system;
    }
    return code;
  } catch (const Error& e) {
    session.finish_tracing();
    (void)out.flush();
    out.error(e);
    return exit_code_for(e.kind());
  } catch (const std::filesystem::filesystem_error& e) {
    (void)out.flush();
    out.error(Error(ErrorKind::io, e.what()));
    return k_exit_system;
  } catch (const std::exception& e) {
    (void)out.flush();
    out.error(Error(ErrorKind::internal, std::string("internal error: ") + e.what()));
    return k_exit_internal;
  }
}

}  // namespace

void Session::prepare() {
  if (m_setup == Setup::workspace || m_setup == Setup::ledger) {
    (void)workspace();
  }
}

Workspace& Session::workspace() {
  PROMPTCTL_CHECK(m_setup != Setup::none);
  if (!m_workspace) {
    m_workspace.emplace(Workspace::discover(m_start));
  }
  return *m_workspace;
}

repo::Repository& Session::repository() {
  return *shared_repository();
}

std::shared_ptr<repo::Repository> Session::shared_repository() {
  if (!m_repository) {
    m_repository =
        std::make_shared<repo::Repository>(repo::Repository::discover(workspace().root()));
  }
  return m_repository;
}

telemetry::Tracer& Session::tracer() {
  if (!m_tracer) {
    std::vector<std::string> problems;
    auto variable = [](const char* name) -> std::optional<std::string> {
      const char* value = std::getenv(name);
      return value ? std::optional<std::string>(value) : std::nullopt;
    };
    m_tracer = std::make_unique<telemetry::Tracer>(
        telemetry::ExportSettings::from_environment(variable, problems));
    for (const std::string& problem : problems) {
      m_output.warn(problem);
    }
  }
  return *m_tracer;
}

void Session::finish_tracing() {
  if (!m_tracer) {
    return;
  }
  telemetry::ExportReport report = m_tracer->finish();
  if (report.dropped > 0) {
    m_output.warn(
        std::to_string(report.dropped) + " of " + std::to_string(report.dropped + report.exported) +
        " spans were not exported to " +
        util::printable(util::redact_url_credentials(m_tracer->settings().traces_url), 200) +
        (report.last_problem.empty() ? "" : ": " + report.last_problem));
  }
}

std::vector<std::string> prompt_names(const std::vector<std::string>& arguments) {
  std::vector<std::string> names;
  for (const std::string& argument : arguments) {
    names.push_back(normalize_name(argument));
    validate_name(names.back());
  }
  return names;
}

std::optional<std::int64_t> since_option(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  auto bound = util::parse_since(text, static_cast<std::int64_t>(std::time(nullptr)));
  if (!bound) {
    throw Error(ErrorKind::usage, "cannot read the date '" + util::printable(text) + "'", {},
                "use 2026-01-31, 2026-01-31T12:00:00+01:00 or '2 weeks ago'");
  }
  return bound;
}

int run_main(int argc, char** argv) {
  CLI::App app{"promptctl: manage LLM prompts in a git repository", "promptctl"};
  // Read before parsing (asks_for_version), so that --json may go with it; declared for --help.
  app.add_flag("-V,--version")
      ->description("Print the version and exit (with --json: the commit, build and libraries)");
  app.require_subcommand(1, 1);
  GlobalOptions global;
  add_global_options(app, global);
  struct Declared {
    CLI::App* sub;
    const CommandSpec* spec;
    std::unique_ptr<Invocation> invocation;
  };
  std::vector<Declared> commands;
  // A command named in full needs only itself declared: declaring every command's options is
  // a quarter of a quick command's work. The overview, `help` and completion see them all.
  std::string named = first_command_word(argc, argv);
  bool just_one = named != "help" && named != k_complete_command &&
                  std::any_of(all_commands().begin(), all_commands().end(),
                              [&](const CommandSpec* spec) { return spec->name == named; });
  for (const CommandSpec* spec : all_commands()) {
    if (just_one && spec->name != named) {
      continue;
    }
    CLI::App* sub = app.add_subcommand(std::string(spec->name), std::string(spec->summary));
    if (spec->name == k_complete_command) {
      sub->group("");
    }
    std::unique_ptr<Invocation> invocation = spec->declare(*sub);
    // -C and --color may come after the command too, as `git log --color` does.
    sub->fallthrough();
    commands.push_back({sub, spec, std::move(invocation)});
  }
  if (bool json = false; asks_for_version(argc, argv, json)) {
    Output out;
    out.configure(ColorMode::never);
    print_version(out, json);
    return out.flush() ? 0 : k_exit_system;
  }
  if (first_command_word(argc, argv) == "help") {
    return print_help(app, argc, argv);
  }
  bool asks_for_help = std::any_of(argv + 1, argv + argc, [](const char* word) {
    return std::strcmp(word, "-h") == 0 || std::strcmp(word, "--help") == 0;
  });
  if (first_command_word(argc, argv).empty() && !asks_for_help) {
    // As git does: the overview, and a usage error since no command was given.
    std::fputs(app.help().c_str(), stdout);
    return k_exit_usage;
  }
  if (!check_command_word(argc, argv)) {
    return k_exit_usage;
  }
  if (argc > 1 && argv[1] == k_complete_command) {
    // Shells pass the words as typed, empty ones included; CLI11 must not reshape them.
    Output out;
    out.configure(ColorMode::never);
    Session session(out, std::filesystem::current_path(), Setup::none);
    session.set_raw_arguments(std::vector<std::string>(argv + 2, argv + argc));
    for (const Declared& command : commands) {
      if (command.spec->name == k_complete_command) {
        return run_command(*command.invocation, session);
      }
    }
  }
  // "--" and the words after it are not shown to CLI11, which cannot take a list of words on
  // both sides of it; `diff` reads them from the raw arguments.
  int parsed_count = argc;
  if (first_command_word(argc, argv) == "diff") {
    parsed_count = static_cast<int>(
        std::find_if(argv, argv + argc, [](const char* w) { return std::strcmp(w, "--") == 0; }) -
        argv);
  }
  try {
    app.parse(parsed_count, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e);
    }
    const CLI::App& command = command_being_parsed(app);
    std::fprintf(stderr, "promptctl: error: %s\n", usage_error_message(e, command).c_str());
    std::fprintf(stderr, "%s\n", usage_hint(command).c_str());
    return k_exit_usage;
  }
  Output out;
  out.configure(global.color);
  std::filesystem::path start = global.directory.empty() ? std::filesystem::current_path()
                                                         : std::filesystem::path(global.directory);
  int command_index = command_word_index(argc, argv);
  for (const Declared& command : commands) {
    if (command.sub->parsed()) {
      Session session(out, start, command.spec->setup);
      session.set_raw_arguments(
          std::vector<std::string>(argv + std::min(command_index + 1, argc), argv + argc));
      if (takes_prompt_arguments(*command.spec)) {
        read_prompt_paths(*command.sub, session);
      }
      std::unique_ptr<Pager> pager;
      if (pages(command.spec->name) && !global.no_pager && out.stdout_is_terminal()) {
        pager = Pager::start();
      }
      return run_command(*command.invocation, session);
    }
  }
  return k_exit_usage;
}

}  // namespace promptctl::cli
