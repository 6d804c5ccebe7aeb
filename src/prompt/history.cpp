#include "promptctl/history.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "promptctl/address.hpp"
#include "promptctl/render.hpp"
#include "util/fs.hpp"

namespace promptctl {

namespace {

// Every partial reachable from the prompt through static references; nothing when the prompt
// does not load or a partial is broken, since the hash must still be computable for any
// version in history.
std::vector<std::string> used_partials(PromptSource& source, const Prompt& prompt) {
  try {
    PromptPartials partials(source);
    (void)find_partial_cycle(parsed_templates(prompt), partials);
    std::vector<std::string> names = partials.loaded();
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  } catch (const Error&) {
    return {};
  }
}

// "prompts/a/b.yaml" (after the repository prefix) as the prompt name "a/b".
std::string name_of_path(const std::string& path, const std::string& prompts_prefix) {
  std::string name = path.starts_with(prompts_prefix) ? path.substr(prompts_prefix.size()) : path;
  if (name.ends_with(".yaml")) {
    name.resize(name.size() - 5);
  }
  return name;
}

// What a prompt's content is made of besides its own file: the partials it uses and the files
// it reads (images, tools).
struct Ingredients {
  std::vector<std::string> partials;
  std::vector<std::string> files;
};

Ingredients ingredients_of(PromptSource& source, const Prompt& prompt) {
  return {used_partials(source, prompt), prompt.data_files()};
}

Ingredients ingredients_of(PromptSource& source, std::string_view name) {
  LoadResult loaded;
  try {
    loaded = load_from_source(source, name);
  } catch (const Error&) {
    return {};
  }
  if (!loaded.prompt || loaded.has_errors()) {
    return {};
  }
  return ingredients_of(source, *loaded.prompt);
}

// The first line of a content manifest: the prompt file's own text. Partials and the files it
// reads (images, tools) follow.
std::string prompt_manifest_line(std::string_view prompt_text) {
  return "prompt " + repo::hash_blob(prompt_text) + "\n";
}

// The blob id of each file an identity is made of, by name (prompts) or path (other files);
// "" for one that does not exist, "!" for a path that may not be read.
struct Blobs {
  std::string prompt;
  std::map<std::string, std::string> prompts;
  std::map<std::string, std::string> files;
};

constexpr const char* k_absent = "";
constexpr const char* k_refused = "!";

std::string blob_of_prompt(PromptSource& source, const std::string& name) {
  auto file = source.read(name);
  return file ? repo::hash_blob(file->text) : k_absent;
}

std::string blob_of_file(PromptSource& source, const std::string& path) {
  try {
    auto file = source.read_data(path);
    return file ? repo::hash_blob(file->text) : k_absent;
  } catch (const Error&) {
    return k_refused;  // a path outside the repository: `lint` and `render` say so
  }
}

ContentIdentity identity_from_blobs(const Ingredients& ingredients, const Blobs& blobs) {
  ContentIdentity identity;
  std::string manifest = "prompt " + blobs.prompt + "\n";
  for (const std::string& partial : ingredients.partials) {
    const std::string& blob = blobs.prompts.at(partial);
    if (blob != k_absent) {
      manifest += "partial " + partial + " " + blob + "\n";
      identity.partials.push_back(partial);
    }
  }
  for (const std::string& path : ingredients.files) {
    const std::string& blob = blobs.files.at(path);
    if (blob != k_absent && blob != k_refused) {
      manifest += "file " + path + " " + blob + "\n";
    }
  }
  identity.hash = repo::hash_blob(manifest);
  return identity;
}

ContentIdentity identity_of(PromptSource& source, std::string_view name,
                            const Ingredients& ingredients) {
  Blobs blobs;
  blobs.prompt = blob_of_prompt(source, std::string(name));
  if (blobs.prompt == k_absent) {
    throw Error(ErrorKind::not_found, "no prompt named '" + std::string(name) + "'");
  }
  for (const std::string& partial : ingredients.partials) {
    blobs.prompts.emplace(partial, blob_of_prompt(source, partial));
  }
  for (const std::string& path : ingredients.files) {
    blobs.files.emplace(path, blob_of_file(source, path));
  }
  return identity_from_blobs(ingredients, blobs);
}

// A source that notes the blob id of everything read through it: what a prompt's ingredients
// were worked out from.
class RecordingSource : public PromptSource {
 public:
  explicit RecordingSource(PromptSource& inner) : m_inner(inner) {}

  std::optional<SourceFile> read(std::string_view name) override {
    auto file = m_inner.read(name);
    m_blobs.prompts[std::string(name)] = file ? repo::hash_blob(file->text) : k_absent;
    return file;
  }
  std::optional<SourceFile> read_tests(std::string_view name) override {
    return m_inner.read_tests(name);  // tests are no part of a prompt's content
  }
  std::optional<SourceFile> read_data(std::string_view relative) override {
    std::string& blob = m_blobs.files[std::string(relative)];
    blob = k_refused;
    auto file = m_inner.read_data(relative);
    blob = file ? repo::hash_blob(file->text) : k_absent;
    return file;
  }
  [[nodiscard]] const Blobs& blobs() const { return m_blobs; }

