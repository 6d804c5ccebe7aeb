#include "promptctl/address.hpp"

#include "promptctl/history.hpp"
#include "promptctl/names.hpp"
#include "promptctl/pins.hpp"
#include "promptctl/release.hpp"

namespace promptctl {
namespace fs = std::filesystem;

PromptAddress parse_address(std::string_view text) {
  PromptAddress address;
  size_t at = text.find('@');
  address.name = normalize_name(text.substr(0, at));
  validate_name(address.name);
  if (at != std::string_view::npos) {
    address.revision = std::string(text.substr(at + 1));
    if (address.revision.empty()) {
      throw Error(ErrorKind::usage, "'" + std::string(text) + "' names no revision after '@'");
    }
  }
  return address;
}

RevisionSource::RevisionSource(std::shared_ptr<const repo::Repository> repository,
                               repo::Revision revision, std::string prefix)
    : m_repository(std::move(repository)),
      m_revision(std::move(revision)),
      m_prefix(std::move(prefix)) {}

std::optional<SourceFile> RevisionSource::read_path(const std::string& relative) const {
  auto text = m_repository->read_file(m_revision, m_prefix + relative);
  if (!text) {
    return std::nullopt;
  }
  return SourceFile{m_revision.expression + ":" + m_prefix + relative, std::move(*text)};
}

std::optional<SourceFile> RevisionSource::read(std::string_view name) {
  if (name_problem(name)) {
    return std::nullopt;
  }
  return read_path(Workspace::display_path(name));
}

std::optional<SourceFile> RevisionSource::read_data(std::string_view relative) {
  return read_path(repository_relative_path(relative));
}

LoadResult RevisionSource::load_files(std::string_view name, const SourceFile& prompt_file,
                                      const std::optional<SourceFile>& tests_file) {
  return m_loader ? m_loader(name, prompt_file, tests_file)
                  : PromptSource::load_files(name, prompt_file, tests_file);
}

std::optional<SourceFile> RevisionSource::read_tests(std::string_view name) {
  if (name_problem(name)) {
    return std::nullopt;
  }
  return read_path(std::string(Workspace::k_prompts_dir) + "/" + std::string(name) + ".tests.yaml");
}

const RepoSettings& RevisionSource::settings() const {
  if (m_settings) {
    return *m_settings;
  }
  auto file = read_path(Workspace::k_settings_file);
  if (!file) {
    return m_settings.emplace();
  }
  std::vector<Diagnostic> diagnostics;
  RepoSettings settings = parse_settings(file->text, file->path, diagnostics);
  throw_if_errors(diagnostics);
  return m_settings.emplace(std::move(settings));
}

std::vector<std::string> prompt_names_at(const repo::Repository& repository,
                                         const repo::Revision& revision,
                                         const std::string& prefix) {
  std::string folder = prefix + Workspace::k_prompts_dir + "/";
  std::vector<std::string> names;
  for (const std::string& path : repository.list_files(revision, folder)) {
    std::string relative = path.substr(folder.size());
    if (!relative.ends_with(".yaml") || relative.ends_with(".tests.yaml")) {
      continue;
    }
    std::string name = relative.substr(0, relative.size() - 5);
    if (!name_problem(name)) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

std::string repository_prefix(const Workspace& workspace, const repo::Repository& repository) {
  std::string prefix = fs::weakly_canonical(workspace.root())
                           .lexically_relative(fs::weakly_canonical(repository.work_tree()))
                           .generic_string();
  return prefix == "." || prefix.empty() ? std::string() : prefix + "/";
}

namespace {

repo::Revision pinned_revision(const Workspace& workspace, const repo::Repository& repository,
                               const PromptAddress& address) {
  PinFile pins = pins_at_head(repository, repository_prefix(workspace, repository));
  const Pin* pin = pins.find(address.revision, address.name);
  if (!pin) {
    throw Error(
        ErrorKind::not_found, "'" + address.name + "' is not deployed to " + address.revision, {},
        "'promptctl deploy " + address.name + " --env " + address.revision + "' deploys it");
  }
  repo::Revision revision = repository.resolve(pin->commit);
  revision.expression = address.revision;
  return revision;
}

// "v3" names a prompt's third version, as `promptctl log NAME` numbers them: nothing else.
std::optional<int> version_number(std::string_view revision) {
  if (revision.size() < 2 || revision[0] != 'v' || revision[1] == '0' || revision.size() > 10) {
    return std::nullopt;
  }
  int number = 0;
  for (char c : revision.substr(1)) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    number = number * 10 + (c - '0');
  }
  return number;
}

// The commit of version `number` of the prompt, counted in the history reachable from HEAD.
repo::Revision numbered_revision(const Workspace& workspace, const repo::Repository& repository,
                                 const PromptAddress& address, int number) {
  // The history only reads through the repository for this call: it may borrow it.
  std::shared_ptr<const repo::Repository> borrowed(std::shared_ptr<void>(), &repository);
  std::vector<PromptVersion> versions =
      prompt_history(workspace, borrowed, repository.resolve("HEAD"), address.name);
  int newest = 0;
  for (const PromptVersion& version : versions) {
    newest = std::max(newest, version.number);
    if (version.number != number) {
      continue;
    }
    repo::Revision revision = repository.resolve(version.change.commit.id);
    if (version.name != address.name) {
      throw Error(ErrorKind::not_found,
                  "'" + address.name + "' was named '" + version.name + "' at " + address.revision,
                  {}, "'" + version.name + "@" + revision.short_id() + "' reads it");
    }
    revision.expression = address.revision;
    return revision;
  }
  throw Error(ErrorKind::not_found, "'" + address.name + "' has no version " + address.revision, {},
              newest == 0 ? "it has no committed version yet"
                          : "its versions are v1 to v" + std::to_string(newest) +
                                " ('promptctl log " + address.name + "' lists them)");
}

// "vN" is the prompt's Nth version. A branch or tag of that name is taken when the prompt has
// no such version; when both name different commits, the address is ambiguous.
repo::Revision version_or_ref(const Workspace& workspace, const repo::Repository& repository,
                              const PromptAddress& address, int number) {
  std::optional<repo::Revision> ref;
  try {
    ref = repository.resolve(address.revision);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found) {
      throw;
    }
  }
  std::optional<repo::Revision> numbered;
  try {
    numbered = numbered_revision(workspace, repository, address, number);
  } catch (const Error& e) {
    if (!ref || e.kind() != ErrorKind::not_found) {
      throw;
    }
    return *ref;
  }
  if (ref && ref->commit_id != numbered->commit_id) {
    throw Error(ErrorKind::invalid_input,
                "'" + address.name + "@" + address.revision + "' is ambiguous: version " +
                    address.revision + " of '" + address.name + "' is " + numbered->short_id() +
                    ", the ref " + address.revision + " is " + ref->short_id(),
                {},
                "write refs/tags/" + address.revision + " or refs/heads/" + address.revision +
                    " for the ref");
  }
  return *numbered;
}

}  // namespace

repo::Revision resolve_revision(const Workspace& workspace, const repo::Repository& repository,
                                const PromptAddress& address) {
  if (find_environment(workspace.settings().environments, address.revision)) {
    return pinned_revision(workspace, repository, address);
  }
  if (auto number = version_number(address.revision)) {
    return version_or_ref(workspace, repository, address, *number);
  }
  auto version = SemVer::parse(address.revision);
  if (!version) {
    return repository.resolve(address.revision);
  }
  std::string tag = release_tag(address.name, *version);
  try {
    repo::Revision revision = repository.resolve("refs/tags/" + tag);
    revision.expression = tag;
    return revision;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found) {
      throw;
    }
  }
  std::string known;
  for (const repo::TagInfo& other : repository.tags(address.name + "@*")) {
    known += (known.empty() ? "" : ", ") + other.name;
  }
  throw Error(ErrorKind::not_found, "'" + address.name + "' has no release " + version->to_string(),
              {},
              known.empty() ? "it has no releases yet ('promptctl release " + address.name +
                                  " --bump minor' makes one)"
                            : "its releases: " + known);
}

