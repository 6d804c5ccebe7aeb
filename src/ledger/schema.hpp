// The ledger's tables on each database, and the migrations that bring an older ledger up to
// this build's schema.
#pragma once

#include "ledger/connection.hpp"

namespace promptctl::ledger_detail {

/// The schema version this build writes.
int current_schema_version();
/// The schema version of the ledger behind `connection`: 0 when it has no tables yet.
int schema_version_of(Connection& connection);
/// Brings the ledger up to `current_schema_version()` in one transaction, which other writers
/// wait for. Throws `Error` (invalid_input) for a ledger written by a newer promptctl.
void migrate(Connection& connection);

}  // namespace promptctl::ledger_detail
