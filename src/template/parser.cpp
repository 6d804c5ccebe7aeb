// Mustache parsing: tokens (with set-delimiter handling), standalone lines, then the tree.
#include <algorithm>

#include "promptctl/template.hpp"
#include "template/node.hpp"
#include "util/strings.hpp"

namespace promptctl::tmpl {
namespace {

enum class TokenType {
  text,
  variable,
  unescaped,
  section,
  inverted,
  close,
  comment,
  partial,
  parent,
  block,
  delimiters
};

struct Token {
  TokenType type = TokenType::text;
  std::string_view text;  // the literal text, or the trimmed tag name
  int line = 0;
  int column = 0;
  bool dynamic = false;
  bool standalone = false;
  std::string_view indent;
};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool can_stand_alone(TokenType type) {
  return type != TokenType::text && type != TokenType::variable && type != TokenType::unescaped;
}

class Tokenizer {
 public:
  Tokenizer(std::string_view source, const TextOrigin& origin)
      : m_source(source), m_origin(origin) {}

  std::vector<Token> run() {
    while (m_pos < m_source.size()) {
      size_t open_at = m_source.find(m_open, m_pos);
      if (open_at == std::string_view::npos) {
        emit_text(m_source.size());
        break;
      }
      emit_text(open_at);
      read_tag();
    }
    return std::move(m_tokens);
  }

 private:
  [[noreturn]] void fail(const std::string& message, int line, int column) const {
    throw Error(ErrorKind::invalid_input, message, m_origin.map(line, column));
  }

  // Advances to `end`, emitting one text token per line so that standalone lines can be
  // recognised token by token.
  void emit_text(size_t end) {
    while (m_pos < end) {
      size_t newline = m_source.find('\n', m_pos);
      size_t stop = (newline == std::string_view::npos || newline >= end) ? end : newline + 1;
      Token token;
      token.text = m_source.substr(m_pos, stop - m_pos);
      token.line = m_line;
      token.column = m_column;
      m_tokens.push_back(token);
      advance_to(stop);
    }
  }

  void advance_to(size_t end) {
    for (; m_pos < end; ++m_pos) {
      if (m_source[m_pos] == '\n') {
        ++m_line;
        m_column = 1;
      } else {
        ++m_column;
      }
    }
  }

  void read_tag() {
    const int line = m_line;
    const int column = m_column;
    size_t body = m_pos + m_open.size();
    bool triple = body < m_source.size() && m_source[body] == '{';
    std::string close = triple ? "}" + m_close : m_close;
    size_t close_at = m_source.find(close, body);
    if (close_at == std::string_view::npos) {
      fail("unclosed tag '" + std::string(m_open) + "' (expected '" + close + "')", line, column);
    }
    std::string_view content = m_source.substr(body, close_at - body);
    if (triple) {
      content.remove_prefix(1);
    }
    advance_to(close_at + close.size());
    Token token;
    token.type = TokenType::variable;
    token.line = line;
    token.column = column;
    if (triple) {
      token.type = TokenType::unescaped;
      token.text = util::trim(content);
    } else {
      classify(util::trim(content), token);
    }
    if (token.type == TokenType::delimiters) {
      set_delimiters(token.text, line, column);
    } else if (token.type != TokenType::comment) {
      check_name(token, line, column);
    }
    m_tokens.push_back(token);
  }

  static void classify(std::string_view content, Token& token) {
    static constexpr std::string_view sigils = "#^/!>&=<$";
    if (content.empty() || sigils.find(content.front()) == std::string_view::npos) {
      token.text = content;
      return;
    }
    char sigil = content.front();
    content.remove_prefix(1);
    switch (sigil) {
      case '#':
        token.type = TokenType::section;
        break;
      case '^':
        token.type = TokenType::inverted;
        break;
      case '/':
        token.type = TokenType::close;
        break;
      case '!':
        token.type = TokenType::comment;
        break;
      case '&':
        token.type = TokenType::unescaped;
        break;
      case '<':
        token.type = TokenType::parent;
        break;
      case '$':
        token.type = TokenType::block;
        break;
      case '=':
        token.type = TokenType::delimiters;
        break;
      default:
        token.type = TokenType::partial;
        break;
    }
    content = util::trim(content);
    if (token.type == TokenType::partial && !content.empty() && content.front() == '*') {
      token.dynamic = true;
      content = util::trim(content.substr(1));
    }
    token.text = content;
  }

  void check_name(const Token& token, int line, int column) const {
    if (token.text.empty()) {
      fail("empty tag name", line, column);
    }
    auto blank = std::find_if(token.text.begin(), token.text.end(),
                              [](char c) { return is_blank(c) || c == '\n' || c == '\r'; });
    if (blank != token.text.end()) {
      fail("tag name '" + std::string(token.text) + "' contains white space", line, column);
    }
  }

