#include "serve/snapshot.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "prompt/compiled_pack.hpp"
#include "promptctl/build_info.hpp"
#include "promptctl/policy.hpp"
#include "util/json_document.hpp"
#include "util/parallel.hpp"
#include "util/sha256.hpp"

namespace promptctl::serve_detail {

using nlohmann::json;

ServedPrompt::ServedPrompt(ResolvedPrompt resolved, std::optional<Pin> pin,
                           std::shared_ptr<std::mutex> git_lock)
    : m_resolved(std::move(resolved)),
      m_pin(std::move(pin)),
      m_git_lock(std::move(git_lock)),
      m_summary(PromptSummary::of(m_resolved.prompt)),
      m_summary_json(m_summary.json_text()) {}

const PreparedPrompt& ServedPrompt::prepared() const {
  return m_prepared.get([&] {
    std::lock_guard<std::mutex> lock(*m_git_lock);  // partials are read from the repository
    // The resolved prompt lives as long as this object: borrowed, not copied.
    std::shared_ptr<const Prompt> prompt(std::shared_ptr<void>(), &m_resolved.prompt);
    return std::make_unique<const PreparedPrompt>(prompt, m_resolved.source(), *m_git_lock);
  });
}

const ShownPrompt& ServedPrompt::shown(const std::string& environment) const {
  return m_shown.get([&] {
    json document;
    {
      std::lock_guard<std::mutex> lock(*m_git_lock);  // the content hash reads partials
      document = m_resolved.to_json();
    }
    if (!environment.empty()) {
      document["environment"] = environment;
      document["pin"] = m_pin ? m_pin->to_json() : json(nullptr);
    }
    document["schema_version"] = k_json_schema_version;
    auto shown = std::make_unique<ShownPrompt>();
    shown->etag = "\"" + document["content_hash"].get<std::string>() + "\"";
    shown->body = util::document_text(document);
    return shown;
  });
}

// One source per commit, shared by the prompts pinned there.
class Sources {
 public:
  /// Prompts are read through `pack` when there is one, and kept there when `keep` says so and
  /// the commit's own settings keep all of a run's text.
  Sources(std::shared_ptr<const repo::Repository> repository, std::string prefix,
          std::shared_ptr<prompt_detail::CompiledPack> pack, KeepCompiled keep)
      : m_repository(std::move(repository)),
        m_prefix(std::move(prefix)),
        m_pack(std::move(pack)),
        m_keep(keep) {}

  std::shared_ptr<RevisionSource> at(const repo::Revision& revision) {
    std::shared_ptr<RevisionSource>& slot = m_sources[revision.commit_id];
    if (!slot) {
      slot = std::make_shared<RevisionSource>(m_repository, revision, m_prefix);
      if (m_pack) {
        KeepCompiled keep =
            m_keep == KeepCompiled::yes && slot->settings().ledger_store == LedgerStore::full
                ? KeepCompiled::yes
                : KeepCompiled::no;
        slot->load_files_with([pack = m_pack, keep](std::string_view name,
                                                    const SourceFile& prompt_file,
                                                    const std::optional<SourceFile>& tests_file) {
          return prompt_detail::load_compiled(*pack, name, prompt_file, tests_file, keep);
        });
      }
    }
    return slot;
  }

