// promptctl runs [NAME] | runs show ID | runs prune | runs export | runs import FILE: the
// executions recorded in the ledger.

#include "cli/execution.hpp"
#include "cli/runs_transfer.hpp"
#include "cli/validators.hpp"
#include "promptctl/names.hpp"
#include "util/dates.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> words;
  std::optional<std::size_t> max_count;  ///< listing: 20 unless given; export: all
  std::string since;
  std::string status;
  std::string environment;
  std::string grep;
  std::string older_than;
  bool dry_run = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("NAME", o.words,
                 "Only the runs of this prompt; 'show ID' for one run in full; 'prune' to remove "
                 "old runs; 'export [NAME]' to write runs as JSON lines; 'import FILE' to add "
                 "exported runs");
  sub.add_option("-n,--max-count", o.max_count,
                 "Show at most N runs, newest first (default 20; export: all)")
      ->type_name("N");
  sub.add_option("--since", o.since,
                 "Only runs started after DATE: 2026-01-31, an ISO 8601 time, or '2 hours ago'")
      ->type_name("DATE");
  one_of(sub.add_option("--status", o.status, "Only runs that succeeded (ok) or failed (error)"),
         {"ok", "error"});
  sub.add_option("--env", o.environment, "Only runs recorded for this environment")
      ->type_name("ENV");
  sub.add_option("--grep", o.grep,
                 "Only runs whose variables' values, rendered messages or output contain TEXT "
                 "(ASCII letters in any case); exit 1 when none do")
      ->type_name("TEXT");
  sub.add_option("--older-than", o.older_than,
                 "With prune: remove runs started longer ago than this (90d, 12h; default: "
                 "promptctl.yaml's ledger.retention)")
      ->type_name("DURATION");
  sub.add_flag("--dry-run", o.dry_run,
               "With prune or import: count what would be removed or added, change nothing");
  sub.add_flag("--json", o.json, "Print the runs as JSON");
}

// Where `needle` first occurs in `text`, ignoring ASCII case.
std::optional<std::size_t> find_ignoring_case(std::string_view text, std::string_view needle) {
  auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it == text.end() ? std::nullopt
                          : std::optional<std::size_t>(static_cast<std::size_t>(it - text.begin()));
}

// "field: …context MATCH context…" for the first field of `run` holding `needle`.
std::string match_line(const Output& out, const RunRecord& run, const std::string& needle) {
  // The texts the ledger searched: the output, the variables' values, the messages' contents.
  std::string messages;
  if (run.request.contains("messages")) {
    for (const auto& message : run.request["messages"]) {
      messages += message.value("content", "") + " ";
    }
  }
  std::string variables;
  for (const auto& [name, value] : run.variables.items()) {
    variables += name + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + " ";
  }
  constexpr std::size_t k_context = 30;
  std::pair<const char*, std::string> fields[] = {
      {"output", run.output}, {"variables", variables}, {"messages", messages}};
  for (const auto& field : fields) {
    // Named, not a structured binding: clang 14 cannot capture those in the lambda below.
    const char* label = field.first;
    const std::string& text = field.second;
    auto at = find_ignoring_case(text, needle);
    if (!at) {
      continue;
    }
    std::size_t start = *at > k_context ? *at - k_context : 0;
    std::size_t end = std::min(text.size(), *at + needle.size() + k_context);
    auto inside_character = [&](std::size_t i) {
      return i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
    };
    while (inside_character(start)) {  // never cut a UTF-8 character in two
      ++start;
    }
    while (inside_character(end)) {
      ++end;
    }
    std::string before = text.substr(start, *at - start);
    std::string after = text.substr(*at + needle.size(), end - *at - needle.size());
    std::string line = std::string(start > 0 ? "…" : "") + before +
                       out.paint(text.substr(*at, needle.size()), Style::yellow) + after +
                       (end < text.size() ? "…" : "");
    std::replace(line.begin(), line.end(), '\n', ' ');
    return "    " + out.paint(std::string(label) + ":", Style::dim) + " " + line;
  }
  return "";
}