ResolvedPrompt resolve_prompt(Workspace& workspace, std::string_view argument, KeepCompiled keep) {
  PromptAddress address = parse_address(argument);
  ResolvedPrompt resolved;
  if (address.revision.empty()) {
    LoadResult loaded = workspace.load_compiled(address.name, keep);
    throw_if_errors(loaded.diagnostics);
    resolved.prompt = std::move(*loaded.prompt);
    resolved.m_text = std::move(loaded.text);
    resolved.default_model = workspace.settings().default_model;
    resolved.render_settings.max_size = workspace.settings().max_rendered_size;
    resolved.ledger_store = stricter(workspace.settings().ledger_store,
                                     resolved.prompt.ledger_store.value_or(LedgerStore::full));
    resolved.m_source = &workspace;
    resolved.m_workspace = &workspace;
    return resolved;
  }
  auto repository =
      std::make_shared<const repo::Repository>(repo::Repository::discover(workspace.root()));
  repo::Revision revision = resolve_revision(workspace, *repository, address);
  std::string prefix = repository_prefix(workspace, *repository);
  auto source = std::make_shared<RevisionSource>(repository, revision, prefix);
  if (!source->read(address.name)) {
    throw Error(ErrorKind::not_found, "no prompt named '" + address.name + "' at revision '" +
                                          address.revision + "' (" + revision.short_id() + ")");
  }
  return resolve_in_source(workspace, std::move(source), address.name);
}

