// The ledger's state behind `Ledger`, shared by the files that implement it.
#pragma once

#include <memory>
#include <optional>

#include "ledger/connection.hpp"
#include "promptctl/ledger.hpp"

namespace promptctl {

struct Ledger::Impl {
  explicit Impl(std::unique_ptr<ledger_detail::Connection> connection)
      : db(std::move(connection)) {}
  std::unique_ptr<ledger_detail::Connection> db;
  std::optional<ledger_detail::Query> insert_run;  // prepared once, on the first record
  bool batching = false;
  // Open while a batch has uncommitted runs.
  std::optional<ledger_detail::WriteTransaction> batch;
};

}  // namespace promptctl
