#include "cli/searching.hpp"

#include "promptctl/execute.hpp"

namespace promptctl::cli {

std::unique_ptr<SearchIndex> open_search_index(Session& session, bool rebuild,
                                               IndexRefresh& refresh) {
  Workspace& workspace = session.workspace();
  std::shared_ptr<const repo::Repository> repository;
  try {
    repository = session.shared_repository();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found) {
      throw;
    }
    // Prompts outside a git work tree: the index lives in memory, read from the files.
  }
  auto index = std::make_unique<SearchIndex>(workspace, repository);
  const Output& out = session.out();
  out.progress("indexing prompts…");
  refresh = index->refresh(rebuild);
  out.end_progress();
  if (repository && refresh.unexpected_rebuild()) {
    out.warn("the search index was built again: " + refresh.reason);
  }
  return index;
}

void add_embedding_options(CLI::App& sub, EmbeddingOptions& options) {
  sub.add_option("--embedding-model", options.model,
                 "The embedding model, PROVIDER/MODEL (default: search.embedding_model, else "
                 "tests.embedding_model in promptctl.yaml)")
      ->type_name("MODEL");
  sub.add_flag("--offline", options.offline,
               "Use only stored embeddings: never call the embeddings endpoint");
}

EmbeddingSource embedding_source(Session& session, const EmbeddingOptions& options,
                                 const std::map<std::string, ProviderSettings>& providers) {
  EmbeddingSource source;
  source.model = search_embedding_model(session.workspace().settings(), options.model, providers);
  source.providers = &providers;
  source.offline = options.offline;
  source.tracer = &session.tracer();
  const Output& out = session.out();
  source.progress = [&out](std::size_t done, std::size_t total) {
    out.progress("embedding prompts: " + std::to_string(done) + "/" + std::to_string(total));
  };
  return source;
}

std::string format_score(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.3f", score);
  return text;
}

void add_document_filter(CLI::App& sub, DocumentFilter& filter) {
  sub.add_option("-t,--tag", filter.tags, "Only prompts with this tag (repeatable: all must match)")
      ->type_name("TAG");
  sub.add_option("-c,--category", filter.category, "Only prompts in this category")
      ->type_name("CATEGORY");
}

}  // namespace promptctl::cli
