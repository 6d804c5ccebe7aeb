#include "promptctl/history.hpp"

#include <algorithm>

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

// The first line of a content manifest: the prompt file's own text. Partials and image files
// follow.
std::string prompt_manifest_line(std::string_view prompt_text) {
  return "prompt " + repo::hash_blob(prompt_text) + "\n";
}

ContentIdentity identity_of(PromptSource& source, std::string_view name,
                            const Ingredients& ingredients) {
  auto file = source.read(name);
  if (!file) {
    throw Error(ErrorKind::not_found, "no prompt named '" + std::string(name) + "'");
  }
  ContentIdentity identity;
  std::string manifest = prompt_manifest_line(file->text);
  for (const std::string& partial : ingredients.partials) {
    if (auto partial_file = source.read(partial)) {
      manifest += "partial " + partial + " " + repo::hash_blob(partial_file->text) + "\n";
      identity.partials.push_back(partial);
    }
  }
  for (const std::string& path : ingredients.files) {
    std::optional<SourceFile> image;
    try {
      image = source.read_data(path);
    } catch (const Error&) {
      continue;  // a path outside the repository: `lint` and `render` say so
    }
    if (image) {
      manifest += "file " + path + " " + repo::hash_blob(image->text) + "\n";
    }
  }
  identity.hash = repo::hash_blob(manifest);
  return identity;
}

}  // namespace

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