std::string tokens_text(const RunRecord& run) {
  auto part = [](const std::optional<std::int64_t>& value) {
    return value ? std::to_string(*value) : std::string("?");
  };
  return part(run.input_tokens) + "/" + part(run.output_tokens);
}

void print_table(const Output& out, const std::vector<RunRecord>& runs, const std::string& grep) {
  Table table({0, 0, 0, 40, 48});
  for (const RunRecord& run : runs) {
    Style style = run.status == "ok" ? Style::green : Style::red;
    std::string latency = std::to_string(static_cast<long>(run.latency_ms)) + " ms";
    table.row({{std::to_string(run.id), Style::yellow},
               format_time(run.started_ms),
               {run.status, style},
               util::visible(run.prompt.empty() ? "-" : run.prompt),
               util::visible(run.provider + "/" + run.model),
               latency,
               tokens_text(run),
               format_cost(run.cost) + (run.cached ? " cached" : "")});
    if (!grep.empty()) {
      if (std::string line = match_line(out, run, grep); !line.empty()) {
        table.line(line);
      }
    }
  }
  table.print(out);
}

void print_run(const Output& out, const RunRecord& run, const std::vector<Feedback>& feedback) {
  auto field = [&](const std::string& name, const std::string& value) {
    if (!value.empty()) {
      out.line(out.paint(pad(name + ":", 14), Style::bold) + value);
    }
  };
  field("run", std::to_string(run.id));
  field("uid", run.uid);
  field("status", run.status);
  field("prompt", run.prompt + (run.revision.empty() ? "" : "@" + run.revision));
  field("commit", run.commit);
  field("version", run.content_hash);
  field("environment", run.environment);
  field("model", run.provider + "/" + run.model);
  field("started", format_time(run.started_ms) + " UTC");
  field("latency", std::to_string(static_cast<long>(run.latency_ms)) + " ms");
  field("attempts", std::to_string(run.attempts) + (run.cached ? " (answered from cache)" : ""));
  field("tokens", tokens_text(run) + " (input/output)");
  field("cost", format_cost(run.cost));
  field("finish", run.finish_reason);
  field("rerun of", run.parent_id ? std::to_string(*run.parent_id) : "");
  field("kept", run.store == LedgerStore::full
                    ? ""
                    : std::string(to_string(run.store)) + " (ledger: {store} in promptctl.yaml)");
  field("error", run.error);
  field("variables", run.variables.empty() ? "" : run.variables.dump());
  for (const Feedback& entry : feedback) {
    field("feedback", std::to_string(entry.score) +
                          (entry.comment.empty() ? "" : " \"" + entry.comment + "\"") +
                          (entry.author.empty() ? "" : " by " + entry.author));
  }
  if (run.request.contains("messages")) {
    for (const auto& message : run.request["messages"]) {
      out.line();
      out.line(out.paint("### " + message.value("role", ""), Style::cyan));
      out.line(message.value("content", ""));
      if (message.contains("tool_calls")) {
        out.print(tool_call_lines(message["tool_calls"]));
      }
    }
  }
  if (run.status == "ok") {
    out.line();
    out.line(out.paint("### output", Style::cyan));
    out.line(run.output_sha256.empty() ? run.output
                                       : "(not kept; its SHA-256 is " + run.output_sha256 + ")");
  }
  if (!run.tool_calls.empty()) {
    out.line();
    out.line(out.paint("### tool calls", Style::cyan));
    out.print(tool_call_lines(run.tool_calls));
  }
}

int show(Session& session, const Options& o) {
  if (o.words.size() != 2) {
    throw Error(ErrorKind::usage, "'runs show' takes one run id");
  }
  Ledger ledger = open_ledger(session);
  std::int64_t id = run_id_of(ledger, o.words[1]);
  RunRecord run = ledger.get(id);
  std::vector<Feedback> feedback = ledger.feedback_for(id);
  if (o.json) {
    nlohmann::json shown = run.to_json();
    shown["feedback"] = nlohmann::json::array();
    for (const Feedback& entry : feedback) {
      shown["feedback"].push_back(entry.to_json());
    }
    session.out().document(shown);
  } else {
    print_run(session.out(), run, feedback);
  }
  return 0;
}

