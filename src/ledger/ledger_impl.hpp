// The ledger's state behind `Ledger`, shared by the files that implement it.
#pragma once

#include <optional>

#include "ledger/sqlite.hpp"
#include "promptctl/ledger.hpp"

namespace promptctl {

struct Ledger::Impl {
  explicit Impl(const std::string& path) : db(path, 30000) {}
  ledger_detail::Database db;
  std::optional<ledger_detail::Statement> insert_run;  // prepared once, on the first record
  bool batching = false;
  std::optional<ledger_detail::Transaction> batch;  // open while a batch has uncommitted runs
};

}  // namespace promptctl
