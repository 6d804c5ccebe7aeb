// The parse tree shared by the template parser, renderer and name extraction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace promptctl::tmpl {

enum class NodeType : std::uint8_t {
  root,
  text,
  variable,   // {{name}}
  unescaped,  // {{{name}}} and {{&name}}
  section,    // {{#name}}…{{/name}}
  inverted,   // {{^name}}…{{/name}}
  partial,    // {{>name}} and {{>*name}}
  parent,     // {{<name}}…{{/name}}
  block,      // {{$name}}…{{/name}}
};

struct Node {
  NodeType type = NodeType::root;
  /// The literal text of a text node, or the name of a tag as written.
  std::string text;
  /// A dotted name split on its dots; empty for a plain name (which is `text`).
  std::vector<std::string> path;
  /// The implicit iterator ".".
  bool implicit = false;
  /// `{{>*name}}`: the partial's name is looked up in the context.
  bool dynamic = false;
  /// Whitespace in front of a standalone partial or parent, added to each of its lines.
  std::string indent;
  /// A block whose opening tag stood alone on its line is re-indented where it expands.
  bool standalone_block = false;
  std::string block_indent;
  int line = 0;
  int column = 0;
  std::vector<Node> children;
};

}  // namespace promptctl::tmpl
