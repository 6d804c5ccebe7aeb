#include "prompt/reader.hpp"

namespace promptctl::prompt_detail {

tmpl::TextOrigin origin_of(const YamlReader& reader, const YAML::Node& scalar) {
  const std::string& path = reader.path();
  std::string_view text = reader.text();
  YAML::Mark mark = scalar.Mark();
  if (mark.is_null() || mark.pos < 0 || static_cast<size_t>(mark.pos) >= text.size()) {
    return {path, 0, 0, 0};
  }
  char first = text[static_cast<size_t>(mark.pos)];
  if (first == '|' || first == '>') {
    // A block scalar's content starts on the next line, at the indentation of its first line.
    size_t line_start = text.find('\n', static_cast<size_t>(mark.pos));
    int line = mark.line + 2;
    while (line_start != std::string_view::npos) {
      size_t next = line_start + 1;
      size_t indent = 0;
      while (next + indent < text.size() && text[next + indent] == ' ') {
        ++indent;
      }
      bool empty_line = next + indent >= text.size() || text[next + indent] == '\n';
      if (!empty_line) {
        int width = static_cast<int>(indent);
        return {path, line, width + 1, width};
      }
      ++line;
      line_start = text.find('\n', next);
    }
    return {path, mark.line + 2, 1, 0};
  }
  int quote = (first == '"' || first == '\'') ? 1 : 0;
  return {path, mark.line + 1, mark.column + 1 + quote, mark.column};
}

}  // namespace promptctl::prompt_detail
