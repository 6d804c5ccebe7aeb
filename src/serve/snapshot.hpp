// What the server serves at one moment: every prompt of an environment's pins, or of one
// revision, as git has them. A snapshot never changes; a deploy makes a new one, which the
// server swaps in whole, so that a request sees one set or the other, never a mix.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/address.hpp"
#include "promptctl/catalog.hpp"
#include "promptctl/pins.hpp"
#include "promptctl/prepared.hpp"
#include "promptctl/server.hpp"

namespace promptctl::serve_detail {

/// A value made on first use by any of many threads, then read without a lock. A failure is
/// kept too: asking again gives the same error without trying again.
template <class T>
class Once {
 public:
  template <class Make>
  const T& get(Make make) const {
    if (const T* ready = m_ready.load(std::memory_order_acquire)) {
      return *ready;
    }
    std::lock_guard<std::mutex> lock(m_lock);
    if (m_error) {
      throw *m_error;
    }
    if (!m_value) {
      try {
        m_value = make();
      } catch (const Error& error) {
        m_error = error;
        throw;
      }
      m_ready.store(m_value.get(), std::memory_order_release);
    }
    return *m_value;
  }

 private:
  mutable std::atomic<const T*> m_ready{nullptr};
  mutable std::mutex m_lock;
  mutable std::unique_ptr<const T> m_value;
  mutable std::optional<Error> m_error;
};

/// A prompt's `show --json` document, as the server answers it.
struct ShownPrompt {
  std::string body;  ///< the JSON text
  std::string etag;  ///< "\"CONTENT_HASH\"": the same content, the same tag
};

/// One prompt as served.
class ServedPrompt {
 public:
  ServedPrompt(ResolvedPrompt resolved, std::optional<Pin> pin, std::mutex& git_lock);

  [[nodiscard]] const std::string& name() const { return m_resolved.prompt.name; }
  [[nodiscard]] const ResolvedPrompt& resolved() const { return m_resolved; }
  [[nodiscard]] const PromptSummary& summary() const { return m_summary; }
  [[nodiscard]] const std::string& summary_json() const { return m_summary_json; }
  /// Ready to render: its partials loaded and checked, on first use. Throws `Error` for a
  /// prompt whose partials cannot be used.
  [[nodiscard]] const PreparedPrompt& prepared() const;
  /// Its `show --json` document, with the environment's pin when one is served; made on first
  /// use. Throws `Error` as `prepared` does.
  [[nodiscard]] const ShownPrompt& shown(const std::string& environment) const;

 private:
  ResolvedPrompt m_resolved;
  std::optional<Pin> m_pin;
  std::mutex& m_git_lock;
  PromptSummary m_summary;
  std::string m_summary_json;
  Once<PreparedPrompt> m_prepared;
  Once<ShownPrompt> m_shown;
};

class Snapshot {
 public:
  /// Reads what `target` names as the repository of `workspace` has it now. Throws `Error`:
  /// not_found for an unknown environment or revision, invalid_input for a prompt with errors
  /// or settings with errors (a server does not start, or keeps its old snapshot).
  static std::shared_ptr<const Snapshot> load(Workspace& workspace, const ServeTarget& target);

  /// The commit whose state this is: HEAD's when serving an environment (its pins file), else
  /// the revision's. A response names it; a change of it means a reload.
  [[nodiscard]] const std::string& commit() const { return m_commit; }
  [[nodiscard]] const ServeTarget& target() const { return m_target; }
  /// The prompts, sorted by name.
  [[nodiscard]] const std::vector<std::unique_ptr<ServedPrompt>>& prompts() const {
    return m_prompts;
  }
  [[nodiscard]] const ServedPrompt* find(std::string_view name) const;

 private:
  Snapshot() = default;
  ServeTarget m_target;
  std::string m_commit;
  /// libgit2's objects are used by one thread at a time: every read of this snapshot's
  /// repository after loading (partials, images, content hashes) holds this lock.
  std::unique_ptr<std::mutex> m_git_lock = std::make_unique<std::mutex>();
  std::vector<std::unique_ptr<ServedPrompt>> m_prompts;
};

/// The commit `target` would be read from now (see `Snapshot::commit`): cheap enough to ask
/// every second. Throws `Error` when it cannot be resolved.
std::string current_commit(const repo::Repository& repository, const ServeTarget& target);

}  // namespace promptctl::serve_detail