 private:
  PromptSource& m_inner;
  Blobs m_blobs;
};

}  // namespace

struct IdentityCache::Impl {
  // What one identity was made of: every file read to work out its ingredients, by blob id.
  struct Entry {
    Ingredients ingredients;
    Blobs read;
  };
  std::filesystem::path file;
  std::map<std::string, Entry> entries;  // by "name blob-id"
  std::set<std::string> used;
  bool changed = false;

  // Whether every file the entry was made of still has the blob id it had.
  // The prompt itself is known to be unchanged: its blob id is in the entry's key.
  bool holds(PromptSource& source, std::string_view prompt, const Entry& entry) {
    auto recorded = [](const auto& names, const std::map<std::string, std::string>& blobs) {
      return std::all_of(names.begin(), names.end(),
                         [&](const std::string& name) { return blobs.contains(name); });
    };
    if (!recorded(entry.ingredients.partials, entry.read.prompts) ||
        !recorded(entry.ingredients.files, entry.read.files)) {
      return false;  // a damaged entry
    }
    for (const auto& [name, blob] : entry.read.prompts) {
      if (name != prompt && seen_prompt_blob(source, name) != blob) {
        return false;
      }
    }
    for (const auto& [path, blob] : entry.read.files) {
      if (seen_file_blob(source, path) != blob) {
        return false;
      }
    }
    return true;
  }

  // The blob ids read while checking entries: a partial used by thousands of prompts is read
  // once (see `forget_reads`).
  std::map<std::string, std::string> seen_prompts;  // by name
  std::map<std::string, std::string> seen_files;    // by path

  std::string seen_prompt_blob(PromptSource& source, const std::string& name) {
    return remembered(seen_prompts, name, [&] { return blob_of_prompt(source, name); });
  }
  std::string seen_file_blob(PromptSource& source, const std::string& path) {
    return remembered(seen_files, path, [&] { return blob_of_file(source, path); });
  }
  static const std::string& remembered(std::map<std::string, std::string>& seen,
                                       const std::string& key, const auto& read_blob) {
    auto found = seen.find(key);
    if (found == seen.end()) {
      found = seen.emplace(key, read_blob()).first;
    }
    return found->second;
  }

  void load();
  [[nodiscard]] std::string text() const;
};

namespace {

constexpr int k_identity_cache_version = 1;

nlohmann::json blobs_json(const std::map<std::string, std::string>& blobs) {
  return nlohmann::json(blobs);
}

}  // namespace

void IdentityCache::Impl::load() {
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(file);
  } catch (const Error&) {
    return;
  }
  nlohmann::json parsed = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (!parsed.is_object() || parsed.value("version", 0) != k_identity_cache_version ||
      !parsed.contains("entries") || !parsed["entries"].is_object()) {
    return;
  }
  try {
    for (const auto& [key, value] : parsed["entries"].items()) {
      Entry entry;
      entry.ingredients.partials = value.at("partials").get<std::vector<std::string>>();
      entry.ingredients.files = value.at("files").get<std::vector<std::string>>();
      entry.read.prompt = value.at("prompt").get<std::string>();
      entry.read.prompts = value.at("prompts").get<std::map<std::string, std::string>>();
      entry.read.files = value.at("read_files").get<std::map<std::string, std::string>>();
      entries.emplace(key, std::move(entry));
    }
  } catch (const nlohmann::json::exception&) {
    entries.clear();  // a damaged cache is an empty one
  }
}

std::string IdentityCache::Impl::text() const {
  // Entries not used this time stay while they are no more than those used: commands that ask
  // for different prompts (pending at HEAD, test in the working tree) do not evict each other,
  // and old versions do not pile up.
  bool keep_unused = entries.size() <= 2 * used.size() + 64;
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [key, entry] : entries) {
    if (!keep_unused && !used.contains(key)) {
      continue;
    }
    kept[key] = {{"partials", entry.ingredients.partials},
                 {"files", entry.ingredients.files},
                 {"prompt", entry.read.prompt},
                 {"prompts", blobs_json(entry.read.prompts)},
                 {"read_files", blobs_json(entry.read.files)}};
  }
  return nlohmann::json{{"version", k_identity_cache_version}, {"entries", kept}}.dump() + "\n";
}

IdentityCache::IdentityCache(std::filesystem::path file) : m_impl(std::make_unique<Impl>()) {
  m_impl->file = std::move(file);
  m_impl->load();
}

IdentityCache::~IdentityCache() = default;

