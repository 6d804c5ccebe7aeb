// Reading the search index: ranked matches with snippets, documents, and stored embeddings.
#include <array>
#include <cstring>

#include "search/index_impl.hpp"

namespace promptctl {

using ledger_detail::Statement;

namespace {

// Field weights for BM25, in the index's column order: a word in the name counts most, then
// in the description and tags, then among the variables, then in the template text.
constexpr const char* k_ranking = "bm25(terms, 10.0, 4.0, 4.0, 2.0, 1.0)";
// Words of context a snippet shows.
constexpr int k_snippet_words = 14;

// The snippet fields, by index column, in the order preferred when they match equally.
struct SnippetField {
  int column;
  const char* label;
};
constexpr std::array<SnippetField, 4> k_snippet_fields = {
    {{4, "template"}, {1, "description"}, {3, "variables"}, {2, "tags"}}};

// Splits a snippet with \x02…\x03 around matches into its text and the highlighted ranges.
std::pair<std::string, std::vector<Highlight>> unmark(std::string_view marked) {
  std::string text;
  std::vector<Highlight> highlights;
  for (char c : marked) {
    if (c == '\x02') {
      highlights.push_back({text.size(), 0});
    } else if (c == '\x03') {
      if (!highlights.empty()) {
        highlights.back().length = text.size() - highlights.back().start;
      }
    } else {
      text += c == '\n' ? ' ' : c;
    }
  }
  return {std::move(text), std::move(highlights)};
}

std::string filter_sql(const std::vector<std::string>& tags, const std::string& category) {
  std::string sql;
  for (size_t i = 0; i < tags.size(); ++i) {
    sql += " AND instr(d.tag_set, char(31) || ? || char(31)) > 0";
  }
  if (!category.empty()) {
    sql += " AND d.category = ?";
  }
  return sql;
}

int bind_filter(Statement& statement, int index, const std::vector<std::string>& tags,
                const std::string& category) {
  for (const std::string& tag : tags) {
    statement.bind(index++, tag);
  }
  if (!category.empty()) {
    statement.bind(index++, category);
  }
  return index;
}

// The best snippet of one matching document: the field with the most matches.
void add_snippet(ledger_detail::Database& db, const std::string& match, std::int64_t id,
                 SearchHit& hit) {
  std::string columns;
  for (const SnippetField& field : k_snippet_fields) {
    columns += std::string(columns.empty() ? "" : ", ") + "snippet(terms, " +
               std::to_string(field.column) + ", char(2), char(3), '…', " +
               std::to_string(k_snippet_words) + ")";
  }
  Statement query(db, "SELECT " + columns + " FROM terms WHERE terms MATCH ? AND rowid = ?");
  query.bind(1, match).bind(2, id);
  if (!query.step()) {
    return;
  }
  size_t best_count = 0;
  for (size_t i = 0; i < k_snippet_fields.size(); ++i) {
    auto [text, highlights] = unmark(query.text(static_cast<int>(i)));
    if (highlights.size() > best_count) {
      best_count = highlights.size();
      hit.field = k_snippet_fields[i].label;
      hit.snippet = std::move(text);
      hit.highlights = std::move(highlights);
    }
  }
  if (best_count == 0) {  // only the name matched: show what the prompt is for
    bool has_description = !hit.description.empty();
    hit.field = has_description ? "description" : "template";
    hit.snippet = has_description ? hit.description : unmark(query.text(0)).first;
  }
}

IndexedPrompt read_document(const Statement& row) {
  IndexedPrompt doc;
  doc.name = row.text(0);
  doc.description = row.text(1);
  doc.tags = search_detail::tags_of(row.text(2));
  doc.category = row.text(3);
  doc.variables = row.text(4);
  doc.body = row.text(5);
  doc.error = row.text(6);
  return doc;
}

constexpr const char* k_document_columns =
    "d.name, d.description, d.tag_set, d.category, d.variables, d.body, d.error";

}  // namespace

std::vector<SearchHit> SearchIndex::search(const SearchQuery& query) const {
  std::string match = match_expression(query.text);
  ledger_detail::Database& db = *m_impl->db;
  Statement ranked(db, std::string("SELECT d.id, d.name, d.description, d.tag_set, d.category, ") +
                           k_ranking +
                           " AS rank FROM terms JOIN documents d ON d.id = terms.rowid "
                           "WHERE terms MATCH ?" +
                           filter_sql(query.tags, query.category) + " ORDER BY rank LIMIT ?");
  int next = bind_filter(ranked.bind(1, match), 2, query.tags, query.category);
  ranked.bind(next, static_cast<std::int64_t>(query.limit));
  std::vector<std::pair<std::int64_t, SearchHit>> found;
  while (ranked.step()) {
    SearchHit hit;
    hit.name = ranked.text(1);
    hit.description = ranked.text(2);
    hit.tags = search_detail::tags_of(ranked.text(3));
    hit.category = ranked.text(4);
    hit.score = -ranked.real(5);  // SQLite's bm25 is negated, so that lower sorts first
    found.emplace_back(ranked.integer(0), std::move(hit));
  }
  std::vector<SearchHit> hits;
  for (auto& [id, hit] : found) {
    add_snippet(db, match, id, hit);
    hits.push_back(std::move(hit));
  }
  return hits;
}

std::vector<IndexedPrompt> SearchIndex::documents(const DocumentFilter& filter) const {
  Statement query(*m_impl->db, std::string("SELECT ") + k_document_columns +
                                   " FROM documents d WHERE 1" +
                                   filter_sql(filter.tags, filter.category) + " ORDER BY d.name");
  bind_filter(query, 1, filter.tags, filter.category);
  std::vector<IndexedPrompt> out;
  while (query.step()) {
    out.push_back(read_document(query));
  }
  return out;
}

std::optional<IndexedPrompt> SearchIndex::document(const std::string& name) const {
  Statement query(*m_impl->db,
                  std::string("SELECT ") + k_document_columns + " FROM documents d WHERE name = ?");
  query.bind(1, name);
  if (!query.step()) {
    return std::nullopt;
  }
  return read_document(query);
}

// Vectors are stored as 32-bit floats in the machine's byte order (the index is local state,
// never shared): the precision embeddings come in, at half the size of doubles.
namespace {

std::optional<std::vector<float>> vector_of(std::string_view bytes) {
  if (bytes.empty() || bytes.size() % sizeof(float) != 0) {
    return std::nullopt;  // damaged: embedded again
  }
  std::vector<float> vector(bytes.size() / sizeof(float));
  std::memcpy(vector.data(), bytes.data(), bytes.size());
  return vector;
}

}  // namespace

std::optional<std::vector<float>> SearchIndex::embedding(const std::string& model,
                                                         const std::string& text_hash) const {
  Statement query(*m_impl->db, "SELECT vector FROM embeddings WHERE model = ? AND hash = ?");
  query.bind(1, model).bind(2, text_hash);
  return query.step() ? vector_of(query.blob(0)) : std::nullopt;
}

std::map<std::string, std::vector<float>> SearchIndex::embeddings(const std::string& model) const {
  Statement query(*m_impl->db, "SELECT hash, vector FROM embeddings WHERE model = ?");
  query.bind(1, model);
  std::map<std::string, std::vector<float>> out;
  while (query.step()) {
    if (auto vector = vector_of(query.blob(1))) {
      out.emplace(query.text(0), std::move(*vector));
    }
  }
  return out;
}

void SearchIndex::store_embedding(const std::string& model, const std::string& text_hash,
                                  const std::vector<float>& vector) {
  std::string_view bytes(reinterpret_cast<const char*>(vector.data()),
                         vector.size() * sizeof(float));
  Statement(*m_impl->db, "INSERT OR REPLACE INTO embeddings (model, hash, vector) VALUES (?, ?, ?)")
      .bind(1, model)
      .bind(2, text_hash)
      .bind_blob(3, bytes)
      .run();
}

}  // namespace promptctl