  void set_delimiters(std::string_view spec, int line, int column) {
    if (spec.empty() || spec.back() != '=') {
      fail("set-delimiter tag must end with '='", line, column);
    }
    spec = util::trim(spec.substr(0, spec.size() - 1));
    auto parts = util::split_whitespace(spec);
    if (parts.size() != 2 || parts[0].find('=') != std::string_view::npos ||
        parts[1].find('=') != std::string_view::npos) {
      fail("set-delimiter tag needs two delimiters without '=', as in {{=<% %>=}}", line, column);
    }
    m_open = std::string(parts[0]);
    m_close = std::string(parts[1]);
  }

  std::string_view m_source;
  const TextOrigin& m_origin;
  std::vector<Token> m_tokens;
  std::string m_open = "{{";
  std::string m_close = "}}";
  size_t m_pos = 0;
  int m_line = 1;
  int m_column = 1;
};

// The line's text is white space, except for its line ending.
bool is_blank_text(std::string_view text) {
  if (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') {
      text.remove_suffix(1);
    }
  }
  return std::all_of(text.begin(), text.end(), is_blank);
}

// `{{$name}}{{/name}}` on one line is a placeholder that produces output where it expands,
// like an interpolation, so it keeps its line from being standalone.
bool is_inline_block(const std::vector<Token>& tokens, size_t at, size_t line_end) {
  if (tokens[at].type != TokenType::block) {
    return false;
  }
  for (size_t i = at + 1; i < line_end; ++i) {
    if (tokens[i].type == TokenType::close && tokens[i].text == tokens[at].text) {
      return true;
    }
  }
  return false;
}

// A line whose only content is tags that produce no output of their own (sections, comments,
// partials, …) and white space is "standalone": the white space and line ending disappear, and
// the white space in front becomes the indentation of partials and parents.
void strip_standalone_lines(std::vector<Token>& tokens) {
  size_t kept = 0;  // tokens are compacted in place: kept <= begin at all times
  size_t begin = 0;
  while (begin < tokens.size()) {
    size_t end = begin;
    while (end < tokens.size() &&
           !(tokens[end].type == TokenType::text && tokens[end].text.ends_with('\n'))) {
      ++end;
    }
    end = std::min(end + 1, tokens.size());
    bool has_tag = false;
    bool standalone = true;
    for (size_t i = begin; i < end && standalone; ++i) {
      if (tokens[i].type == TokenType::text) {
        standalone = is_blank_text(tokens[i].text);
      } else {
        has_tag = true;
        standalone = can_stand_alone(tokens[i].type) && !is_inline_block(tokens, i, end);
      }
    }
    std::string_view indent;
    size_t first_tag = begin;
    if (begin < end && tokens[begin].type == TokenType::text && is_blank_text(tokens[begin].text)) {
      indent = tokens[begin].text;
      ++first_tag;
    }
    // A block that opens a line is re-indented where it expands, standalone or not.
    if (first_tag < end && tokens[first_tag].type == TokenType::block) {
      tokens[first_tag].indent = indent;
    }
    for (size_t i = begin; i < end; ++i) {
      if (!(standalone && has_tag)) {
        tokens[kept++] = tokens[i];
      } else if (tokens[i].type != TokenType::text) {
        tokens[i].standalone = true;
        tokens[i].indent = indent;
        tokens[kept++] = tokens[i];
      }
    }
    begin = end;
  }
  tokens.resize(kept);
}

NodeType node_type(TokenType type) {
  switch (type) {
    case TokenType::variable:
      return NodeType::variable;
    case TokenType::unescaped:
      return NodeType::unescaped;
    case TokenType::section:
      return NodeType::section;
    case TokenType::inverted:
      return NodeType::inverted;
    case TokenType::partial:
      return NodeType::partial;
    case TokenType::parent:
      return NodeType::parent;
    case TokenType::block:
      return NodeType::block;
    default:
      return NodeType::text;
  }
}

// Splits a dotted name; a plain name needs no path (saving an allocation per tag).
std::vector<std::string> split_path(std::string_view name) {
  std::vector<std::string> path;
  if (name == "." || name.find('.') == std::string_view::npos) {
    return path;
  }
  for (std::string_view part : util::split(name, '.')) {
    path.emplace_back(part);
  }
  return path;
}

// Removes `width` columns of indentation from every line start of a block's body, so that the
// body can be re-indented where the block expands.
void dedent(std::vector<Node>& nodes, size_t width, bool& at_line_start) {
  for (Node& node : nodes) {
    if (node.type != NodeType::text) {
      if (node.type == NodeType::block) {
        // Nested blocks keep their indentation relative to the enclosing block.
        size_t strip = 0;
        while (strip < width && strip < node.block_indent.size()) {
          ++strip;
        }
        node.block_indent.erase(0, strip);
      }
      dedent(node.children, width, at_line_start);
      at_line_start = false;
      continue;
    }
    std::string out;
    out.reserve(node.text.size());
    for (size_t i = 0; i < node.text.size();) {
      if (at_line_start) {
        size_t skip = 0;
        while (skip < width && i + skip < node.text.size() && is_blank(node.text[i + skip])) {
          ++skip;
        }
        i += skip;
        at_line_start = false;
        continue;
      }
      out += node.text[i];
      at_line_start = node.text[i] == '\n';
      ++i;
    }
    node.text = std::move(out);
  }
}

std::string leading_blanks(const std::vector<Node>& nodes) {
  if (nodes.empty() || nodes.front().type != NodeType::text) {
    return {};
  }
  const std::string& text = nodes.front().text;
  size_t n = 0;
  while (n < text.size() && is_blank(text[n])) {
    ++n;
  }
  return text.substr(0, n);
}

void finish_block(Node& block) {
  if (!block.standalone_block) {
    return;
  }
  std::string content_indent = leading_blanks(block.children);
  if (!block.children.empty()) {
    block.block_indent = content_indent;
  }
  bool at_line_start = true;
  dedent(block.children, content_indent.size(), at_line_start);
}

class TreeBuilder {
 public:
  explicit TreeBuilder(const TextOrigin& origin) : m_origin(origin) {}

