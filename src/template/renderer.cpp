// Mustache rendering over nlohmann::json data, with partials, parents and blocks.
#include <charconv>
#include "util/html.hpp"

#include "promptctl/template.hpp"
#include "template/node.hpp"

namespace promptctl::tmpl {
namespace {

using nlohmann::json;

bool is_truthy(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return value.get<bool>();
    case json::value_t::array:
      return !value.empty();
    case json::value_t::string:
      return !value.get_ref<const std::string&>().empty();
    default:
      return true;
  }
}

// Resolves one dotted-name part inside `value`; digits index into arrays.
const json* child_of(const json& value, const std::string& part) {
  if (value.is_object()) {
    auto found = value.find(part);
    return found == value.end() ? nullptr : &*found;
  }
  if (value.is_array()) {
    size_t index = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
    if (ec == std::errc() && end == part.data() + part.size() && index < value.size()) {
      return &value[index];
    }
  }
  return nullptr;
}

class Renderer {
 public:
  Renderer(const RenderOptions& options, PartialResolver* partials, std::string& out)
      : m_options(options), m_partials(partials), m_out(out) {}

  void render(const Template& tmpl, const json& data) {
    m_template = &tmpl;
    m_stack.push_back(&data);
    render_children(tmpl.root());
  }

 private:
  void render_children(const Node& parent) {
    for (const Node& node : parent.children) {
      render_node(node);
    }
  }

  void render_node(const Node& node) {
    switch (node.type) {
      case NodeType::text:
        emit_template_text(node.text);
        break;
      case NodeType::variable:
      case NodeType::unescaped:
        interpolate(node);
        break;
      case NodeType::section:
        section(node);
        break;
      case NodeType::inverted:
        inverted(node);
        break;
      case NodeType::partial:
        partial(node);
        break;
      case NodeType::parent:
        parent(node);
        break;
      case NodeType::block:
        block(node);
        break;
      case NodeType::root:
        render_children(node);
        break;
    }
    // Checked after every tag, so that a template that multiplies its text (partials that
    // include each other many times, big lists) stops near the limit, not after using it up.
    if (m_options.max_size != 0 && m_out.size() > m_options.max_size) {
      fail(node, "the rendered text is larger than " + std::to_string(m_options.max_size) +
                     " bytes, the most a render may produce");
    }
  }

  [[noreturn]] void fail(const Node& node, const std::string& message) const {
    throw Error(ErrorKind::invalid_input, message,
                m_template->origin().map(node.line, node.column));
  }

  // The value a tag names: "." is the top of the stack; a plain name is looked up from the top
  // down; a dotted name's first part likewise, and its other parts inside that value only.
  const json* lookup(const Node& node) const {
    if (node.implicit) {
      return m_stack.back();
    }
    const std::string& first = node.path.empty() ? node.text : node.path.front();
    const json* found = nullptr;
    for (auto it = m_stack.rbegin(); it != m_stack.rend() && !found; ++it) {
      found = child_of(**it, first);
    }
    for (size_t i = 1; i < node.path.size() && found; ++i) {
      found = child_of(*found, node.path[i]);
    }
    return found;
  }

  // Template text carries the indentation of the standalone partials and blocks around it;
  // interpolated data does not.
  void emit_template_text(std::string_view text) {
    if (m_indent.empty()) {
      m_out.append(text);
      return;
    }
    while (!text.empty()) {
      emit_pending_indent();
      size_t newline = text.find('\n');
      size_t take = newline == std::string_view::npos ? text.size() : newline + 1;
      m_out.append(text.substr(0, take));
      text.remove_prefix(take);
      m_pending_indent = newline != std::string_view::npos;
    }
  }

  void emit_pending_indent() {
    if (m_pending_indent) {
      m_out += m_indent;
      m_pending_indent = false;
    }
  }

  void emit_value(const json& value, bool escape) {
    emit_pending_indent();
    std::string scratch;
    std::string_view text;
    switch (value.type()) {
      case json::value_t::null:
        return;
      case json::value_t::string:
        text = value.get_ref<const std::string&>();
        break;
      case json::value_t::boolean:
        text = value.get<bool>() ? "true" : "false";
        break;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned: {
        // Integers are common in prompt data; to_chars avoids dump()'s allocations and locale.
        char buffer[24];
        auto result =
            value.is_number_unsigned()
                ? std::to_chars(buffer, buffer + sizeof buffer, value.get<std::uint64_t>())
                : std::to_chars(buffer, buffer + sizeof buffer, value.get<std::int64_t>());
        scratch.assign(buffer, result.ptr);
        text = scratch;
        break;
      }
      default:
        scratch = value.dump(-1, ' ', false, json::error_handler_t::replace);
        text = scratch;
        break;
    }
    if (escape) {
      util::append_escaped_html(m_out, text);
    } else {
      m_out.append(text);
    }
  }

