// The names a template uses, read from its parse tree.
#include <algorithm>

#include "promptctl/template.hpp"
#include "template/node.hpp"

namespace promptctl::tmpl {
namespace {

UseKind use_kind(NodeType type) {
  switch (type) {
    case NodeType::section:
      return UseKind::section;
    case NodeType::inverted:
      return UseKind::inverted;
    case NodeType::partial:
      return UseKind::partial;
    case NodeType::parent:
      return UseKind::parent;
    case NodeType::block:
      return UseKind::block;
    default:
      return UseKind::interpolation;
  }
}

void collect(const Node& node, const TextOrigin& origin, std::vector<std::string>& sections,
             std::vector<NameUse>& out) {
  for (const Node& child : node.children) {
    if (child.type == NodeType::text) {
      continue;
    }
    out.push_back(
        {use_kind(child.type), child.text, sections, origin.map(child.line, child.column)});
    if (child.type == NodeType::partial && child.dynamic) {
      // The name of a dynamic partial is itself a variable.
      out.back().kind = UseKind::interpolation;
    }
    bool opens_context = child.type == NodeType::section;
    if (opens_context) {
      sections.push_back(child.text);
    }
    collect(child, origin, sections, out);
    if (opens_context) {
      sections.pop_back();
    }
  }
}

}  // namespace

std::vector<NameUse> Template::names() const {
  std::vector<NameUse> out;
  std::vector<std::string> sections;
  collect(*m_root, m_origin, sections, out);
  return out;
}

std::vector<std::string> Template::partials() const {
  std::vector<std::string> out;
  for (const NameUse& use : names()) {
    bool is_partial = use.kind == UseKind::partial || use.kind == UseKind::parent;
    if (is_partial && std::find(out.begin(), out.end(), use.name) == out.end()) {
      out.push_back(use.name);
    }
  }
  return out;
}

}  // namespace promptctl::tmpl
