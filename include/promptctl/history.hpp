// Prompt versions: what identifies one, and the versions a prompt went through.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "promptctl/prompt.hpp"
#include "promptctl/repo.hpp"
#include "promptctl/workspace.hpp"

namespace promptctl {

/// What a prompt version's content is: its file and the partials it uses.
struct ContentIdentity {
  /// A hash of the prompt file's content, of each partial it uses (statically, through
  /// partials of partials too) with its name and content, and of each file it reads (images,
  /// tools files) with its path and bytes. Identical content has the same hash wherever it
  /// appears, under any prompt name; a changed partial, image or tools file changes it.
  std::string hash;
  std::vector<std::string> partials;  ///< the partials included, sorted
};

/// The content identity of `name` as `source` has it. A partial that cannot be read leaves
/// the hash covering what could be; the prompt's own file must exist (throws `Error`
/// not_found otherwise).
ContentIdentity content_identity(PromptSource& source, std::string_view name);
/// The same for a prompt already loaded from `source`, without loading it again.
ContentIdentity content_identity(PromptSource& source, const Prompt& loaded);

/// Remembers, by a prompt file's name and blob id, which partials and files its content
/// identity was made of and the blob id of each. While every one of them is unchanged the
/// identity is computed from those ids alone, without parsing anything; any change (a partial
/// edited, added or removed, a tools file or image changed) makes it computed afresh.
class IdentityCache {
 public:
  /// A cache stored in `file`; an unreadable or outdated file counts as empty.
  explicit IdentityCache(std::filesystem::path file);
  ~IdentityCache();
  IdentityCache(const IdentityCache&) = delete;
  IdentityCache& operator=(const IdentityCache&) = delete;

  /// `content_identity(source, name)`, from the cache when it still holds. The partials and
  /// files read to check an entry are remembered, so that one used by thousands of prompts is
  /// read once: give every call the same source, unchanged, or call `forget_reads` between.
  ContentIdentity identity(PromptSource& source, std::string_view name);
  /// Forgets what was read: the source changed, or another one follows.
  void forget_reads();
  /// Writes the cache back (atomically) when an entry was made or renewed; entries not used
  /// since it was opened are dropped once they outnumber those used. Failures are ignored, as
  /// a cache may be.
  void save() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// The content hash of a prompt's text when it uses no partials: what `content_identity`
/// gives for a file with this text. For prompts that are not files, such as the built-in judge.
std::string content_hash_of_text(std::string_view prompt_text);

/// The short form of a content hash shown to people.
std::string short_hash(const std::string& hash);

/// One commit where a prompt's file changed.
struct PromptVersion {
  /// 1 for the commit that created the prompt, counting up through each later change of its
  /// file's content; a pure rename keeps the number. 0 for a deletion, which makes no version.
  int number = 0;
  repo::FileVersion change;
  std::string name;          ///< the prompt's name in this commit
  std::string old_name;      ///< for a rename, its name before
  std::string content_hash;  ///< empty for a deletion, and until `add_content_hashes`
};

/// The versions of prompt `name` reachable from `start`, newest first, following renames.
/// Version numbers count from the first commit, whatever part of the list is shown later.
/// Content hashes are left for `add_content_hashes`, so that only the versions shown pay for
/// reading their partials.
std::vector<PromptVersion> prompt_history(const Workspace& workspace,
                                          const std::shared_ptr<const repo::Repository>& repository,
                                          const repo::Revision& start, std::string_view name);

/// Fills in the content hash of each version (reading it and its partials at its commit).
void add_content_hashes(const Workspace& workspace,
                        const std::shared_ptr<const repo::Repository>& repository,
                        std::vector<PromptVersion>& versions);

/// The files `restore_prompt` wrote and removed, relative to the prompt repository.
struct RestoreResult {
  std::vector<std::string> written;
  std::vector<std::string> removed;
};

/// Puts prompt `name`'s file and tests file as `source` has them into the working tree: each
/// file is replaced atomically, and a tests file that `source` lacks is removed. Throws `Error`
/// (not_found) when `source` has no such prompt, before changing anything.
RestoreResult restore_prompt(Workspace& workspace, PromptSource& source, std::string_view name);

}  // namespace promptctl
