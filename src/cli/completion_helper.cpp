// The hidden `promptctl __complete WORD…`: completion candidates for the shell scripts in
// completions/. The last word is the one being completed (possibly empty); candidates print one per
// line. Nothing is printed where the shell should complete file names itself.
#include "cli/command.hpp"
#include "cli/execution.hpp"
#include "cli/validators.hpp"
#include "promptctl/address.hpp"
#include "promptctl/repo.hpp"

namespace promptctl::cli {
namespace {

struct Options {};  // the words are read raw, from the session

void add_options(CLI::App& sub, Options& /*unused*/) {
  sub.add_option("WORD", "The command line after 'promptctl'; the last word is being completed");
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    if (!option->nonpositional() || option->get_group().empty()) {
      continue;
    }
    for (const std::string& name : option->get_lnames()) {
      names.push_back("--" + name);
    }
    for (const std::string& name : option->get_snames()) {
      names.push_back("-" + name);
    }
  }
  return names;
}

// The environments promptctl.yaml declares; none outside a repository.
std::vector<std::string> environment_names(Session& session) {
  std::vector<std::string> names;
  try {
    for (const EnvironmentPolicy& policy : session.workspace().settings().environments) {
      names.push_back(policy.name);
    }
  } catch (const Error&) {
  }
  return names;
}

// The experiments promptctl.yaml declares; none outside a repository.
std::vector<std::string> experiment_names(Session& session) {
  std::vector<std::string> names;
  try {
    for (const Experiment& experiment : session.workspace().settings().experiments) {
      names.push_back(experiment.name);
    }
  } catch (const Error&) {
  }
  return names;
}

// The providers a model may name: the built-in ones, promptctl.yaml's and the user's.
std::vector<std::string> provider_names(Session& session) {
  std::vector<std::string> names;
  try {
    for (const auto& [name, settings] : session.workspace().providers()) {
      names.push_back(name);
    }
  } catch (const Error&) {
  }
  return names;
}

// The values an option's argument may take, where they are known.
std::vector<std::string> option_values(Session& session, const CLI::Option& option) {
  std::vector<std::string> choices = choices_of(option);
  if (!choices.empty()) {
    return choices;
  }
  const std::string& type = option.get_type_name();
  if (type == "ENV") {
    return environment_names(session);
  }
  if (type == "EXPERIMENT") {
    return experiment_names(session);
  }
  if (type == "PROVIDER" || option.check_name("--provider")) {
    return provider_names(session);
  }
  if (type == "PROMPT") {
    try {
      return session.workspace().list_names();
    } catch (const Error&) {
      // Outside a repository there is nothing to offer.
    }
  }
  return {};
}

// The choices of the first positional argument (an ACTION), when it has them.
std::vector<std::string> first_positional_choices(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      return choices_of(*option);
    }
  }
  return {};
}

// Whether `word` is an option of `app` that takes a value.
bool takes_value(const CLI::App& app, const std::string& word) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->nonpositional() && option->check_name(word)) {
      return option->get_type_size_max() > 0;
    }
  }
  return false;
}

// How many positional words follow the command word, options and their values left out.
std::size_t positionals_typed(const CLI::App& app, const std::vector<std::string>& words,
                              std::size_t command_at) {
  std::size_t count = 0;
  for (std::size_t i = command_at + 1; i < words.size(); ++i) {
    if (!words[i].starts_with("-")) {
      ++count;
    } else if (words[i].find('=') == std::string::npos && takes_value(app, words[i])) {
      ++i;  // the option's value
    }
  }
  return count;
}

const CommandSpec* find_spec(const std::string& name) {
  for (const CommandSpec* spec : all_commands()) {
    if (spec->name == name) {
      return spec;
    }
  }
  return nullptr;
}

void print_matching(const Output& out, const std::vector<std::string>& candidates,
                    const std::string& prefix) {
  for (const std::string& candidate : candidates) {
    if (candidate.starts_with(prefix)) {
      out.line(candidate);
    }
  }
}

// Branch names, every ref name, or those and prompt names, as `what` asks; nothing outside a
// repository.
std::vector<std::string> revision_candidates(Session& in_directory, Completes what) {
  std::vector<std::string> out;
  if (what == Completes::nothing) {
    return out;
  }
  try {
    repo::Repository& repository = in_directory.repository();
    if (what == Completes::branches) {
      for (const repo::BranchInfo& branch : repository.branches()) {
        out.push_back(branch.name);
      }
      return out;
    }
    out = repository.ref_names();
    out.emplace_back("HEAD");
    if (what == Completes::revisions_and_prompt_names) {
      for (const std::string& name : in_directory.workspace().list_names()) {
        out.push_back(name);
      }
    }
  } catch (const Error&) {
  }
  return out;
}

// The first positional word after the command: the prompt, for commands that take one.
std::string first_positional(const CLI::App& app, const std::vector<std::string>& words,
                             std::size_t command_at) {
  for (std::size_t i = command_at + 1; i < words.size(); ++i) {
    if (!words[i].starts_with("-")) {
      return words[i];
    }
    if (words[i].find('=') == std::string::npos && takes_value(app, words[i])) {
      ++i;
    }
  }
  return "";
}

// "NAME=" for each variable the prompt declares (at its revision, for NAME@REV), for --var.
std::vector<std::string> variable_assignments(Session& in_directory, const std::string& prompt) {
  std::vector<std::string> out;
  if (prompt.empty()) {
    return out;
  }
  try {
    for (const VariableSpec& spec :
         resolve_prompt(in_directory.workspace(), prompt).prompt.variables) {
      out.push_back(spec.name + "=");
    }
  } catch (const Error&) {
    // An unknown or broken prompt: nothing to offer.
  }
  return out;
}