ResolvedPrompt resolve_in_source(Workspace& workspace, std::shared_ptr<RevisionSource> source,
                                 std::string_view name) {
  LoadResult loaded = load_through_source(*source, name);
  throw_if_errors(loaded.diagnostics);
  ResolvedPrompt resolved;
  resolved.prompt = std::move(*loaded.prompt);
  resolved.m_text = std::move(loaded.text);
  const RepoSettings& settings = source->settings();
  resolved.default_model = settings.default_model;
  resolved.render_settings.max_size = settings.max_rendered_size;
  resolved.ledger_store =
      stricter(stricter(workspace.settings().ledger_store, settings.ledger_store),
               resolved.prompt.ledger_store.value_or(LedgerStore::full));
  resolved.revision = source->revision();
  resolved.m_source = source.get();
  resolved.m_owned = std::move(source);
  resolved.m_workspace = &workspace;
  return resolved;
}

std::optional<std::string> ResolvedPrompt::head_content_hash(
    const repo::Repository& repository) const {
  std::optional<repo::Revision> head;
  try {
    head = repository.resolve("HEAD");
  } catch (const Error&) {
    return std::nullopt;  // no commit yet
  }
  // The source lives only for this call, while the caller keeps `repository` alive: it may
  // refer to it without owning it.
  std::shared_ptr<const repo::Repository> borrowed(std::shared_ptr<void>(), &repository);
  RevisionSource at_head(borrowed, *head, repository_prefix(*m_workspace, repository));
  std::optional<SourceFile> committed = at_head.read(prompt.name);
  if (!committed) {
    return std::nullopt;
  }
  // The prompt's own text unchanged since HEAD: what it uses is read from the prompt already
  // loaded, resolved at HEAD, rather than from a second parse of the same text.
  if (committed->text == m_text) {
    return content_identity(at_head, prompt).hash;
  }
  return content_identity(at_head, prompt.name).hash;
}

nlohmann::json revision_json(const std::optional<repo::Revision>& revision) {
  if (!revision) {
    return nullptr;
  }
  return {{"revision", revision->expression}, {"commit", revision->commit_id}};
}

void add_revision_fields(nlohmann::json& shown, const std::optional<repo::Revision>& revision) {
  shown["revision"] = revision ? nlohmann::json(revision->expression) : nullptr;
  shown["commit"] = revision ? nlohmann::json(revision->commit_id) : nullptr;
}

nlohmann::json ResolvedPrompt::to_json() const {
  nlohmann::json shown = promptctl::to_json(prompt);
  shown["effective_model"] = effective_model().to_json();
  add_revision_fields(shown, revision);
  std::vector<std::string> used;
  for (const tmpl::Template* parsed : parsed_templates(prompt)) {
    for (const std::string& partial : parsed->partials()) {
      used.push_back(partial);
    }
  }
  shown["partials"] = used;
  ContentIdentity identity = content_identity(source(), prompt.name);
  shown["content_hash"] = identity.hash;
  shown["content_partials"] = identity.partials;  // through partials of partials too
  return shown;
}

}  // namespace promptctl
