// What the server serves at one moment: every prompt of an environment's pins, or of one
// revision, as git has them. A snapshot never changes; a deploy makes a new one, which the
// server swaps in whole, so that a request sees one set or the other, never a mix.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "promptctl/address.hpp"
#include "promptctl/catalog.hpp"
#include "promptctl/experiment_settings.hpp"
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
  /// `git_lock` guards the repository `resolved` reads from (see `Snapshot`).
  ServedPrompt(ResolvedPrompt resolved, std::optional<Pin> pin,
               std::shared_ptr<std::mutex> git_lock);

  [[nodiscard]] const std::string& name() const { return m_resolved.prompt.name; }
  [[nodiscard]] const ResolvedPrompt& resolved() const { return m_resolved; }
  [[nodiscard]] const std::optional<Pin>& pin() const { return m_pin; }
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
  std::shared_ptr<std::mutex> m_git_lock;
  PromptSummary m_summary;
  std::string m_summary_json;
  Once<PreparedPrompt> m_prepared;
  Once<ShownPrompt> m_shown;
};

class Sources;

/// libgit2's objects are used by one thread at a time: every read of a snapshot's repository
/// after loading (partials, images, content hashes) holds that repository's lock, which the
/// prompts read from it share, also when a later snapshot keeps them.
class Snapshot {
 public:
  /// Reads what `target` names as the repository of `workspace` has it now. Throws `Error`:
  /// not_found for an unknown environment or revision, invalid_input for a prompt with errors
  /// or settings with errors (a server does not start, or keeps its old snapshot). A prompt
  /// an environment still pins exactly as in `previous` is taken from it as it is (prepared,
  /// shown), so that a deploy of one prompt reads one prompt.
  static std::shared_ptr<const Snapshot> load(Workspace& workspace, const ServeTarget& target,
                                              const Snapshot* previous = nullptr);

  /// The commit whose state this is: HEAD's when serving an environment (its pins file), else
  /// the revision's. A response names it; a change of it means a reload.
  [[nodiscard]] const std::string& commit() const { return m_commit; }
  [[nodiscard]] const ServeTarget& target() const { return m_target; }
  /// The prompts, sorted by name.
  [[nodiscard]] const std::vector<std::shared_ptr<const ServedPrompt>>& prompts() const {
    return m_prompts;
  }
  [[nodiscard]] const ServedPrompt* find(std::string_view name) const;
  /// How many prompts were taken from the previous snapshot rather than read.
  [[nodiscard]] std::size_t kept() const { return m_kept; }
  /// The experiments promptctl.yaml declares at `commit()`.
  [[nodiscard]] const Experiments& experiments() const { return m_experiments; }
  /// Where experiments' starts and stops are recorded, read under `git_lock()`.
  [[nodiscard]] const repo::Repository& repository() const { return *m_repository; }
  [[nodiscard]] std::mutex& git_lock() const { return *m_git_lock; }
  /// The workspace the snapshot was read from: its user configuration names the providers.
  [[nodiscard]] Workspace& workspace() const { return *m_workspace; }

  /// The prompt an experiment's variant serves: NAME is the one served, NAME@VERSION is read
  /// from the repository on first use (as `resolve_prompt` reads it) and kept. Throws `Error`
  /// as `resolve_prompt` does.
  [[nodiscard]] const ServedPrompt& at_address(const std::string& address) const;

 private:
  struct Wanted;
  Snapshot() = default;
  /// The entry of `name` in `m_prompts`, or nullptr.
  [[nodiscard]] const std::shared_ptr<const ServedPrompt>* entry(std::string_view name) const;
  /// This snapshot's prompt `name` when it is served with exactly `pin`: a later snapshot
  /// keeps it as it is.
  [[nodiscard]] std::shared_ptr<const ServedPrompt> kept(const std::string& name,
                                                         const Pin& pin) const;
  /// Takes the environment's pins at `head` (`m_commit`): prompts pinned as in `previous` are
  /// kept, the others added to `wanted`. False when nothing moved and every prompt was kept.
  bool take_pins(const repo::Repository& repository, const repo::Revision& head,
                 const std::string& prefix, const Snapshot* previous, Sources& sources,
                 std::vector<Wanted>& wanted);
  /// Reads the prompts `wanted` names, on every core.
  void read_prompts(Workspace& workspace, const std::vector<Wanted>& wanted);

  ServeTarget m_target;
  std::string m_commit;
  std::shared_ptr<const repo::Repository> m_repository;
  std::shared_ptr<std::mutex> m_git_lock = std::make_shared<std::mutex>();
  Experiments m_experiments;
  std::vector<std::shared_ptr<const ServedPrompt>> m_prompts;
  std::size_t m_kept = 0;
  std::string m_pins_text;  ///< the pins file an environment's prompts were read from
  Workspace* m_workspace = nullptr;
  std::string m_prefix;  ///< the prompt repository's folder in the work tree
  /// Variants' versions read so far, by address.
  mutable std::mutex m_variants_lock;
  mutable std::map<std::string, std::unique_ptr<const ServedPrompt>> m_variants;
};

/// The revision `target` would be read from now (see `Snapshot::commit`).
repo::Revision served_revision(const repo::Repository& repository, const ServeTarget& target);

/// The commit `target` would be read from now (see `Snapshot::commit`): cheap enough to ask
/// every second. Throws `Error` when it cannot be resolved.
std::string current_commit(const repo::Repository& repository, const ServeTarget& target);

}  // namespace promptctl::serve_detail
