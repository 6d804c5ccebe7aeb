#include "serve/mhd_api.hpp"

#include "util/shared_library.hpp"

namespace promptctl::serve_detail {
namespace {

void resolve_all(const util::SharedLibrary& library, MhdApi& api) {
#define PROMPTCTL_MHD_RESOLVE(name) library.resolve(api.name, #name);
  PROMPTCTL_MHD_FUNCTIONS(PROMPTCTL_MHD_RESOLVE)
#undef PROMPTCTL_MHD_RESOLVE
}

}  // namespace

const MhdApi& mhd() {
  static const util::LoadedLibrary<MhdApi> loaded("libmicrohttpd.so.12", &resolve_all);
  return loaded.api();
}

}  // namespace promptctl::serve_detail
