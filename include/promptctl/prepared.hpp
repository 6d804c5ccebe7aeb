// A prompt made ready to render many times: what every render of it would otherwise redo
// (loading its partials, checking them for cycles, finding the names its templates use) done
// once. `render_prompt` is one preparation and one render; a server keeps the preparation.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/render.hpp"
#include "promptctl/repo.hpp"

namespace promptctl {

class PreparedPrompt {
 public:
  /// Loads the partials `prompt` names from `source` and checks them. Throws `Error` as
  /// `render_prompt` does: a cycle among partials, or a partial that cannot be used as one.
  /// `source` and `source_lock` must outlive this object; every later read of the source
  /// (a dynamic partial, an image file) holds the lock, which may guard other sources that
  /// share a repository too (libgit2's objects are used by one thread at a time).
  PreparedPrompt(std::shared_ptr<const Prompt> prompt, PromptSource& source,
                 std::mutex& source_lock);
  PreparedPrompt(const PreparedPrompt&) = delete;
  PreparedPrompt& operator=(const PreparedPrompt&) = delete;

  [[nodiscard]] const Prompt& prompt() const { return *m_prompt; }

  /// Binds `inputs` and renders every message, exactly as `render_prompt`. Safe to call from
  /// many threads at once: a partial named only at render time (`{{>*name}}`) is loaded from
  /// the source under a lock, once.
  [[nodiscard]] RenderedPrompt render(const Inputs& inputs, const ModelSettings& default_model,
                                      const RenderSettings& settings) const;

 private:
  friend class PreparedPartials;
  std::shared_ptr<const Prompt> m_prompt;
  PromptSource& m_source;
  /// Loads partials and owns them; after construction, used only under `m_source_lock`.
  std::unique_ptr<PromptPartials> m_loader;
  /// The partials reachable by name from the templates, in order of first use; read-only.
  std::vector<std::pair<std::string, const tmpl::Template*>> m_partials;
  std::vector<std::string> m_used_names;  ///< top-level variables the templates use
  /// Held for reads of the source made while rendering (dynamic partials, image files).
  std::mutex& m_source_lock;
};

/// A render as `render --json` prints it: the rendered prompt, the revision it was read at (null
/// fields for the working tree), the experiment's assignment when there is one, and the schema
/// version; indented, with a final newline. Written directly, without building a JSON tree:
/// a server answers it thousands of times a second.
std::string render_document(const RenderedPrompt& rendered,
                            const std::optional<repo::Revision>& revision,
                            const nlohmann::json* experiment = nullptr);

}  // namespace promptctl
