// promptctl search QUERY | --similar TEXT | --like NAME: find prompts by words or by meaning.
#include "cli/searching.hpp"
#include "cli/validators.hpp"
#include "promptctl/lineage.hpp"
#include "promptctl/names.hpp"
#include "util/json_output.hpp"
#include "util/strings.hpp"

namespace promptctl::cli {
namespace {

struct Options {
  std::vector<std::string> words;
  std::string similar;
  std::string like;
  std::size_t limit = 10;
  DocumentFilter filter;
  EmbeddingOptions embedding;
  bool reindex = false;
  bool json = false;
};

void add_options(CLI::App& sub, Options& o) {
  sub.add_option("QUERY", o.words,
                 "Words to look for (a trailing * matches a prefix; \"quoted words\" match as a "
                 "phrase)");
  sub.add_option("--similar", o.similar, "Rank prompts by closeness in meaning to TEXT")
      ->type_name("TEXT");
  sub.add_option("--like", o.like, "Rank prompts by closeness in meaning to the prompt NAME")
      ->type_name("PROMPT");
  sub.add_option("-n,--limit", o.limit, "Show at most N results (default 10)")
      ->type_name("N")
      ->check(at_least(1));
  add_document_filter(sub, o.filter);
  add_embedding_options(sub, o.embedding);
  sub.add_flag("--reindex", o.reindex,
               "Build the index again from nothing first (alone: only that, reporting counts)");
  sub.add_flag("--json", o.json, "Print the results as JSON");
}

std::string joined_query(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : " ") + word;
  }
  return text;
}

// The snippet with its matches in bold, when the output has colour.
std::string highlighted(const Output& out, const SearchHit& hit) {
  std::string text;
  std::size_t at = 0;
  for (const Highlight& h : hit.highlights) {
    util::append_visible(text, hit.snippet.substr(at, h.start - at));
    text += out.paint(util::visible(hit.snippet.substr(h.start, h.length)), Style::yellow);
    at = h.start + h.length;
  }
  util::append_visible(text, hit.snippet.substr(std::min(at, hit.snippet.size())));
  return text;
}

void print_summary_line(const Output& out, const std::string& lead, const std::string& name,
                        const std::string& description, const std::vector<std::string>& tags) {
  std::string line = lead + out.paint(name, Style::bold);
  if (!description.empty()) {
    line += "  " + description;
  }
  if (!tags.empty()) {
    std::string list = "[";
    util::append_visible_list(list, tags);
    line += "  " + out.paint(list + "]", Style::dim);
  }
  out.line(line);
}

int text_search(Session& session, const Options& o, SearchIndex& index,
                const IndexRefresh& refresh) {
  SearchQuery query{joined_query(o.words), o.filter.tags, o.filter.category, o.limit};
  std::vector<SearchHit> hits = index.search(query);
  const Output& out = session.out();
  if (o.json) {
    nlohmann::json results = nlohmann::json::array();
    for (const SearchHit& hit : hits) {
      results.push_back(hit.to_json());
    }
    out.document({{"mode", "text"},
                  {"query", query.text},
                  {"match", match_expression(query.text)},
                  {"index", refresh.to_json()},
                  {"results", results}});
  } else {
    for (const SearchHit& hit : hits) {
      // A match in the description is highlighted where the description is shown anyway.
      bool in_description = hit.field == "description";
      print_summary_line(out, "", hit.name,
                         in_description ? highlighted(out, hit) : util::visible(hit.description),
                         hit.tags);
      if (!in_description && !hit.snippet.empty()) {
        out.line("    " + out.paint(hit.field + ":", Style::dim) + " " + highlighted(out, hit));
      }
    }
  }
  return hits.empty() ? 1 : 0;  // as grep: 1 when nothing matched
}

// The prompt --like names, as the index has it.
IndexedPrompt like_prompt(Session& session, SearchIndex& index, const std::string& argument) {
  std::string name = normalize_name(argument);
  validate_name(name);
  std::optional<IndexedPrompt> doc = index.document(name);
  if (!doc) {
    throw session.workspace().not_found(name);
  }
  return *doc;
}

