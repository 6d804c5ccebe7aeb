// What the drivers share: the statement and transaction helpers of connection.hpp.
#include "ledger/connection.hpp"

#include "promptctl/check.hpp"

namespace promptctl::ledger_detail {

std::int64_t Query::insert_returning_id() {
  bool returned = step();
  PROMPTCTL_CHECK(returned);  // an insert that succeeded returns its row
  std::int64_t id = integer(0);
  run();  // to the end, so that the statement no longer holds the table
  return id;
}

WriteTransaction::~WriteTransaction() {
  if (!m_done) {
    try {
      m_connection.rollback();
    } catch (const std::exception&) {
      // Nothing more can be done from a destructor; the database rolls back what is left
      // open when the connection closes.
    }
  }
}

}  // namespace promptctl::ledger_detail
