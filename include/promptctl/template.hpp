// Mustache templates: parse once into a tree, render many times, list the names they use.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/error.hpp"

namespace promptctl::tmpl {

/// Where a template's text sits inside a file, so that positions inside the template can be
/// reported as file positions. A template that is a YAML block scalar starts at `line`,
/// `column` and its later lines are indented by `indent` columns.
struct TextOrigin {
  std::string file;
  int line = 1;
  int column = 1;
  int indent = 0;

  /// The file location of the template's line and column (both counting from 1).
  [[nodiscard]] SourceLocation map(int template_line, int template_column) const;
};

/// How a reference appears in a template.
enum class UseKind { interpolation, section, inverted, partial, parent, block };

/// One name a template refers to, as written (for example "customer.name").
struct NameUse {
  UseKind kind = UseKind::interpolation;
  std::string name;
  /// Names of the enclosing sections, outermost first; a name inside a section may belong to
  /// the section's items rather than to the top level.
  std::vector<std::string> sections;
  SourceLocation location;
};

struct Node;
class PartialResolver;

/// A parsed template. Parsing fails with an `Error` of kind `invalid_input` naming the
/// position (unclosed tags and sections, mismatched closing tags, bad delimiters, nesting
/// deeper than `k_max_nesting`).
class Template {
 public:
  static constexpr int k_max_nesting = 200;

  static Template parse(std::string_view source, TextOrigin origin = {});

  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;
  ~Template();

  /// Every interpolation, section, partial, parent and block name, in source order.
  [[nodiscard]] std::vector<NameUse> names() const;
  /// The distinct partial and parent names, in order of first use (dynamic names excluded).
  [[nodiscard]] std::vector<std::string> partials() const;
  [[nodiscard]] const TextOrigin& origin() const { return m_origin; }

  /// Internal: the root of the tree, for the renderer.
  [[nodiscard]] const Node& root() const { return *m_root; }

 private:
  Template(std::unique_ptr<Node> root, TextOrigin origin);
  std::unique_ptr<Node> m_root;
  TextOrigin m_origin;
};

/// Supplies partials by name. Implementations own the templates they return and keep them
/// alive for the whole render.
class PartialResolver {
 public:
  virtual ~PartialResolver() = default;
  /// The partial called `name`, or nullptr when there is none. May throw `Error`.
  virtual const Template* find(std::string_view name) = 0;
};

struct RenderOptions {
  /// Escape & < > " ' as HTML entities in `{{name}}` (the specification's default).
  bool escape_html = false;
  /// A name that resolves to nothing in an interpolation is an error rather than "".
  bool strict = true;
  /// A missing partial is an error rather than "".
  bool strict_partials = true;
  /// How deep partials may nest, which bounds recursive partials.
  int max_partial_depth = 64;
  /// The most bytes a render may produce (0: no limit); more is an error at the tag that
  /// passed it.
  std::size_t max_size = 0;

  /// The Mustache specification's behaviour: escaping on, missing names render empty.
  static RenderOptions spec() { return {true, false, false, 64, 0}; }
};

/// Renders `tmpl` against `data`. Throws `Error` (kind `invalid_input`) for a missing name in
/// strict mode, a missing partial when partials are strict, partials nested too deeply, or
/// text longer than `max_size`.
std::string render(const Template& tmpl, const nlohmann::json& data, const RenderOptions& options,
                   PartialResolver* partials = nullptr);

/// A resolver over templates held in memory, for ad-hoc rendering and tests.
class MapPartialResolver : public PartialResolver {
 public:
  void add(std::string name, Template tmpl);
  const Template* find(std::string_view name) override;

 private:
  std::vector<std::pair<std::string, std::unique_ptr<Template>>> m_templates;
};

}  // namespace promptctl::tmpl
