// Whether a client has closed a connection that libmicrohttpd has set aside while a run's answer
// is awaited: it does not watch a suspended connection, so nothing else would notice.
#pragma once

struct MHD_Connection;

namespace promptctl::serve_detail {

/// True when the client's side of `connection`, which must be suspended, is closed or reset.
/// A client that has sent more (a pipelined request) is still there.
bool client_left(MHD_Connection* connection);

}  // namespace promptctl::serve_detail
