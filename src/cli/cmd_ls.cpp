// promptctl ls [PATTERN…]: list prompts, filtered by name, tag, category and text.
#include "cli/command.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/catalog.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> patterns;
  std::vector<std::string> tags;
  std::string category;
  std::string grep;
  bool json = false;
  bool names_only = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("PATTERN", o.patterns,
                 "Only names matching these shell patterns (support/*) or prefixes (support/)");
  sub.add_option("-t,--tag", o.tags, "Only prompts with this tag (repeatable: all must match)");
  sub.add_option("-c,--category", o.category, "Only prompts in this category");
  sub.add_option("-g,--grep", o.grep,
                 "Only prompts whose name, description, tags or templates contain TEXT (any case)");
  sub.add_flag("-1,--names-only", o.names_only, "Print names only, one per line");
  sub.add_flag("--json", o.json, "Print the prompt summaries as JSON");
}

int run(Session& session, const Options& o) {
  Workspace& workspace = session.workspace();
  std::vector<PromptSummary> summaries =
      list_prompts(workspace, {o.patterns, o.tags, o.category, o.grep});
  Output& out = session.out();
  if (o.json) {
    // One prompt per line, streamed: the document without building it whole in memory.
    out.print("{\"schema_version\": " + std::to_string(k_json_schema_version) + ", \"prompts\": [" +
              (summaries.empty() ? "" : "\n"));
    for (size_t i = 0; i < summaries.size(); ++i) {
      out.print("  " + summaries[i].json_text() + (i + 1 < summaries.size() ? ",\n" : "\n"));
    }
    out.line("]}");
    return 0;
  }
  if (summaries.empty() && workspace.list_names().empty()) {
    out.hint("no prompts yet: create one with 'promptctl new NAME'");  // a new repository
    return 0;
  }
  size_t width = 0;
  for (const PromptSummary& summary : summaries) {
    width = std::max(width, summary.name.size());  // names are ASCII: one byte, one column
  }
  // Two buffers for every line: a listing of thousands allocates nothing per prompt.
  std::string text;
  std::string tags;
  for (const PromptSummary& summary : summaries) {
    if (!summary.error.empty()) {
      out.warn(summary.error);
    }
    if (o.names_only) {
      out.line(summary.name);
      continue;
    }
    text.clear();
    out.append_painted(text, summary.name, Style::bold);
    text.append(width - summary.name.size() + 2, ' ');
    util::append_visible(text, summary.description);  // the repository's text, never controls
    if (!summary.tags.empty()) {
      tags.assign("[");
      util::append_visible_list(tags, summary.tags);
      tags += ']';
      text += "  ";
      out.append_painted(text, tags, Style::dim);
    }
    out.line(text);
  }
  return 0;
}

}  // namespace

extern const CommandSpec k_cmd_ls{"ls", "List prompts", Completes::prompt_names, Setup::workspace,
                                  declare<Options, add_options, run>};

}  // namespace promptctl::cli
