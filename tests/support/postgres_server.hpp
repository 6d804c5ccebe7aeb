// A real PostgreSQL server for the tests of the shared ledger: Debian's `postgresql`, set up
// with initdb in a temporary folder and listening only on a Unix socket there, started on
// first use and stopped when the test program ends.
#pragma once

#include <string>

namespace promptctl::testing {

/// A new, empty database on the tests' server, and the URL that reaches it
/// (postgresql:///NAME?host=SOCKET_DIR&user=…). Fails the test (and returns "") when the
/// server cannot be started: the PostgreSQL tests are not skipped.
std::string new_postgres_database();

/// The URL of a database that does not exist on the tests' server.
std::string missing_postgres_database();

}  // namespace promptctl::testing