 private:
  std::shared_ptr<const repo::Repository> m_repository;
  std::string m_prefix;
  std::shared_ptr<prompt_detail::CompiledPack> m_pack;
  KeepCompiled m_keep;
  std::map<std::string, std::shared_ptr<RevisionSource>> m_sources;
};

namespace {

// The pack of compiled prompts for what `target` serves, under the git directory; none
// outside a git work tree.
std::shared_ptr<prompt_detail::CompiledPack> compiled_pack(const Workspace& workspace,
                                                           const ServeTarget& target,
                                                           const std::string& prefix) {
  std::optional<std::filesystem::path> dir = workspace.compiled_dir();
  if (!dir) {
    return nullptr;
  }
  std::string served = target.environment.empty() ? "revision " + target.revision
                                                  : "environment " + target.environment;
  return std::make_shared<prompt_detail::CompiledPack>(
      *dir / ("served-" + util::sha256_hex(served + "\n" + prefix)));
}

bool same_pin(const Pin& a, const Pin& b) {
  return a.commit == b.commit && a.content == b.content && a.deployed_by == b.deployed_by &&
         a.deployed_at == b.deployed_at && a.emergency == b.emergency && a.reason == b.reason;
}

}  // namespace

// A prompt to read, with the source it is read from and its pin.
struct Snapshot::Wanted {
  std::shared_ptr<RevisionSource> source;
  std::string name;
  std::optional<Pin> pin;
};

std::shared_ptr<const Snapshot> Snapshot::load(Workspace& workspace, const ServeTarget& target,
                                               const Snapshot* previous) {
  auto repository =
      std::make_shared<const repo::Repository>(repo::Repository::discover(workspace.root()));
  std::string prefix = repository_prefix(workspace, *repository);
  // A server reads every prompt it serves at each start: after the first, compiled, from one
  // file. A repository whose ledger keeps less than its runs' text keeps none.
  std::shared_ptr<prompt_detail::CompiledPack> pack = compiled_pack(workspace, target, prefix);
  Sources sources(repository, prefix, pack,
                  workspace.settings().ledger_store == LedgerStore::full ? KeepCompiled::yes
                                                                         : KeepCompiled::no);
  std::shared_ptr<Snapshot> snapshot(new Snapshot());
  snapshot->m_target = target;
  // Resolved once: a ref that moves while the snapshot is read cannot make it a mix.
  repo::Revision served = served_revision(*repository, target);
  snapshot->m_commit = served.commit_id;
  snapshot->m_repository = repository;
  snapshot->m_workspace = &workspace;
  snapshot->m_prefix = prefix;
  snapshot->m_experiments = RevisionSource(repository, served, prefix).settings().experiments;
  std::vector<Wanted> wanted;
  if (target.environment.empty()) {
    for (const std::string& name : prompt_names_at(*repository, served, prefix)) {
      wanted.push_back({sources.at(served), name, std::nullopt});
    }
  } else if (!snapshot->take_pins(*repository, served, prefix, previous, sources, wanted)) {
    return snapshot;  // every prompt as before
  }
  snapshot->read_prompts(workspace, wanted);
  if (pack) {
    // Kept as this snapshot's prompts only when it read them all, so that none it took from
    // the previous one is left out.
    pack->finish(snapshot->m_kept == 0);
  }
  std::sort(snapshot->m_prompts.begin(), snapshot->m_prompts.end(),
            [](const auto& a, const auto& b) { return a->name() < b->name(); });
  return snapshot;
}

bool Snapshot::take_pins(const repo::Repository& repository, const repo::Revision& head,
                         const std::string& prefix, const Snapshot* previous, Sources& sources,
                         std::vector<Wanted>& wanted) {
  std::string path = prefix + k_pins_file;
  m_pins_text = repository.read_file(head, path).value_or("");
  if (previous && previous->m_pins_text == m_pins_text) {
    // A commit that moved no pin (an edit, a merge): every prompt stays as it was, and the
    // pins file, which can be large, is not parsed again.
    m_prompts = previous->m_prompts;
    m_kept = m_prompts.size();
    return false;
  }
  std::vector<Diagnostic> diagnostics;
  PinFile pins = parse_pins(m_pins_text, head.short_id() + ":" + path, diagnostics);
  throw_if_errors(diagnostics);
  auto pinned = pins.environments.find(m_target.environment);
  if (pinned == pins.environments.end()) {
    return true;  // nothing deployed there yet
  }
  for (const auto& [name, pin] : pinned->second) {
    if (auto kept = previous ? previous->kept(name, pin) : nullptr) {
      m_prompts.push_back(std::move(kept));
      ++m_kept;
      continue;
    }
    repo::Revision revision = repository.resolve(pin.commit);
    revision.expression = m_target.environment;  // as NAME@ENV names it
    wanted.push_back({sources.at(revision), name, pin});
  }
  return true;
}

void Snapshot::read_prompts(Workspace& workspace, const std::vector<Wanted>& wanted) {
  // Each commit's settings once, before the threads share its source.
  for (const Wanted& item : wanted) {
    (void)item.source->settings();
  }
  // Parsing is most of the work and runs on every core; the repository's reads take turns.
  std::vector<std::shared_ptr<const ServedPrompt>> read(wanted.size());
  util::parallel_for(wanted.size(), [&](std::size_t i) {
    read[i] = std::make_shared<const ServedPrompt>(
        resolve_in_source(workspace, wanted[i].source, wanted[i].name), wanted[i].pin, m_git_lock);
  });
  m_prompts.insert(m_prompts.end(), std::make_move_iterator(read.begin()),
                   std::make_move_iterator(read.end()));
}

const std::shared_ptr<const ServedPrompt>* Snapshot::entry(std::string_view name) const {
  auto found = std::lower_bound(
      m_prompts.begin(), m_prompts.end(), name,
      [](const auto& served, std::string_view wanted) { return served->name() < wanted; });
  return found != m_prompts.end() && (*found)->name() == name ? &*found : nullptr;
}

const ServedPrompt* Snapshot::find(std::string_view name) const {
  const std::shared_ptr<const ServedPrompt>* served = entry(name);
  return served ? served->get() : nullptr;
}

std::shared_ptr<const ServedPrompt> Snapshot::kept(const std::string& name, const Pin& pin) const {
  const std::shared_ptr<const ServedPrompt>* served = entry(name);
  if (!served || !(*served)->pin() || !same_pin(*(*served)->pin(), pin)) {
    return nullptr;
  }
  return *served;
}

const ServedPrompt& Snapshot::at_address(const std::string& address) const {
  PromptAddress parsed = parse_address(address);
  if (parsed.revision.empty()) {
    if (const ServedPrompt* served = find(parsed.name)) {
      return *served;
    }
    throw Error(ErrorKind::not_found, "no prompt named '" + parsed.name + "' is served");
  }
  std::lock_guard<std::mutex> variants(m_variants_lock);
  std::unique_ptr<const ServedPrompt>& slot = m_variants[address];
  if (!slot) {
    std::lock_guard<std::mutex> reading(*m_git_lock);
    auto source = std::make_shared<RevisionSource>(
        m_repository, resolve_revision(*m_workspace, *m_repository, parsed), m_prefix);
    if (!source->read(parsed.name)) {
      throw Error(ErrorKind::not_found,
                  "no prompt named '" + parsed.name + "' at '" + parsed.revision + "'");
    }
    slot = std::make_unique<const ServedPrompt>(
        resolve_in_source(*m_workspace, source, parsed.name), std::nullopt, m_git_lock);
  }
  return *slot;
}

repo::Revision served_revision(const repo::Repository& repository, const ServeTarget& target) {
  return repository.resolve(target.environment.empty() ? target.revision : "HEAD");
}

std::string current_commit(const repo::Repository& repository, const ServeTarget& target) {
  return served_revision(repository, target).commit_id;
}

}  // namespace promptctl::serve_detail
