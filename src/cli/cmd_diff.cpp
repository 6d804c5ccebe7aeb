// promptctl diff [REV [REV2]] [NAME…]: what changed, prompt by prompt.
#include <algorithm>

#include "cli/command.hpp"
#include "promptctl/address.hpp"
#include "promptctl/diff.hpp"
#include "promptctl/names.hpp"
#include "promptctl/pins.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> words;
  bool stat = false;
  bool json = false;
  bool exit_code = false;
  bool quiet = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("REVISION_OR_NAME", o.words,
                 "Up to two revisions, then prompt names; put '--' before the names when a "
                 "name could be read as a revision. No revision: the working tree against "
                 "HEAD; one: the working tree against it; two: the first against the second. "
                 "NAME@REV NAME@REV2 (REV an environment, release or revision) compares one "
                 "prompt's two versions");
  sub.add_flag("--stat", o.stat, "Summarize: fields and template lines changed");
  sub.add_flag("--json", o.json, "Print the differences as JSON");
  sub.add_flag("--exit-code", o.exit_code, "Exit with 1 when there are differences");
  sub.add_flag("-q,--quiet", o.quiet, "Print nothing; implies --exit-code");
}

struct Arguments {
  std::vector<std::string> revisions;
  std::vector<std::string> names;
};

// "NAME@A NAME@B", or "NAME@A" or "NAME@A NAME" (against the working tree): one prompt at two
// versions, each revision as any address takes it (an environment, a release). Nothing when
// the words are not of that form.
std::optional<Arguments> same_prompt_addresses(Session& session,
                                               const std::vector<std::string>& words) {
  if (words.empty() || words.size() > 2 || words.front().find('@') == std::string::npos) {
    return std::nullopt;
  }
  Arguments out;
  for (const std::string& word : words) {
    size_t at = word.find('@');
    std::string name = normalize_name(word.substr(0, at));
    if (name.empty() || name_problem(name) || (!out.names.empty() && out.names.front() != name)) {
      return std::nullopt;
    }
    out.names = {name};
    if (at != std::string::npos) {
      out.revisions.push_back(
          resolve_revision(session.workspace(), session.repository(), parse_address(word))
              .commit_id);
    }
  }
  return out;
}

// Revisions come first. Without "--", a word is a revision when it resolves as one and is not
// also the name of a prompt.
Arguments split_arguments(Session& session, const Options& o) {
  // CLI11 parsed the words before "--" (command_line.cpp hides the rest from it).
  const std::vector<std::string>& words = o.words;
  const std::vector<std::string>& raw = session.raw_arguments();
  auto separator = std::find(raw.begin(), raw.end(), "--");
  if (separator == raw.end()) {
    if (auto addresses = same_prompt_addresses(session, words)) {
      return *addresses;
    }
  }
  Arguments out;
  if (separator != raw.end()) {
    out.revisions = words;
    out.names.assign(separator + 1, raw.end());
  } else {
    size_t i = 0;
    for (; i < words.size() && out.revisions.size() < 2; ++i) {
      bool is_prompt = !name_problem(normalize_name(words[i])) &&
                       session.workspace().exists(normalize_name(words[i]));
      bool is_revision = false;
      try {
        (void)session.repository().resolve(words[i]);
        is_revision = true;
      } catch (const Error&) {
      }
      if (is_prompt && is_revision) {
        throw Error(ErrorKind::usage, "'" + words[i] + "' is both a revision and a prompt name", {},
                    "use 'promptctl diff REV -- NAME' to say which");
      }
      if (!is_revision) {
        break;
      }
      out.revisions.push_back(words[i]);
    }
    out.names.assign(words.begin() + static_cast<long>(i), words.end());
  }
  if (out.revisions.size() > 2) {
    throw Error(ErrorKind::usage, "diff compares at most two revisions");
  }
  out.names = prompt_names(out.names);
  return out;
}

