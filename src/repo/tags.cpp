// Tags: listing by pattern and creating annotated ones.
#include <algorithm>

#include "promptctl/repo.hpp"
#include "repo/git_handle.hpp"
#include "repo/helpers.hpp"
#include "repo/repository_impl.hpp"
#include "util/strings.hpp"

namespace promptctl::repo {

namespace {

using GitTag = GitHandle<git_tag, &GitApi::git_tag_free>;

}  // namespace

std::vector<TagInfo> Repository::tags(const std::string& pattern) const {
  git_repository* repository = m_impl->repository.get();
  git_strarray names{};
  check(git().git_tag_list_match(&names, pattern.c_str(), repository), "list tags");
  GitStrarray owner(&names);
  std::vector<TagInfo> out;
  for (size_t i = 0; i < names.count; ++i) {
    TagInfo tag;
    tag.name = names.strings[i];
    std::string ref = "refs/tags/" + tag.name;
    git_object* raw = nullptr;
    if (git().git_revparse_single(&raw, repository, ref.c_str()) != 0) {
      continue;
    }
    GitObject object(raw);
    if (git().git_object_type(object.get()) == GIT_OBJECT_TAG) {
      const git_tag* annotated = reinterpret_cast<const git_tag*>(object.get());
      const char* message = git().git_tag_message(annotated);
      tag.message = message ? message : "";
      if (const git_signature* tagger = git().git_tag_tagger(annotated)) {
        tag.tagger = identity_of(tagger);
      }
    }
    git_object* peeled = nullptr;
    if (git().git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
      continue;  // a tag of something other than a commit
    }
    GitObject commit(peeled);
    tag.commit_id = git().git_oid_tostr_s(git().git_object_id(commit.get()));
    out.push_back(std::move(tag));
  }
  std::sort(out.begin(), out.end(),
            [](const TagInfo& a, const TagInfo& b) { return a.name < b.name; });
  return out;
}

void Repository::create_tag(const std::string& name, const Revision& target,
                            const std::string& message, const Identity& tagger) {
  git_repository* repository = m_impl->repository.get();
  int valid = 0;
  check(git().git_tag_name_is_valid(&valid, name.c_str()), "check a tag name");
  if (!valid) {
    throw Error(ErrorKind::usage, "'" + util::printable(name) + "' is not a valid tag name");
  }
  git_object* raw = nullptr;
  check(git().git_revparse_single(&raw, repository, target.commit_id.c_str()),
        "read " + target.short_id());
  GitObject object(raw);
  GitSignature signature_of_tagger = signature(tagger);
  git_oid id{};
  int code = git().git_tag_create(&id, repository, name.c_str(), object.get(),
                                  signature_of_tagger.get(), message.c_str(), 0);
  if (code == GIT_EEXISTS) {
    throw Error(ErrorKind::already_exists, "a tag named '" + name + "' already exists");
  }
  check(code, "create tag '" + name + "'");
}

}  // namespace promptctl::repo