int prune(Session& session, const Options& o) {
  if (o.words.size() != 1) {
    throw Error(ErrorKind::usage,
                "'runs prune' takes no prompt name: it prunes every prompt's runs");
  }
  std::optional<std::int64_t> age = o.older_than.empty()
                                        ? session.workspace().settings().ledger_retention_seconds
                                        : parse_duration(o.older_than);
  if (!age) {
    throw Error(ErrorKind::usage,
                o.older_than.empty()
                    ? "'runs prune' needs --older-than DURATION"
                    : "--older-than '" + o.older_than + "' " + not_a_duration("90d or 12h"),
                {},
                o.older_than.empty() ? "or set ledger: {retention: 90d} in promptctl.yaml" : "");
  }
  std::int64_t cutoff_ms = util::now_ms() - *age * 1000;
  PruneResult result = open_ledger(session).prune(cutoff_ms, o.dry_run);
  Output& out = session.out();
  if (o.json) {
    out.document({{"dry_run", o.dry_run},
                  {"before", util::format_utc(cutoff_ms / 1000)},
                  {"runs", result.runs},
                  {"feedback", result.feedback}});
    return 0;
  }
  out.line(std::string(o.dry_run ? "Would remove " : "Removed ") +
           util::counted(result.runs, "run") + " and " +
           util::counted(result.feedback, "feedback entry", "feedback entries") +
           " started before " + util::format_date(cutoff_ms / 1000, 0));
  return 0;
}

// The runs the filter options select; `name` is the prompt's, or empty for all.
RunFilter filter_of(const Options& o, const std::string& name) {
  RunFilter filter;
  if (!name.empty()) {
    filter.prompt = normalize_name(name);
  }
  if (auto since = since_option(o.since)) {
    filter.since_ms = *since * 1000;
  }
  filter.status = o.status;
  filter.environment = o.environment;
  filter.grep = o.grep;
  filter.limit = o.max_count;
  return filter;
}

int list(Session& session, const Options& o) {
  if (o.words.size() > 1) {
    throw Error(ErrorKind::usage, "runs takes at most one prompt NAME");
  }
  RunFilter filter = filter_of(o, o.words.empty() ? "" : o.words.front());
  filter.limit = o.max_count.value_or(20);
  std::vector<RunRecord> runs = open_ledger(session).runs(filter);
  if (o.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const RunRecord& record : runs) {
      list.push_back(run_json(record));
    }
    session.out().document({{"runs", list}});
  } else {
    print_table(session.out(), runs, o.grep);
  }
  return !o.grep.empty() && runs.empty() ? 1 : 0;
}

int export_action(Session& session, const Options& o) {
  if (o.words.size() > 2) {
    throw Error(ErrorKind::usage, "'runs export' takes at most one prompt NAME");
  }
  if (o.json) {
    throw Error(ErrorKind::usage, "'runs export' always writes JSON, a run per line: drop --json");
  }
  return export_runs(session, filter_of(o, o.words.size() == 2 ? o.words[1] : ""));
}

int run(Session& session, const Options& o) {
  std::string action = o.words.empty() ? "" : o.words.front();
  if (action == "show") {
    return show(session, o);
  }
  if (action == "prune") {
    return prune(session, o);
  }
  if (action == "import") {
    if (!o.older_than.empty()) {
      throw Error(ErrorKind::usage, "--older-than goes with 'runs prune'");
    }
    return import_runs(session, {o.words.begin() + 1, o.words.end()}, o.dry_run, o.json);
  }
  if (!o.older_than.empty() || o.dry_run) {
    throw Error(ErrorKind::usage,
                "--older-than and --dry-run go with 'runs prune' (--dry-run with 'runs import' "
                "too)");
  }
  if (action == "export") {
    return export_action(session, o);
  }
  return list(session, o);
}

}  // namespace

extern const CommandSpec k_cmd_runs{"runs", "List, show, prune, export and import recorded runs",
                                    Completes::prompt_names, Setup::ledger,
                                    declare<Options, add_options, run>};

}  // namespace promptctl::cli