  void interpolate(const Node& node) {
    const json* value = lookup(node);
    if (!value) {
      if (m_options.strict) {
        fail(node, "variable '" + node.text + "' is not set");
      }
      emit_pending_indent();
      return;
    }
    emit_value(*value, node.type == NodeType::variable && m_options.escape_html);
  }

  void section(const Node& node) {
    const json* value = lookup(node);
    if (!value || !is_truthy(*value)) {
      return;
    }
    if (value->is_array()) {
      for (const json& item : *value) {
        m_stack.push_back(&item);
        render_children(node);
        m_stack.pop_back();
      }
      return;
    }
    m_stack.push_back(value);
    render_children(node);
    m_stack.pop_back();
  }

  void inverted(const Node& node) {
    const json* value = lookup(node);
    if (!value || !is_truthy(*value)) {
      render_children(node);
    }
  }

  const Template* find_partial(const Node& node) {
    std::string name = node.text;
    if (node.dynamic) {
      const json* value = lookup(node);
      if (!value || !value->is_string()) {
        if (m_options.strict) {
          fail(node, "dynamic partial name '" + node.text + "' does not resolve to a string");
        }
        return nullptr;
      }
      name = value->get<std::string>();
    }
    const Template* found = m_partials ? m_partials->find(name) : nullptr;
    if (!found && m_options.strict_partials) {
      fail(node, "unknown partial '" + name + "'");
    }
    if (found && static_cast<int>(m_chain.size()) >= m_options.max_partial_depth) {
      std::string chain;
      for (const std::string& link : m_chain) {
        chain += link + " -> ";
      }
      fail(node, "partials nested deeper than " + std::to_string(m_options.max_partial_depth) +
                     " (" + chain + name + ")");
    }
    if (found) {
      m_chain.push_back(name);
    }
    return found;
  }

  // Renders another template in place, indented when its tag stood alone on its line.
  void expand(const Template& other, const std::string& extra_indent) {
    const Template* saved_template = m_template;
    std::string saved_indent = m_indent;
    if (!extra_indent.empty()) {
      m_indent += extra_indent;
      m_pending_indent = true;
    }
    m_template = &other;
    render_children(other.root());
    m_template = saved_template;
    m_indent = std::move(saved_indent);
    m_chain.pop_back();
  }

  void partial(const Node& node) {
    if (const Template* found = find_partial(node)) {
      expand(*found, node.indent);
    }
  }

  void parent(const Node& node) {
    if (const Template* found = find_partial(node)) {
      m_overrides.push_back(&node);
      expand(*found, node.indent);
      m_overrides.pop_back();
    }
  }

  // The outermost override wins, so a template's own arguments beat those of the parents it
  // passes them through.
  const Node* find_override(const std::string& name) const {
    for (const Node* scope : m_overrides) {
      for (const Node& child : scope->children) {
        if (child.type == NodeType::block && child.text == name) {
          return &child;
        }
      }
    }
    return nullptr;
  }

  void block(const Node& node) {
    const Node* override_node = find_override(node.text);
    const Node& body = override_node ? *override_node : node;
    if (node.block_indent.empty() && !node.standalone_block) {
      render_children(body);
      return;
    }
    // When the tag's line was removed the body starts a fresh line; otherwise the indentation
    // in front of the tag has been written already and only later lines need it.
    std::string saved_indent = m_indent;
    m_indent += node.block_indent;
    m_pending_indent = node.standalone_block;
    render_children(body);
    m_indent = std::move(saved_indent);
  }

  const RenderOptions& m_options;
  PartialResolver* m_partials;
  std::string& m_out;
  const Template* m_template = nullptr;
  std::vector<const json*> m_stack;
  std::vector<const Node*> m_overrides;
  std::vector<std::string> m_chain;
  std::string m_indent;
  bool m_pending_indent = false;
};

}  // namespace

std::string render(const Template& tmpl, const nlohmann::json& data, const RenderOptions& options,
                   PartialResolver* partials) {
  std::string out;
  out.reserve(256);
  Renderer(options, partials, out).render(tmpl, data);
  return out;
}

void MapPartialResolver::add(std::string name, Template tmpl) {
  m_templates.emplace_back(std::move(name), std::make_unique<Template>(std::move(tmpl)));
}

const Template* MapPartialResolver::find(std::string_view name) {
  for (const auto& [key, tmpl] : m_templates) {
    if (key == name) {
      return tmpl.get();
    }
  }
  return nullptr;
}

}  // namespace promptctl::tmpl