int similarity_search(Session& session, const Options& o, SearchIndex& index,
                      const IndexRefresh& refresh) {
  const Output& out = session.out();
  const auto& providers = session.workspace().providers();
  EmbeddingSource source = embedding_source(session, o.embedding, providers);
  std::vector<float> query_vector;
  std::string exclude;
  if (!o.like.empty()) {
    IndexedPrompt like = like_prompt(session, index, o.like);
    EmbeddedPrompts own = embed_prompts(index, {like}, source);
    if (own.vectors.empty()) {
      throw Error(own.error_kind, "cannot embed '" + like.name + "': " + own.error);
    }
    query_vector = own.vectors.front();
    exclude = like.name;
  } else {
    query_vector = embed_text(index, o.similar, source);
  }
  EmbeddedPrompts embedded = embed_prompts(index, index.documents(o.filter), source);
  out.end_progress();
  if (embedded.names.empty() && !embedded.missing.empty()) {
    throw Error(embedded.error_kind, "no prompt could be embedded: " + embedded.error);
  }
  std::vector<SimilarPrompt> ranked = rank_by_cosine(query_vector, embedded, o.limit, exclude);
  if (!embedded.missing.empty() && !o.json) {
    out.warn(util::counted(embedded.missing.size(), "prompt") +
             " left out, without an embedding: " + embedded.error);
  }
  if (o.json) {
    nlohmann::json results = nlohmann::json::array();
    for (const SimilarPrompt& hit : ranked) {
      IndexedPrompt doc = index.document(hit.name).value_or(IndexedPrompt{});
      results.push_back({{"name", hit.name},
                         {"description", util::text_or_null(doc.description)},
                         {"tags", doc.tags},
                         {"category", util::text_or_null(doc.category)},
                         {"score", hit.score}});
    }
    out.document({{"mode", o.like.empty() ? "similar" : "like"},
                  {"query", o.like.empty() ? o.similar : exclude},
                  {"model", source.model.to_string()},
                  {"index", refresh.to_json()},
                  {"embedded", {{"requested", embedded.requested}, {"stored", embedded.stored}}},
                  {"missing", embedded.missing},
                  {"error", util::text_or_null(embedded.error)},
                  {"results", results}});
  } else {
    for (const SimilarPrompt& hit : ranked) {
      IndexedPrompt doc = index.document(hit.name).value_or(IndexedPrompt{});
      print_summary_line(out, out.paint(format_score(hit.score), Style::cyan) + "  ", hit.name,
                         util::visible(doc.description), doc.tags);
    }
  }
  return ranked.empty() ? 1 : 0;
}

int run(Session& session, const Options& o) {
  int modes = static_cast<int>(!o.words.empty()) + static_cast<int>(!o.similar.empty()) +
              static_cast<int>(!o.like.empty());
  if (modes > 1) {
    throw Error(ErrorKind::usage, "give one of QUERY, --similar and --like");
  }
  if (modes == 0 && !o.reindex) {
    throw Error(ErrorKind::usage, "empty search query", {},
                "give words to look for, --similar TEXT or --like NAME");
  }
  if (!o.words.empty()) {
    match_expression(joined_query(o.words));  // a query without words fails before any work
  }
  IndexRefresh refresh;
  std::unique_ptr<SearchIndex> index = open_search_index(session, o.reindex, refresh);
  if (modes == 0) {
    if (o.json) {
      session.out().document(refresh.to_json());
    } else {
      session.out().line("indexed " + util::counted(refresh.total, "prompt"));
    }
    return 0;
  }
  return o.words.empty() ? similarity_search(session, o, *index, refresh)
                         : text_search(session, o, *index, refresh);
}

}  // namespace

extern const CommandSpec k_cmd_search{"search", "Find prompts by words (ranked) or by meaning",
                                      Completes::nothing, Setup::workspace,
                                      declare<Options, add_options, run>};

}  // namespace promptctl::cli
