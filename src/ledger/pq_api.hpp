// libpq's functions, resolved from the library on first use, so that only a ledger on
// PostgreSQL pays for loading it and the TLS, Kerberos and LDAP libraries it brings.
#pragma once

#include <libpq-fe.h>

namespace promptctl::ledger_detail {

// Every libpq function promptctl uses. To use another, add it here.
#define PROMPTCTL_PQ_FUNCTIONS(X) \
  X(PQconnectdb)                  \
  X(PQstatus)                     \
  X(PQerrorMessage)               \
  X(PQfinish)                     \
  X(PQsetNoticeProcessor)         \
  X(PQprepare)                    \
  X(PQexec)                       \
  X(PQexecPrepared)               \
  X(PQexecParams)                 \
  X(PQresultStatus)               \
  X(PQresultErrorMessage)         \
  X(PQclear)                      \
  X(PQntuples)                    \
  X(PQgetvalue)                   \
  X(PQgetlength)                  \
  X(PQgetisnull)

struct PqApi {
#define PROMPTCTL_PQ_MEMBER(name) decltype(&::name) name = nullptr;
  PROMPTCTL_PQ_FUNCTIONS(PROMPTCTL_PQ_MEMBER)
#undef PROMPTCTL_PQ_MEMBER
};

/// The loaded library, once for the process. Throws `Error` (io) when it cannot be loaded.
const PqApi& pq();

}  // namespace promptctl::ledger_detail
