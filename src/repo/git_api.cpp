#include "repo/git_api.hpp"

#include "repo/certificates.hpp"
#include "util/shared_library.hpp"

namespace promptctl::repo {
namespace {

void resolve_all(const util::SharedLibrary& library, GitApi& api) {
#define PROMPTCTL_GIT_RESOLVE(name) library.resolve(api.name, #name);
  PROMPTCTL_GIT_FUNCTIONS(PROMPTCTL_GIT_RESOLVE)
#undef PROMPTCTL_GIT_RESOLVE
  find_certificate_parser(library);
}

// The process's use of libgit2 is bracketed by git_libgit2_init and git_libgit2_shutdown.
void start(const GitApi& api) {
  // Without parsing the system's certificates, which only transfers need (certificates.hpp).
  defer_certificate_parsing([&api] { api.git_libgit2_init(); });
  // libgit2 re-hashes every object it reads by default; git does that only in fsck. Walking
  // the history of a large repository otherwise spends most of its time hashing trees.
  api.git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

void finish(const GitApi& api) {
  api.git_libgit2_shutdown();
}

}  // namespace

const GitApi& git() {
  static const util::LoadedLibrary<GitApi> loaded(PROMPTCTL_LIBGIT2_SONAME, &resolve_all, &start,
                                                  &finish);
  return loaded.api();
}

}  // namespace promptctl::repo
