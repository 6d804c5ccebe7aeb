// What the drivers share: the statement and transaction helpers of connection.hpp.
#include "ledger/connection.hpp"

namespace promptctl::ledger_detail {

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
