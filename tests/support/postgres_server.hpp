// A real PostgreSQL server for the tests of the shared ledger: Debian's `postgresql`, set up
// with initdb in a temporary folder and listening only on a Unix socket there, started on
// first use and stopped when the test program ends.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/temp_dir.hpp"

namespace promptctl::testing {

/// A new, empty database on the tests' server, and the URL that reaches it
/// (postgresql:///NAME?host=SOCKET_DIR&user=…). Fails the test (and returns "") when the
/// server cannot be started: the PostgreSQL tests are not skipped.
std::string new_postgres_database();

/// The URL of a database that does not exist on the tests' server.
std::string missing_postgres_database();

/// A test with a new database of its own (`url`) and a temporary folder.
class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url = new_postgres_database();
    ASSERT_FALSE(url.empty());
  }

  TempDir dir;
  std::string url;
};

}  // namespace promptctl::testing