// How many run ids completion offers, newest first.
constexpr std::size_t k_completed_run_ids = 20;

// The newest runs' ids; none outside a repository or before the first run (completing never
// creates a ledger).
std::vector<std::string> run_ids(Output& out, const std::filesystem::path& directory) {
  std::vector<std::string> ids;
  try {
    Session with_ledger(out, directory, Setup::ledger);
    if (!std::filesystem::exists(state_paths(with_ledger.workspace()).ledger)) {
      return ids;
    }
    for (std::int64_t id : open_ledger(with_ledger).newest_run_ids(k_completed_run_ids)) {
      ids.push_back(std::to_string(id));
    }
  } catch (const Error&) {
  }
  return ids;
}

// Whether the word being completed is a run id: rerun ID, feedback ID, runs show ID.
bool completes_run_id(const CommandSpec& spec, const CLI::App& app,
                      const std::vector<std::string>& words, std::size_t at) {
  if (spec.positionals == Completes::run_ids) {
    return positionals_typed(app, words, at) == 0;
  }
  return spec.name == "runs" && positionals_typed(app, words, at) == 1 &&
         std::find(words.begin() + static_cast<std::ptrdiff_t>(at) + 1, words.end(), "show") !=
             words.end();
}

// NAME@REV candidates after "NAME@": branches, tags and environments, and this prompt's own
// release tags as they are; another prompt's release tag ("other@1.0.0") is never offered.
std::vector<std::string> address_candidates(Session& in_directory, const std::string& current) {
  std::string typed = current.substr(0, current.find('@') + 1);
  std::vector<std::string> revisions;
  for (const std::string& ref :
       repo::Repository::discover(in_directory.workspace().root()).ref_names()) {
    if (ref.starts_with(typed)) {
      revisions.push_back(ref);
    } else if (ref.find('@') == std::string::npos) {
      revisions.push_back(typed + ref);
    }
  }
  revisions.push_back(typed + "HEAD");
  for (const std::string& environment : environment_names(in_directory)) {
    revisions.push_back(typed + environment);
  }
  return revisions;
}

int run(Session& session, const Options& /*unused*/) {
  std::vector<std::string> words = session.raw_arguments();
  std::string current = words.empty() ? std::string() : words.back();
  if (!words.empty()) {
    words.pop_back();
  }
  // Find the command word, skipping global options and their values.
  size_t at = 0;
  while (at < words.size() && words[at].starts_with("-")) {
    at += (words[at] == "-C" || words[at] == "--color") ? 2 : 1;
  }
  Output& out = session.out();
  std::filesystem::path directory = session.start();
  for (size_t i = 0; i + 1 < at; ++i) {
    if (words[i] == "-C") {
      directory = words[i + 1];
    }
  }
  Session in_directory(out, directory, Setup::gently);
  if (!words.empty() && words.back() == "--color") {
    print_matching(out, {"auto", "always", "never"}, current);
    return 0;
  }
  if (at >= words.size()) {
    if (current.starts_with("-")) {
      print_matching(out, {"-C", "--color", "--no-pager", "--help", "--version", "-V"}, current);
      return 0;
    }
    std::vector<std::string> names;
    for (const CommandSpec* spec : all_commands()) {
      if (spec->name != k_complete_command) {
        names.emplace_back(spec->name);
      }
    }
    print_matching(out, names, current);
    return 0;
  }
  const CommandSpec* spec = find_spec(words[at]);
  if (!spec) {
    return 0;
  }
  CLI::App sub;
  std::unique_ptr<Invocation> unused = spec->declare(sub);
  if (!words.empty() && words.size() > at + 1 && takes_value(sub, words.back())) {
    const CLI::Option* option = sub.get_option_no_throw(words.back());
    if (option && option->check_name("--var")) {
      print_matching(out, variable_assignments(in_directory, first_positional(sub, words, at)),
                     current);
    } else if (option) {
      print_matching(out, option_values(in_directory, *option), current);
    }
    return 0;  // nothing printed: let the shell complete file names
  }
  if (current.starts_with("-")) {
    std::vector<std::string> names = option_names(sub);
    if (std::find(names.begin(), names.end(), "--help") == names.end()) {
      names.emplace_back("--help");
    }
    print_matching(out, names, current);
    return 0;
  }
  if (completes_run_id(*spec, sub, words, at)) {
    print_matching(out, run_ids(out, directory), current);
    return 0;
  }
  if (std::vector<std::string> actions = first_positional_choices(sub);
      !actions.empty() && positionals_typed(sub, words, at) == 0) {
    print_matching(out, actions, current);
    return 0;
  }
  if (spec->positionals == Completes::run_ids) {
    return 0;  // the run id was given: nothing more to offer
  }
  if (spec->positionals != Completes::prompt_names) {
    print_matching(out, revision_candidates(in_directory, spec->positionals), current);
    return 0;
  }
  {
    try {
      if (current.find('@') != std::string::npos) {
        print_matching(out, address_candidates(in_directory, current), current);
      } else {
        print_matching(out, in_directory.workspace().list_names(), current);
      }
    } catch (const Error&) {
      // Outside a repository there is nothing to offer.
    }
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_complete{
    k_complete_command, "Print completion candidates for shells", Completes::nothing, Setup::none,
    declare<Options, add_options, run>};

}  // namespace promptctl::cli