  std::unique_ptr<Node> build(std::vector<Token>& tokens) {
    auto root = std::make_unique<Node>();
    std::vector<Node*> open{root.get()};
    for (Token& token : tokens) {
      add(token, open);
    }
    if (open.size() > 1) {
      const Node& unclosed = *open.back();
      throw Error(ErrorKind::invalid_input, "unclosed section '" + unclosed.text + "'",
                  m_origin.map(unclosed.line, unclosed.column));
    }
    return root;
  }

 private:
  void add(Token& token, std::vector<Node*>& open) {
    Node& parent = *open.back();
    switch (token.type) {
      case TokenType::comment:
      case TokenType::delimiters:
        return;
      case TokenType::close:
        close(token, open);
        return;
      case TokenType::text:
        add_text(token, parent);
        return;
      default:
        break;
    }
    Node node;
    node.type = node_type(token.type);
    node.text = std::string(token.text);
    node.line = token.line;
    node.column = token.column;
    if (node.type == NodeType::variable || node.type == NodeType::unescaped ||
        node.type == NodeType::section || node.type == NodeType::inverted ||
        (node.type == NodeType::partial && token.dynamic)) {
      node.path = split_path(token.text);
      node.implicit = token.text == ".";
    }
    node.dynamic = token.dynamic;
    if (node.type == NodeType::partial || node.type == NodeType::parent) {
      node.indent = token.standalone ? std::string(token.indent) : std::string();
    }
    if (node.type == NodeType::block) {
      node.standalone_block = token.standalone;
      node.block_indent = std::string(token.indent);
    }
    parent.children.push_back(std::move(node));
    Node& added = parent.children.back();
    if (added.type == NodeType::section || added.type == NodeType::inverted ||
        added.type == NodeType::parent || added.type == NodeType::block) {
      if (static_cast<int>(open.size()) > Template::k_max_nesting) {
        throw Error(ErrorKind::invalid_input,
                    "sections nested deeper than " + std::to_string(Template::k_max_nesting),
                    m_origin.map(token.line, token.column));
      }
      open.push_back(&added);
    }
  }

  void close(const Token& token, std::vector<Node*>& open) {
    if (open.size() == 1) {
      throw Error(ErrorKind::invalid_input,
                  "closing tag '" + std::string(token.text) + "' has no open section",
                  m_origin.map(token.line, token.column));
    }
    Node& section = *open.back();
    if (section.text != token.text) {
      throw Error(ErrorKind::invalid_input,
                  "closing tag '" + std::string(token.text) + "' does not match open section '" +
                      section.text + "' from " +
                      std::to_string(m_origin.map(section.line, section.column).line) + ":" +
                      std::to_string(m_origin.map(section.line, section.column).column),
                  m_origin.map(token.line, token.column));
    }
    if (section.type == NodeType::block) {
      finish_block(section);
    }
    open.pop_back();
  }

  // Adjacent text (split by line for standalone handling, or around comments) becomes one node.
  static void add_text(const Token& token, Node& parent) {
    if (token.text.empty()) {
      return;
    }
    if (!parent.children.empty() && parent.children.back().type == NodeType::text) {
      parent.children.back().text += token.text;
      return;
    }
    Node node;
    node.type = NodeType::text;
    node.text = std::string(token.text);
    node.line = token.line;
    node.column = token.column;
    parent.children.push_back(std::move(node));
  }

  const TextOrigin& m_origin;
};

}  // namespace

SourceLocation TextOrigin::map(int template_line, int template_column) const {
  if (template_line <= 1) {
    return {file, line, column + template_column - 1};
  }
  return {file, line + template_line - 1, indent + template_column};
}

Template Template::parse(std::string_view source, TextOrigin origin) {
  std::vector<Token> tokens = Tokenizer(source, origin).run();
  strip_standalone_lines(tokens);
  auto root = TreeBuilder(origin).build(tokens);
  return Template(std::move(root), std::move(origin));
}

Template::Template(std::unique_ptr<Node> root, TextOrigin origin)
    : m_root(std::move(root)), m_origin(std::move(origin)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

}  // namespace promptctl::tmpl