nlohmann::json diff_json(const PromptDiff& diff) {
  nlohmann::json fields = nlohmann::json::array();
  for (const FieldChange& field : diff.fields) {
    fields.push_back({{"field", field.field},
                      {"change", to_string(field.kind)},
                      {"before", field.before},
                      {"after", field.after}});
  }
  nlohmann::json hunks = nlohmann::json::array();
  for (const repo::DiffHunk& hunk : diff.text) {
    nlohmann::json lines = nlohmann::json::array();
    for (const repo::DiffLine& line : hunk.lines) {
      lines.push_back(std::string(1, line.origin) + line.text);
    }
    hunks.push_back({{"header", hunk.header}, {"lines", lines}});
  }
  return {{"name", diff.change.name},
          {"old_name", util::text_or_null(diff.change.old_name)},
          {"subject", to_string(diff.change.subject)},
          {"status", to_string(diff.change.kind)},
          {"paths", diff.change.paths},
          {"fields", fields},
          {"problem", util::text_or_null(diff.problem)},
          {"added_lines", diff.added_lines()},
          {"removed_lines", diff.removed_lines()},
          {"hunks", hunks}};
}

// A value as a person writes it in YAML's flow style: text bare, lists and maps spelled out.
std::string plain(const nlohmann::json& value) {
  if (value.is_string()) {
    return util::visible(value.get<std::string>());
  }
  if (value.is_array() || value.is_object()) {
    std::vector<std::string> items;
    for (const auto& [key, item] : value.items()) {
      items.push_back(value.is_object() ? key + ": " + plain(item) : plain(item));
    }
    std::string inside = util::join(items, ", ");
    return value.is_array() ? "[" + inside + "]" : "{" + inside + "}";
  }
  return value.dump();
}

// A variable as a sentence: "string, optional, enum [email, chat], default email".
std::string variable_text(const nlohmann::json& spec) {
  std::vector<std::string> parts = {plain(spec.value("type", nlohmann::json("string"))),
                                    spec.value("required", false) ? "required" : "optional"};
  for (const auto& [key, value] : spec.items()) {
    if (key != "name" && key != "type" && key != "required" && !value.is_null()) {
      parts.push_back(key + " " + plain(value));
    }
  }
  return util::join(parts, ", ");
}

// A test as a sentence: "vars {who: Ann}, assert [icontains order, max-length 800], repeat 3".
std::string test_text(const nlohmann::json& test) {
  std::vector<std::string> parts;
  if (test.contains("vars") && !test["vars"].empty()) {
    parts.push_back("vars " + plain(test["vars"]));
  }
  std::vector<std::string> assertions;
  for (const nlohmann::json& assertion : test.value("assert", nlohmann::json::array())) {
    std::string text = plain(assertion.value("type", nlohmann::json("")));
    if (assertion.contains("value")) {
      text += " " + plain(assertion["value"]);
    }
    assertions.push_back(text);
  }
  if (!assertions.empty()) {
    parts.push_back("assert [" + util::join(assertions, ", ") + "]");
  }
  if (test.value("repeat", 1) != 1) {
    parts.push_back("repeat " + test["repeat"].dump());
  }
  if (test.contains("description") && test["description"].is_string()) {
    parts.push_back("description " + plain(test["description"]));
  }
  return parts.empty() ? "(no variables or assertions)" : util::join(parts, ", ");
}

// How a field's value reads in the text diff, cut to a line.
std::string value_text(const std::string& field, const nlohmann::json& value) {
  constexpr std::size_t k_widest = 160;
  if (value.is_object() && field.starts_with("variables.")) {
    return fit(variable_text(value), k_widest);
  }
  if (value.is_object() && field.starts_with("tests.")) {
    return fit(test_text(value), k_widest);
  }
  return fit(util::visible(value.dump()), k_widest);
}

// "before -> after"; for two objects, only the keys that differ.
std::string changed_text(const std::string& field, const nlohmann::json& before,
                         const nlohmann::json& after) {
  if (!before.is_object() || !after.is_object()) {
    return value_text(field, before) + " -> " + value_text(field, after);
  }
  std::string text;
  nlohmann::json keys = before;
  keys.update(after);
  for (const auto& [key, ignored] : keys.items()) {
    nlohmann::json old_value = before.contains(key) ? before[key] : nlohmann::json(nullptr);
    nlohmann::json new_value = after.contains(key) ? after[key] : nlohmann::json(nullptr);
    if (old_value != new_value) {
      text += (text.empty() ? "" : ", ") + key + " " + fit(plain(old_value), 80) + " -> " +
              fit(plain(new_value), 80);
    }
  }
  return text;
}

