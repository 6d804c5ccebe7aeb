#include "ledger/sqlite_api.hpp"

#include "util/shared_library.hpp"

namespace promptctl::ledger_detail {
namespace {

void resolve_all(const util::SharedLibrary& library, SqliteApi& api) {
#define PROMPTCTL_SQLITE_RESOLVE(name) library.resolve(api.name, #name);
  PROMPTCTL_SQLITE_FUNCTIONS(PROMPTCTL_SQLITE_RESOLVE)
#undef PROMPTCTL_SQLITE_RESOLVE
}

}  // namespace

const SqliteApi& sqlite() {
  static const util::LoadedLibrary<SqliteApi> loaded("libsqlite3.so.0", &resolve_all);
  return loaded.api();
}

}  // namespace promptctl::ledger_detail