ContentIdentity IdentityCache::identity(PromptSource& source, std::string_view name) {
  std::string prompt_blob = blob_of_prompt(source, std::string(name));
  if (prompt_blob == k_absent) {
    throw Error(ErrorKind::not_found, "no prompt named '" + std::string(name) + "'");
  }
  std::string key = std::string(name) + " " + prompt_blob;
  auto found = m_impl->entries.find(key);
  if (found == m_impl->entries.end() || !m_impl->holds(source, name, found->second)) {
    RecordingSource recording(source);
    Impl::Entry entry;
    entry.ingredients = ingredients_of(recording, name);
    // The files the identity itself reads are recorded too, so that a hit needs no other read.
    (void)identity_of(recording, name, entry.ingredients);
    entry.read = recording.blobs();
    entry.read.prompt = prompt_blob;
    found = m_impl->entries.insert_or_assign(key, std::move(entry)).first;
    m_impl->changed = true;
  }
  m_impl->used.insert(key);
  return identity_from_blobs(found->second.ingredients, found->second.read);
}

void IdentityCache::forget_reads() {
  m_impl->seen_prompts.clear();
  m_impl->seen_files.clear();
}

void IdentityCache::save() const {
  if (!m_impl->changed) {
    return;  // nothing new: the file already holds every entry used
  }
  try {
    util::make_private_directory(m_impl->file.parent_path());  // beside the ledger and cache
    util::write_file_atomic(m_impl->file, m_impl->text(), 0600);
  } catch (const Error&) {
    // A cache that cannot be written costs time, not correctness.
  }
}

std::string content_hash_of_text(std::string_view prompt_text) {
  return repo::hash_blob(prompt_manifest_line(prompt_text));
}

ContentIdentity content_identity(PromptSource& source, std::string_view name) {
  return identity_of(source, name, ingredients_of(source, name));
}

ContentIdentity content_identity(PromptSource& source, const Prompt& loaded) {
  return identity_of(source, loaded.name, ingredients_of(source, loaded));
}

RestoreResult restore_prompt(Workspace& workspace, PromptSource& source, std::string_view name) {
  auto prompt = source.read(name);
  if (!prompt) {
    throw Error(ErrorKind::not_found, "no prompt named '" + std::string(name) + "' there");
  }
  auto tests = source.read_tests(name);
  RestoreResult result;
  std::filesystem::create_directories(workspace.file_for(name).parent_path());
  util::write_file_atomic(workspace.file_for(name), prompt->text);
  result.written.push_back(Workspace::display_path(name));
  std::filesystem::path tests_path = workspace.tests_file_for(name);
  std::string tests_shown =
      std::string(Workspace::k_prompts_dir) + "/" + std::string(name) + ".tests.yaml";
  if (tests) {
    util::write_file_atomic(tests_path, tests->text);
    result.written.push_back(tests_shown);
  } else if (std::filesystem::remove(tests_path)) {
    result.removed.push_back(tests_shown);
  }
  return result;
}

std::string short_hash(const std::string& hash) {
  return hash.substr(0, 12);
}

void add_content_hashes(const Workspace& workspace,
                        const std::shared_ptr<const repo::Repository>& repository,
                        std::vector<PromptVersion>& versions) {
  std::string prefix = repository_prefix(workspace, *repository);
  for (PromptVersion& version : versions) {
    if (version.change.kind != repo::ChangeKind::deleted) {
      const std::string& commit = version.change.commit.id;
      RevisionSource source(repository, {commit, commit}, prefix);
      version.content_hash = content_identity(source, version.name).hash;
    }
  }
}

std::vector<PromptVersion> prompt_history(const Workspace& workspace,
                                          const std::shared_ptr<const repo::Repository>& repository,
                                          const repo::Revision& start, std::string_view name) {
  std::string prefix = repository_prefix(workspace, *repository);
  std::string prompts_prefix = prefix + Workspace::k_prompts_dir + "/";
  std::vector<repo::FileVersion> changes =
      repository->file_history(start, prefix + Workspace::display_path(name), prompts_prefix);
  std::vector<PromptVersion> versions;
  versions.reserve(changes.size());
  for (repo::FileVersion& change : changes) {
    PromptVersion version;
    version.name = name_of_path(change.path, prompts_prefix);
    if (!change.old_path.empty()) {
      version.old_name = name_of_path(change.old_path, prompts_prefix);
    }
    version.change = std::move(change);
    versions.push_back(std::move(version));
  }
  // A commit that leaves the file's content as it was (a pure rename, a re-added copy) keeps
  // the version number it had.
  int number = 0;
  std::string last_blob;
  for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
    if (it->change.kind == repo::ChangeKind::deleted) {
      continue;
    }
    if (it->change.blob_id != last_blob) {
      ++number;
      last_blob = it->change.blob_id;
    }
    it->number = number;
  }
  return versions;
}

}  // namespace promptctl
