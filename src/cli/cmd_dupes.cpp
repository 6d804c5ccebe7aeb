// promptctl dupes: pairs of prompts that are nearly the same, by meaning or by wording.
#include "cli/searching.hpp"
#include "cli/validators.hpp"
#include "promptctl/lineage.hpp"
#include "util/json_output.hpp"

namespace promptctl::cli {
namespace {

constexpr double k_embedding_threshold = 0.95;
constexpr double k_shingle_threshold = 0.8;

struct Options {
  std::optional<double> threshold;
  std::string method = "auto";
  DocumentFilter filter;
  EmbeddingOptions embedding;
  bool exit_code = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("--threshold", o.threshold,
                 "Least similarity of a pair, 0 to 1 (default 0.95 for embeddings' cosine, 0.8 "
                 "for shingles' Jaccard)")
      ->type_name("X");
  one_of(sub.add_option(
             "--method", o.method,
             "auto (embeddings when they can be had, else shingles), embeddings or shingles"),
         {"auto", "embeddings", "shingles"});
  add_document_filter(sub, o.filter);
  add_embedding_options(sub, o.embedding);
  sub.add_flag("--exit-code", o.exit_code, "Exit with 1 when any pair is found");
  sub.add_flag("--json", o.json, "Print the pairs as JSON");
}

struct Found {
  std::string method;
  std::string model;
  double threshold = 0;
  std::vector<DuplicatePair> pairs;
  std::string note;  ///< why embeddings were not used
};

// Pairs by embeddings; with `required`, a prompt that cannot be embedded is an error, else the
// result has no method and a note saying why.
Found by_embeddings(Session& session, const Options& o, SearchIndex& index,
                    const std::vector<IndexedPrompt>& docs, bool required) {
  const auto& providers = session.workspace().providers();
  EmbeddingSource source = embedding_source(session, o.embedding, providers);
  Found found;
  found.model = source.model.to_string();
  // The endpoint's failures (no key, unreachable, no embeddings) come back as missing prompts;
  // what throws (the index cannot be written) ends the command.
  EmbeddedPrompts embedded = embed_prompts(index, docs, source);
  session.out().end_progress();
  if (!embedded.missing.empty()) {
    if (required) {
      throw Error(embedded.error_kind,
                  "cannot embed every prompt with " + found.model + ": " + embedded.error);
    }
    found.note = "embeddings from " + found.model + " unavailable (" + embedded.error +
                 "): comparing wording instead";
    return found;
  }
  found.method = "embeddings";
  found.threshold = o.threshold.value_or(k_embedding_threshold);
  found.pairs = duplicates_by_embedding(embedded, found.threshold);
  return found;
}

int run(Session& session, const Options& o) {
  if (o.threshold && !(*o.threshold >= 0 && *o.threshold <= 1)) {
    throw Error(ErrorKind::usage,
                "--threshold " + std::to_string(*o.threshold) + " is not between 0 and 1");
  }
  IndexRefresh refresh;
  std::unique_ptr<SearchIndex> index = open_search_index(session, false, refresh);
  std::vector<IndexedPrompt> docs = index->documents(o.filter);
  Found found;
  if (o.method != "shingles") {
    found = by_embeddings(session, o, *index, docs, o.method == "embeddings");
  }
  if (found.method.empty()) {
    std::string note = found.note;
    double threshold = o.threshold.value_or(k_shingle_threshold);
    found = Found{"shingles", "", threshold, duplicates_by_shingles(docs, threshold), note};
  }
  const Output& out = session.out();
  if (!found.note.empty() && !o.json) {
    out.warn(found.note);
  }
  if (o.json) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const DuplicatePair& pair : found.pairs) {
      pairs.push_back(pair.to_json());
    }
    out.document({{"method", found.method},
                  {"model", util::text_or_null(found.model)},
                  {"threshold", found.threshold},
                  {"prompts", docs.size()},
                  {"note", util::text_or_null(found.note)},
                  {"pairs", pairs}});
  } else {
    for (const DuplicatePair& pair : found.pairs) {
      out.line(out.paint(format_score(pair.score), Style::cyan) + "  " + pair.first + "  " +
               pair.second);
    }
  }
  return o.exit_code && !found.pairs.empty() ? 1 : 0;
}

}  // namespace

extern const CommandSpec k_cmd_dupes{"dupes", "Find near-duplicate prompts", Completes::nothing,
                                     Setup::workspace, declare<Options, add_options, run>};

}  // namespace promptctl::cli