void print_fields(const Output& out, const PromptDiff& diff) {
  for (const FieldChange& field : diff.fields) {
    std::string line = "  " + out.paint(field.field, Style::cyan) + ": ";
    switch (field.kind) {
      case FieldChangeKind::added:
        line += out.paint("added " + value_text(field.field, field.after), Style::green);
        break;
      case FieldChangeKind::removed:
        line += out.paint("removed " + value_text(field.field, field.before), Style::red);
        break;
      case FieldChangeKind::changed:
        line += changed_text(field.field, field.before, field.after);
        break;
    }
    out.line(line);
  }
}

void print_hunks(const Output& out, const PromptDiff& diff) {
  for (const repo::DiffHunk& hunk : diff.text) {
    out.line("  " + out.paint(hunk.header, Style::cyan));
    for (const repo::DiffLine& line : hunk.lines) {
      Style style = line.origin == '+'   ? Style::green
                    : line.origin == '-' ? Style::red
                                         : Style::none;
      out.line("  " + out.paint(std::string(1, line.origin) + line.text, style));
    }
  }
}

std::string title(const PromptDiff& diff) {
  std::string name = diff.change.old_name.empty()
                         ? diff.change.name
                         : diff.change.old_name + " -> " + diff.change.name;
  return pad(std::string(to_string(diff.change.kind)), 12) + name;
}

void print_full(const Output& out, const std::vector<PromptDiff>& diffs) {
  bool first = true;
  for (const PromptDiff& diff : diffs) {
    if (!first) {
      out.line();
    }
    first = false;
    out.line(out.paint(title(diff), Style::bold));
    if (!diff.problem.empty()) {
      out.line("  " + out.paint("not compared field by field: " + diff.problem, Style::yellow));
    }
    print_fields(out, diff);
    print_hunks(out, diff);
  }
}

void print_stat(const Output& out, const std::vector<PromptDiff>& diffs) {
  int added = 0;
  int removed = 0;
  for (const PromptDiff& diff : diffs) {
    added += diff.added_lines();
    removed += diff.removed_lines();
    std::string fields = util::counted(diff.fields.size(), "field");
    out.line(pad(title(diff), 44) + " | " + pad(fields, 12) + " " +
             out.paint("+" + std::to_string(diff.added_lines()), Style::green) + " " +
             out.paint("-" + std::to_string(diff.removed_lines()), Style::red));
  }
  out.line(std::to_string(diffs.size()) + " changed, " + util::counted(added, "template line") +
           " added, " + std::to_string(removed) + " removed");
}

int run(Session& session, const Options& o) {
  Arguments arguments = split_arguments(session, o);
  auto repository = session.shared_repository();
  if (arguments.revisions.empty() && !head_if_any(*repository)) {
    // As `git diff` in a repository without commits: nothing to compare with, nothing shown.
    if (o.json) {
      session.out().document(
          {{"from", nullptr}, {"to", nullptr}, {"changes", nlohmann::json::array()}});
    }
    return 0;
  }
  repo::Revision from =
      repository->resolve(arguments.revisions.empty() ? "HEAD" : arguments.revisions[0]);
  std::optional<repo::Revision> to;
  if (arguments.revisions.size() == 2) {
    to = repository->resolve(arguments.revisions[1]);
  }
  std::vector<PromptDiff> diffs =
      diff_prompts(session.workspace(), repository, from, to, arguments.names);
  for (const std::string& name : arguments.names) {
    bool mentioned = std::any_of(diffs.begin(), diffs.end(), [&](const PromptDiff& d) {
      return d.change.name == name || d.change.old_name == name;
    });
    if (!mentioned && !session.workspace().exists(name)) {
      throw session.workspace().not_found(name);
    }
  }
  int code = (o.exit_code || o.quiet) && !diffs.empty() ? 1 : 0;
  Output& out = session.out();
  if (o.quiet) {
    return code;
  }
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const PromptDiff& diff : diffs) {
      list.push_back(diff_json(diff));
    }
    out.document({{"from", revision_json(from)}, {"to", revision_json(to)}, {"changes", list}});
  } else if (o.stat) {
    print_stat(out, diffs);
  } else {
    print_full(out, diffs);
  }
  return code;
}

}  // namespace

extern const CommandSpec k_cmd_diff{"diff", "Show prompt-aware differences between versions",
                                    Completes::revisions_and_prompt_names, Setup::workspace,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
