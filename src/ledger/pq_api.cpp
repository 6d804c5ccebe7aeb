#include "ledger/pq_api.hpp"

#include "util/shared_library.hpp"

namespace promptctl::ledger_detail {
namespace {

void resolve_all(const util::SharedLibrary& library, PqApi& api) {
#define PROMPTCTL_PQ_RESOLVE(name) library.resolve(api.name, #name);
  PROMPTCTL_PQ_FUNCTIONS(PROMPTCTL_PQ_RESOLVE)
#undef PROMPTCTL_PQ_RESOLVE
}

}  // namespace

const PqApi& pq() {
  static const util::LoadedLibrary<PqApi> loaded("libpq.so.5", &resolve_all);
  return loaded.api();
}

}  // namespace promptctl::ledger_detail
