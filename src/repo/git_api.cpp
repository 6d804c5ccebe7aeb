#include "repo/git_api.hpp"

#include "util/shared_library.hpp"

namespace promptctl::repo {
namespace {

// Loads the library, resolves every function, and brackets the process's use of libgit2 with
// git_libgit2_init and git_libgit2_shutdown.
class LoadedGit {
 public:
  LoadedGit() : m_library(PROMPTCTL_LIBGIT2_SONAME) {
#define PROMPTCTL_GIT_RESOLVE(name) m_library.resolve(m_api.name, #name);
    PROMPTCTL_GIT_FUNCTIONS(PROMPTCTL_GIT_RESOLVE)
#undef PROMPTCTL_GIT_RESOLVE
    m_api.git_libgit2_init();
    // libgit2 re-hashes every object it reads by default; git does that only in fsck. Walking
    // the history of a large repository otherwise spends most of its time hashing trees.
    m_api.git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  }
  ~LoadedGit() {
    m_api.git_libgit2_shutdown();
  }
  LoadedGit(const LoadedGit&) = delete;
  LoadedGit& operator=(const LoadedGit&) = delete;

  [[nodiscard]] const GitApi& api() const {
    return m_api;
  }

 private:
  util::SharedLibrary m_library;
  GitApi m_api;
};

}  // namespace

const GitApi& git() {
  static const LoadedGit loaded;
  return loaded.api();
}

}  // namespace promptctl::repo
