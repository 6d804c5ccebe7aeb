// What the index holds for a prompt, and how a query becomes a full-text match expression.
#include <algorithm>

#include "promptctl/prompt.hpp"
#include "promptctl/search.hpp"
#include "promptctl/workspace.hpp"
#include "search/words.hpp"
#include "util/json_output.hpp"

namespace promptctl {

using search_detail::words_of;

namespace {

// The index marks matches in snippets with these two bytes, so documents must not hold them.
std::string without_markers(std::string_view text) {
  std::string out(text);
  std::erase_if(out, [](char c) { return c == '\x02' || c == '\x03'; });
  return out;
}

// One query element as a match expression: a term, a prefix or a phrase.
std::string match_element(std::string_view chunk, bool phrase_quoted) {
  std::vector<std::string> words = words_of(chunk);
  if (words.empty()) {
    return "";
  }
  std::string joined;
  for (const std::string& word : words) {
    joined += (joined.empty() ? "" : " ") + word;
  }
  // Words hold only letters and digits, so they need no escaping inside the quotes.
  std::string element = "\"" + joined + "\"";
  bool prefix = !phrase_quoted && words.size() == 1 && chunk.ends_with('*');
  return prefix ? element + " *" : element;
}

}  // namespace

std::string IndexedPrompt::semantic_text() const {
  return description.empty() ? body : description + "\n\n" + body;
}

IndexedPrompt index_document(const std::string& name, std::string_view text) {
  IndexedPrompt doc;
  doc.name = name;
  LoadResult loaded = parse_prompt(name, Workspace::display_path(name), text);
  if (!loaded.prompt || loaded.has_errors()) {
    doc.error = loaded.diagnostics.empty() ? "cannot load" : loaded.diagnostics.front().to_string();
  }
  if (!loaded.prompt) {
    doc.body = without_markers(text);
    return doc;
  }
  const Prompt& prompt = *loaded.prompt;
  doc.description = without_markers(prompt.description);
  for (const std::string& tag : prompt.tags) {
    doc.tags.push_back(without_markers(tag));
  }
  doc.category = without_markers(prompt.category);
  for (const VariableSpec& variable : prompt.variables) {
    doc.variables += (doc.variables.empty() ? "" : "\n") + variable.name +
                     (variable.description.empty() ? "" : ": " + variable.description);
  }
  doc.variables = without_markers(doc.variables);
  for (const MessageTemplate& message : prompt.messages) {
    if (message.history.empty()) {
      doc.body += (doc.body.empty() ? "" : "\n\n") + message.role + ": " + message.content;
    }
  }
  doc.body = without_markers(doc.body);
  return doc;
}

std::string match_expression(std::string_view query) {
  std::vector<std::string> elements;
  size_t i = 0;
  while (i < query.size()) {
    if (std::isspace(static_cast<unsigned char>(query[i])) != 0) {
      ++i;
      continue;
    }
    bool quoted = query[i] == '"';
    size_t start = quoted ? i + 1 : i;
    size_t end = quoted ? query.find('"', start) : start;
    if (quoted) {
      end = end == std::string_view::npos ? query.size() : end;
    } else {
      while (end < query.size() && std::isspace(static_cast<unsigned char>(query[end])) == 0) {
        ++end;
      }
    }
    if (std::string element = match_element(query.substr(start, end - start), quoted);
        !element.empty() &&
        std::find(elements.begin(), elements.end(), element) == elements.end()) {
      elements.push_back(std::move(element));
    }
    i = quoted ? end + 1 : end;
  }
  if (elements.empty()) {
    throw Error(ErrorKind::usage,
                query.empty() ? std::string("empty search query")
                              : "search query '" + std::string(query) + "' has no words in it",
                {}, "give one or more words to look for, or \"a phrase\" in quotes");
  }
  std::string expression;
  for (const std::string& element : elements) {
    expression += (expression.empty() ? "" : " OR ") + element;
  }
  return expression;
}

nlohmann::json SearchHit::to_json() const {
  nlohmann::json marks = nlohmann::json::array();
  for (const Highlight& h : highlights) {
    marks.push_back({{"start", h.start}, {"length", h.length}});
  }
  return {{"name", name},       {"description", util::text_or_null(description)},
          {"tags", tags},       {"category", util::text_or_null(category)},
          {"score", score},     {"field", field},
          {"snippet", snippet}, {"highlights", marks}};
}

nlohmann::json IndexRefresh::to_json() const {
  return {{"updated", updated},
          {"removed", removed},
          {"total", total},
          {"rebuilt", rebuilt},
          {"reason", util::text_or_null(reason)}};
}

}  // namespace promptctl
